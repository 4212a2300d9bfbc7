// A component of the app's own: its React side is row-list-view.tsx, which
// calls the `rows` endpoint; dara-ts mounts the endpoint because the component
// is used in a page, and builds the React module when the app starts.
import { ComponentInstance } from 'dara-ts/definitions'
import { rows } from './rows.ts'

export class RowList extends ComponentInstance {
  static override requiredRoutes = [rows]
  static override ui = new URL('./row-list-view.tsx', import.meta.url)

  constructor(props: { readonly title: string; readonly pageSize: number }) {
    super(props)
  }
}
