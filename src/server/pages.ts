import type { FastifyRequest } from 'fastify'
import type { AuthConfig } from '../auth/auth-config.ts'
import { DefaultAuthConfig } from '../auth/auth-config.ts'
import { OIDCAuthConfig } from '../auth/oidc-auth-config.ts'
import { instanceRoutesOf } from '../components/instance-routes.ts'
import { uploadSpecOf } from '../components/upload-registry.ts'
import type { UploadSpec } from '../components/upload-spec.ts'
import type { ComponentJson, MenuJson, PageJson, UiConfigJson } from '../components/wire.ts'
import {
  isComponentClass,
  type ComponentInstance,
  type ComponentClass,
  type JsonValue,
} from '../definitions/component-instance.ts'
import type { Page } from '../definitions/page.ts'
import { DaraError } from '../errors.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { frameworkRoute } from '../http/framework-routes.ts'
import { get } from '../http/methods.ts'

/** Calls `visit` on every component of a page, with its id. */
function walk(
  page: Page,
  visit: (component: ComponentInstance, id: string) => void,
  component: ComponentInstance = page.content,
  id = `${page.path}:0`,
): void {
  visit(component, id)
  component.children.forEach((child, i) => walk(page, visit, child, `${id}.${i}`))
}

/** What the pages of an app hold: the component classes they use, and their dropzones by id. */
export interface PageScan {
  readonly classes: ReadonlySet<ComponentClass>
  readonly uploads: Map<string, UploadSpec>
  /** The routes of the instances themselves (a Table's rows endpoint). */
  readonly routes: ReadonlySet<AnyApiRoute>
}

/**
 * Import discovery for pages: every component class used in a page, and each
 * dropzone's id. `rendered` lists the components the UI can render: a page
 * that uses another one stops the start.
 */
export function scanPages(pages: readonly Page[], rendered: ReadonlySet<string>): PageScan {
  const classes = new Set<ComponentClass>()
  const uploads = new Map<string, UploadSpec>()
  const routes = new Set<AnyApiRoute>()
  for (const page of pages) {
    walk(page, (component, id) => {
      if (!rendered.has(component.type)) {
        throw new DaraError(
          'DARA_ERR_COMPONENT_NO_UI',
          page.name,
          component.type,
          [...rendered].sort().join(', '),
          component.type,
        )
      }
      if (isComponentClass(component.constructor)) classes.add(component.constructor)
      const spec = uploadSpecOf(component)
      if (spec) uploads.set(id, spec)
      for (const route of instanceRoutesOf(component)) routes.add(route)
    })
  }
  return { classes, uploads, routes }
}

async function serialize(component: ComponentInstance, id: string): Promise<ComponentJson> {
  const props: Record<string, JsonValue> = {}
  for (const [key, value] of Object.entries(component.props)) {
    const resolved = typeof value === 'function' ? await value() : value
    if (resolved !== undefined) props[key] = resolved
  }
  const children = await Promise.all(
    component.children.map((child, i) => serialize(child, `${id}.${i}`)),
  )
  return { type: component.type, id, props, children }
}

/** The routes under /api/core that serve the pages to the UI. */
export function pageRoutes(
  pages: readonly Page[],
  auth: AuthConfig | undefined,
  ui: { readonly title: string; readonly components: string | null },
  identify: (request: FastifyRequest) => unknown,
): AnyApiRoute[] {
  const byPath = new Map(pages.map((page) => [page.path, page]))
  const uiConfig: Omit<UiConfigJson, 'session'> = {
    title: ui.title,
    auth:
      auth === undefined || auth instanceof DefaultAuthConfig
        ? 'anonymous'
        : auth instanceof OIDCAuthConfig
          ? 'oidc'
          : 'login',
    components: ui.components,
  }
  // The UI asks this before anything else: with `session` it knows whether to
  // make one (or show the login page) first, so a first visit is not a 401.
  const hasSession = async (request: FastifyRequest): Promise<boolean> => {
    if (request.headers.cookie === undefined && request.headers.authorization === undefined)
      return false
    try {
      await identify(request)
      return true
    } catch {
      return false
    }
  }
  const menu: MenuJson = { pages: pages.map(({ name, path }) => ({ name, path })) }
  return [
    frameworkRoute(
      get(
        '/core/config',
        { authenticated: false },
        async function uiConfigRoute({ request }): Promise<UiConfigJson> {
          return { ...uiConfig, session: await hasSession(request) }
        },
      ),
    ),
    frameworkRoute(
      get('/core/pages', function menuRoute() {
        return menu
      }),
    ),
    frameworkRoute(
      get('/core/pages/:path', async function pageRoute({ params }): Promise<PageJson> {
        const page = byPath.get(params.path)
        if (!page) throw new DaraError('DARA_ERR_PAGE_NOT_FOUND', params.path.slice(0, 100))
        return {
          name: page.name,
          path: page.path,
          content: await serialize(page.content, `${page.path}:0`),
        }
      }),
    ),
  ]
}
