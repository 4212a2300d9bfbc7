// The React side of RowList: its props come from the server, and `client`
// calls the app's endpoints with the page's session, typed by the routes.
import { useEffect, useState } from 'react'
import type { UiProps, inferRouteOutput } from 'dara-ts/client'
import type { rows } from './rows.ts'

type Props = UiProps<[typeof rows], { readonly title: string; readonly pageSize: number }>
type Answer = inferRouteOutput<typeof rows>

export default function RowListView({ props, client }: Props) {
  const [offset, setOffset] = useState(0)
  const [answer, setAnswer] = useState<Answer | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    client
      .get('/planets', { query: { offset, limit: props.pageSize } })
      .then((next) => live && setAnswer(next))
      .catch((failure: unknown) => live && setError(String(failure)))
    return () => {
      live = false
    }
  }, [client, offset, props.pageSize])

  if (error !== null) return <p role="alert">{error}</p>
  if (answer === null) return <p>Loading…</p>
  const last = Math.min(offset + props.pageSize, answer.total)
  return (
    <section className="dara-card">
      <h2 className="dara-heading">{props.title}</h2>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Distance (AU)</th>
            <th>Moons</th>
          </tr>
        </thead>
        <tbody>
          {answer.rows.map((row) => (
            <tr key={row.name}>
              <td>{row.name}</td>
              <td>{row.au}</td>
              <td>{row.moons}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button
          type="button"
          className="dara-button"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - props.pageSize))}
        >
          Previous
        </button>{' '}
        Rows {offset + 1}–{last} of {answer.total}{' '}
        <button
          type="button"
          className="dara-button"
          disabled={last >= answer.total}
          onClick={() => setOffset(offset + props.pageSize)}
        >
          Next
        </button>
      </p>
    </section>
  )
}
