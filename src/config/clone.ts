import { ConfigurationBuilder } from './configuration-builder.ts'
import { builderState } from './state.ts'

/**
 * A new builder with everything `config` holds, then `instances` registered
 * over the configurations of their classes, without the warning a second
 * addConfiguration() logs: replacing is the point here.
 */
export function cloneBuilder(
  config: ConfigurationBuilder,
  instances: readonly object[] = [],
): ConfigurationBuilder {
  const from = builderState(config)
  const copy = new ConfigurationBuilder()
  const to = builderState(copy)
  // Field by field, so that whatever the state holds (now or later) is copied;
  // maps and lists are copied too, so the two builders never share a registry.
  for (const [key, value] of Object.entries(from)) {
    const own: unknown =
      value instanceof Map ? new Map(value) : Array.isArray(value) ? value.slice() : value
    Reflect.set(to, key, own)
  }
  for (const instance of instances) to.configurations.set(instance.constructor, instance)
  return copy
}
