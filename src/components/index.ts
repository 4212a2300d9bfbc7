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
export { Table } from './table.ts'
export type {
  TableColumn,
  TableProps,
  TableRowsContext,
  TableRowsHandler,
  TableRowsOptions,
  TableRowsRoute,
  TableRowsRouteOptions,
} from './table.ts'
export { tableQuery } from './table-query.ts'
export type {
  TableFilter,
  TableQuery,
  TableQueryOptions,
  TableQuerySchema,
  TableRows,
  TableSort,
} from './table-query.ts'
export { queryRows } from './table-rows.ts'
export { refresh, navigate } from './actions.ts'
export type { Action } from './actions.ts'
export type { ComponentJson, MenuJson, PageJson, UiConfigJson } from './wire.ts'
