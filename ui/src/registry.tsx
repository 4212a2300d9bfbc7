import type { ComponentType as ReactComponent } from 'react'
import type { ComponentType } from './component-types.ts'
import { ButtonView } from './components/button.tsx'
import { CardView } from './components/card.tsx'
import { HeadingView } from './components/heading.tsx'
import { StackView } from './components/stack.tsx'
import { TableView } from './components/table.tsx'
import { TextView } from './components/text.tsx'
import { UploadDropzoneView } from './components/upload-dropzone.tsx'
import type { ViewProps } from './view.ts'

/** Each component type's React side; `satisfies` keeps it in step with COMPONENT_TYPES. */
export const REGISTRY = {
  Stack: StackView,
  Card: CardView,
  Heading: HeadingView,
  Text: TextView,
  Button: ButtonView,
  UploadDropzone: UploadDropzoneView,
  Table: TableView,
} satisfies Record<ComponentType, ReactComponent<ViewProps>>
