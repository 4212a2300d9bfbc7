/**
 * Path rules shared by every route: a route's url mounts under /api, runs of
 * slashes collapse, and Dara's `{id}` means the same as Fastify's `:id`.
 */

type ParamName<S extends string> = S extends `:${infer N}`
  ? N
  : S extends `{${infer N}}`
    ? N
    : never
type Segments<U extends string> = U extends `${infer H}/${infer T}`
  ? ParamName<H> | Segments<T>
  : ParamName<U>

/** The path parameters a literal url declares, as strings: `/items/{id}` gives `{ id: string }`. */
export type PathParams<U extends string> = string extends U
  ? Record<string, string>
  : { [K in Segments<U>]: string }

const PARAM = /^(?::([A-Za-z_$][\w$]*)|\{([A-Za-z_$][\w$]*)\})$/

export interface MountedPath {
  /** The path as Fastify routes it, e.g. `/api/items/:id`. */
  readonly path: string
  /** Names of its parameters, in order. */
  readonly params: readonly string[]
  /** The same path with parameter names erased, for spotting two routes that collide. */
  readonly shape: string
}

/**
 * Turns a route's url into the path it mounts at. Returns an error message
 * instead of throwing so that the caller can name the route in it.
 */
export function mountPath(url: string): MountedPath | string {
  if (/[?#\s]/.test(url)) return `the url "${url}" may not hold "?", "#" or white space`
  const path = `/api/${url}`.replace(/\/{2,}/g, '/')
  const params: string[] = []
  const segments = path.split('/').map((segment) => {
    if (!/[:{}]/.test(segment)) return segment
    const match = PARAM.exec(segment)
    const name = match?.[1] ?? match?.[2]
    if (name === undefined) return null
    params.push(name)
    return `:${name}`
  })
  if (segments.includes(null)) {
    return `the url "${url}" has a malformed parameter: write a whole segment as {name} or :name`
  }
  if (new Set(params).size !== params.length) {
    return `the url "${url}" names a parameter twice`
  }
  const mounted = segments.join('/')
  return { path: mounted, params, shape: mounted.replace(/:[^/]+/g, ':') }
}
