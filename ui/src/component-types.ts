// The component types the UI renders. registry.tsx maps each one to its React
// component and fails to compile if one is missing or extra, so this list
// (which the build writes to components.json) is always what the UI can render.
export const COMPONENT_TYPES = [
  'Stack',
  'Card',
  'Heading',
  'Text',
  'Button',
  'UploadDropzone',
  'Table',
] as const

export type ComponentType = (typeof COMPONENT_TYPES)[number]
