// An app with a component of its own: RowList draws rows that its React side
// fetches, page by page, from the endpoint the component requires.
// `npx dara start examples/components/main.ts` builds the React side and serves
// http://127.0.0.1:8000/; for production, `npx dara build examples/components/main.ts`
// first, then `NODE_ENV=production npx dara start examples/components/main.ts`.
import { ConfigurationBuilder } from 'dara-ts'
import { Heading, Stack, Text } from 'dara-ts/components'
import { RowList } from './row-list.ts'

export const config = new ConfigurationBuilder()
config.setTitle('Solar system')

config.addPage(
  'Planets',
  new Stack([
    new Heading('Planets and dwarf planets'),
    new Text('Fetched from GET /api/planets, five at a time.'),
    new RowList({ title: 'By distance from the Sun', pageSize: 5 }),
  ]),
)
