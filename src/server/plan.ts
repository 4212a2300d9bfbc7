import type { ConfigurationClass } from '../definitions/endpoint-configuration.ts'
import { isConfigurationClass } from '../definitions/endpoint-configuration.ts'
import { DaraError } from '../errors.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { RESERVED_CONTEXT_KEYS, type Injectable } from '../http/context.ts'
import { isDependency, toDependency, type Dependency } from '../http/dependency.ts'
import { isFrameworkRoute } from '../http/framework-routes.ts'
import { mountPath } from '../http/path.ts'
import { planResponse, type ResponsePlan } from './response-schema.ts'

/** A value ready at start (a configuration), or the index of a dependency's result. */
type Source =
  | { readonly kind: 'value'; readonly value: object }
  | { readonly kind: 'step'; readonly index: number }

export interface Binding {
  readonly key: string
  readonly source: Source
}

export interface Step {
  readonly dependency: Dependency<unknown>
  readonly bindings: readonly Binding[]
}

/** All a route needs at request time, worked out once at start. */
export interface RoutePlan {
  readonly route: AnyApiRoute
  readonly path: string
  readonly shape: string
  /** Dependencies in the order they run, each once. */
  readonly steps: readonly Step[]
  /** What the handler receives by name. */
  readonly bindings: readonly Binding[]
  /** The answer's schemas, when the route declares `response`. */
  readonly response: ResponsePlan | undefined
}

/** Paths dara-ts serves itself; a user route there stops the start. */
const RESERVED_PREFIXES = ['/api/auth', '/api/core', '/api/docs', '/api/openapi.json']

/**
 * Works out where a route mounts and what it injects. Every mistake found here
 * is a start-time error naming the route.
 */
export function planRoute(
  route: AnyApiRoute,
  configurations: ConfigurationResolver,
  internal = isFrameworkRoute(route),
): RoutePlan {
  const where = `${route.method} ${route.url}`
  const mounted = mountPath(route.url)
  if (typeof mounted === 'string') throw new DaraError('DARA_ERR_ROUTE_INVALID', where, mounted)
  if (!internal) {
    const reserved = RESERVED_PREFIXES.find((p) => reaches(mounted.path, p))
    if (reserved) {
      const suggestion = mounted.path.replace(/^\/api\//, '/api/app-')
      throw new DaraError(
        'DARA_ERR_ROUTE_RESERVED',
        `${route.method} ${mounted.path}`,
        `${reserved}/`,
        suggestion,
      )
    }
  }

  const { groups } = route.options
  if (groups !== undefined) {
    if (
      !Array.isArray(groups) ||
      groups.length === 0 ||
      !groups.every((g) => typeof g === 'string')
    ) {
      throw new DaraError(
        'DARA_ERR_ROUTE_INVALID',
        where,
        '`groups` must be a non-empty list of group names',
      )
    }
    if (!route.authenticated) {
      throw new DaraError(
        'DARA_ERR_ROUTE_INVALID',
        where,
        '`groups` needs an authenticated route; remove `authenticated: false` or the groups',
      )
    }
  }

  const { scopes } = route.options
  if (scopes !== undefined) {
    // A string would pass `includes` on its substrings: only a list of names will do.
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && s !== '')) {
      throw new DaraError('DARA_ERR_ROUTE_INVALID', where, '`scopes` must be a list of scope names')
    }
    if (!route.authenticated) {
      throw new DaraError(
        'DARA_ERR_ROUTE_INVALID',
        where,
        '`scopes` needs an authenticated route; remove `authenticated: false` or the scopes',
      )
    }
  }

  const steps: Step[] = []
  const stepIndex = new Map<Dependency<unknown>, number>()
  const visiting: Dependency<unknown>[] = []

  const bind = (
    inject: Readonly<Record<string, Injectable>> | undefined,
    owner: string,
  ): Binding[] =>
    Object.entries(inject ?? {}).map(([key, value]): Binding => {
      const purpose = RESERVED_CONTEXT_KEYS[key]
      if (purpose !== undefined)
        throw new DaraError('DARA_ERR_INJECT_RESERVED', owner, key, purpose)
      if (isConfigurationClass(value)) {
        return {
          key,
          source: { kind: 'value', value: configurations(value, owner) },
        }
      }
      if (isDependency(value)) return { key, source: { kind: 'step', index: visit(value) } }
      throw new DaraError('DARA_ERR_INJECT_INVALID', owner, key)
    })

  const visit = (declared: Dependency<unknown>): number => {
    const dep = configurations.replace(declared)
    const known = stepIndex.get(dep)
    if (known !== undefined) return known
    if (visiting.includes(dep)) {
      const cycle = [...visiting.slice(visiting.indexOf(dep)), dep].map((d) => d.name).join(' -> ')
      throw new DaraError('DARA_ERR_DEPENDENCY_CYCLE', cycle)
    }
    visiting.push(dep)
    const bindings = bind(dep.inject, `${where} (dependency ${dep.name})`)
    visiting.pop()
    steps.push({ dependency: dep, bindings })
    stepIndex.set(dep, steps.length - 1)
    return steps.length - 1
  }

  for (const item of route.dependencies) {
    const dep = toDependency(item)
    if (!dep)
      throw new DaraError(
        'DARA_ERR_ROUTE_INVALID',
        where,
        'every entry of `dependencies` must be a function',
      )
    visit(dep)
  }
  const bindings = bind(route.options.inject, where)
  const response = planResponse(where, route.options)
  const shape = `${route.method} ${mounted.shape}`
  return { route, path: mounted.path, shape, steps, bindings, response }
}

/**
 * Whether a route at `path` answers requests under `prefix`: it lies there, or
 * a wildcard before the prefix's end reaches into it (`/api/auth*`).
 */
function reaches(path: string, prefix: string): boolean {
  if (path === prefix || path.startsWith(`${prefix}/`)) return true
  const star = path.indexOf('*')
  return star !== -1 && `${prefix}/`.startsWith(path.slice(0, star))
}

/**
 * Finds the instance a route injects for a configuration class, and the
 * dependency that runs in place of a declared one (itself unless overridden).
 */
export interface ConfigurationResolver {
  (cls: ConfigurationClass, owner: string): object
  readonly replace: (dep: Dependency<unknown>) => Dependency<unknown>
}

/**
 * Resolves configurations for one app: each class once, so `default()` runs at
 * most once per app and every route and dependency shares its instance.
 */
export function configurationResolver(
  configurations: ReadonlyMap<object, object>,
  overrides: ReadonlyMap<Dependency<unknown>, Dependency<unknown>> = new Map(),
): ConfigurationResolver {
  const resolved = new Map<ConfigurationClass, object>()
  const resolve = (cls: ConfigurationClass, owner: string): object => {
    let instance = resolved.get(cls)
    if (instance === undefined) {
      instance = resolveConfiguration(cls, configurations, owner)
      resolved.set(cls, instance)
    }
    return instance
  }
  return Object.assign(resolve, {
    replace: (dep: Dependency<unknown>) => overrides.get(dep) ?? dep,
  })
}

/**
 * The registered instance of the class; else the one registered instance of a
 * subclass; else the class's default(). Resolved once, at start.
 */
function resolveConfiguration(
  cls: ConfigurationClass,
  configurations: ReadonlyMap<object, object>,
  owner: string,
): object {
  const exact = configurations.get(cls)
  if (exact) return exact
  const subclasses = [...configurations.values()].filter((instance) => instance instanceof cls)
  if (subclasses.length === 1 && subclasses[0]) return subclasses[0]
  if (subclasses.length > 1) {
    const names = subclasses.map((i) => i.constructor.name).join(', ')
    throw new DaraError(
      'DARA_ERR_CONFIG_AMBIGUOUS',
      owner,
      cls.name,
      subclasses.length,
      names,
      cls.name,
    )
  }
  if (typeof cls.default === 'function') {
    const instance = cls.default()
    if (!(instance instanceof cls)) {
      throw new DaraError(
        'DARA_ERR_CONFIG_INVALID',
        cls.name,
        `${cls.name}.default() must return an instance of ${cls.name}`,
      )
    }
    return instance
  }
  throw new DaraError('DARA_ERR_CONFIG_MISSING', owner, cls.name, cls.name, cls.name)
}

/** Refuses two different routes on the same method and path, or with the same `operationId`. */
export function checkDuplicates(plans: readonly RoutePlan[]): void {
  const seen = new Map<string, RoutePlan>()
  const ids = new Map<string, RoutePlan>()
  for (const plan of plans) {
    const { operationId } = plan.route.options
    if (operationId !== undefined) {
      const where = `${plan.route.method} ${plan.path}`
      const other = ids.get(operationId)
      if (typeof operationId !== 'string' || operationId === '' || (other && other !== plan)) {
        const why = other
          ? `operationId "${operationId}" is also the id of ${other.route.method} ${other.path}; give each route its own`
          : '`operationId` must be a non-empty string'
        throw new DaraError('DARA_ERR_ROUTE_INVALID', where, why)
      }
      ids.set(operationId, plan)
    }
    const other = seen.get(plan.shape)
    if (other) {
      throw new DaraError(
        'DARA_ERR_ROUTE_DUPLICATE',
        `${plan.route.method} ${plan.path}`,
        describe(other.route),
        describe(plan.route),
      )
    }
    seen.set(plan.shape, plan)
  }
}

function describe(route: AnyApiRoute): string {
  const name = route.handler.name
  return `url "${route.url}"${name ? ` with handler ${name}` : ''}`
}
