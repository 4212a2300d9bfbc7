// The endpoint the component calls from the browser: one page of the planets,
// from `offset`, at most `limit` of them, with the total for the pager.
import { z } from 'zod'
import { get } from 'dara-ts/http'

const PLANETS = [
  ['Mercury', 0.39, 0],
  ['Venus', 0.72, 0],
  ['Earth', 1, 1],
  ['Mars', 1.52, 2],
  ['Ceres', 2.77, 0],
  ['Jupiter', 5.2, 95],
  ['Saturn', 9.58, 146],
  ['Uranus', 19.2, 28],
  ['Neptune', 30.05, 16],
  ['Pluto', 39.48, 5],
  ['Haumea', 43.1, 2],
  ['Makemake', 45.8, 1],
  ['Eris', 67.8, 1],
] as const

export const rows = get(
  '/planets',
  {
    query: z.object({
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(50).default(5),
    }),
  },
  ({ query }) => ({
    total: PLANETS.length,
    rows: PLANETS.slice(query.offset, query.offset + query.limit).map(([name, au, moons]) => ({
      name,
      au,
      moons,
    })),
  }),
)
