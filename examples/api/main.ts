// Endpoints meant for other programs: start with
// `npx dara start examples/api/main.ts`, then read http://127.0.0.1:8000/api/docs.
import { ConfigurationBuilder } from 'dara-ts'
import { deleteItem, greetings, health, ItemsTable, readItem, saveItem } from './routes.ts'

export const config = new ConfigurationBuilder()
config.docs({ title: 'Items API', version: '1.0.0' })

config.addEndpoint(health)
config.addEndpoint(greetings)
config.addEndpoint(readItem)
config.addEndpoint(saveItem)
config.addEndpoint(deleteItem)
// GET /items arrives with the component that needs it.
config.addComponent(ItemsTable)
