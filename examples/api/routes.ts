// The endpoints of the programmatic-access example. `routes` is what other
// TypeScript code types its client with: `createClient<typeof routes>(...)`.
import { z } from 'zod'
import { USER } from 'dara-ts/auth'
import { ComponentInstance, EndpointConfiguration } from 'dara-ts/definitions'
import { del, get, HttpError, post } from 'dara-ts/http'

const Item = z.object({ id: z.number().int(), name: z.string(), owner: z.string() })

/** Where the items live: one store per app, made once by default(). */
export class Inventory extends EndpointConfiguration<Inventory> {
  declare items: Map<number, z.infer<typeof Item>>
  static default() {
    return new Inventory({ items: new Map() })
  }
}

const id = z.object({ id: z.coerce.number().int().positive() })

export const health = get('/health', { authenticated: false, summary: 'Liveness' }, () => ({
  ok: true,
}))

export const greetings = get(
  '/greetings',
  { summary: 'Greets the caller', response: z.object({ message: z.string() }) },
  () => ({ message: `Hello, ${USER.get()?.identityName ?? 'stranger'}` }),
)

export const readItem = get(
  '/items/{id}',
  {
    params: id,
    response: Item,
    inject: { inventory: Inventory },
    scopes: ['items:read'],
    summary: 'One item',
  },
  function readItem({ params, inventory }) {
    const item = inventory.items.get(params.id)
    if (!item) throw new HttpError(404, `No item ${params.id}`)
    return item
  },
)

export const saveItem = post(
  '/items/{id}',
  {
    params: id,
    body: z.object({ name: z.string().min(1).max(100) }),
    response: Item,
    inject: { inventory: Inventory },
    scopes: ['items:write'],
    summary: 'Creates or renames an item',
    description: 'The caller becomes the owner of a new item.',
  },
  function saveItem({ params, body, inventory }) {
    const owner = inventory.items.get(params.id)?.owner ?? USER.get()?.identityName ?? ''
    const item = { id: params.id, name: body.name, owner }
    inventory.items.set(params.id, item)
    return item
  },
)

export const deleteItem = del(
  '/items/{id}',
  {
    params: id,
    inject: { inventory: Inventory },
    scopes: ['items:write'],
    summary: 'Deletes an item',
  },
  function deleteItem({ params, inventory }) {
    return { deleted: inventory.items.delete(params.id) }
  },
)

export const listItems = get(
  '/items',
  {
    query: z.object({ limit: z.coerce.number().int().positive().max(100).default(20) }),
    response: z.array(Item),
    inject: { inventory: Inventory },
    scopes: ['items:read'],
    summary: 'The first items',
  },
  function listItems({ query, inventory }) {
    return [...inventory.items.values()].slice(0, query.limit)
  },
)

/** A component that needs the item list: its route mounts with it (implicit registration). */
export class ItemsTable extends ComponentInstance {
  static override requiredRoutes = [listItems]
}

/** Every endpoint of the app, for typed clients. */
export const routes = { health, greetings, readItem, saveItem, deleteItem, listItems }
