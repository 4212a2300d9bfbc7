import { cloneBuilder } from '../config/clone.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { builderState } from '../config/state.ts'
import {
  isConfigurationClass,
  type ConfigurationClass,
} from '../definitions/endpoint-configuration.ts'
import { toDependency, type Dependency, type DependencyContext } from '../http/dependency.ts'

/** A dependency as routes name it: made with dependency(), or a plain function. */
type DependencyRef<T> = Dependency<T> | ((ctx: DependencyContext<never>) => T)

/**
 * One entry of `testApp(config, { override })`: a configuration class and the
 * instance every route gets instead, or a dependency and the one that runs in
 * its place (made with dependency() or plain, sync or async).
 */
export type Override =
  readonly [ConfigurationClass, object] | readonly [DependencyRef<unknown>, DependencyRef<unknown>]

/**
 * A copy of `config` whose routes get the overridden configurations and run
 * the replacement dependencies, wherever they are named (in `dependencies`,
 * `inject`, or another dependency's `inject`). Mistakes throw at once.
 */
export function withOverrides(
  config: ConfigurationBuilder,
  overrides: readonly Override[],
): ConfigurationBuilder {
  const instances: object[] = []
  const replaced = new Map<Dependency<unknown>, Dependency<unknown>>()
  for (const [target, replacement] of overrides) {
    if (isConfigurationClass(target)) {
      if (!(replacement instanceof target)) {
        throw new TypeError(
          `testApp override: ${target.name} must be replaced by an instance of ${target.name}`,
        )
      }
      instances.push(replacement)
      continue
    }
    const from = toDependency(target)
    const to = toDependency(replacement)
    if (!from || !to) {
      throw new TypeError(
        'testApp override: each entry is [ConfigurationClass, instance] or [dependency, replacement dependency or function]',
      )
    }
    replaced.set(from, to)
  }
  const copy = cloneBuilder(config, instances)
  for (const [from, to] of replaced) builderState(copy).dependencyOverrides.set(from, to)
  return copy
}
