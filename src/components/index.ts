/**
 * Built-in components: what pages are made of. The twin of Dara's
 * `dara.components`.
 *
 * @module
 */
export { Stack, Card } from './layout.ts'
export type { StackProps, CardProps } from './layout.ts'
export { Heading, Text } from './text.ts'
export { Button } from './button.ts'
export { UploadDropzone } from './upload-dropzone.ts'
export type { UploadDropzoneProps } from './upload-dropzone.ts'
export type { UploadResolver } from './upload-spec.ts'
export type { UploadFile, SavedFile } from './upload-file.ts'
export type { CsvLimits } from './csv-rows.ts'
export { refresh, navigate } from './actions.ts'
export type { Action } from './actions.ts'
export type { ComponentJson, MenuJson, PageJson, UiConfigJson } from './wire.ts'
