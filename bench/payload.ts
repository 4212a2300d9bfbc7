// The body of the POST cases: an order of 1 KiB of JSON, and the answer both
// routes give for it.
export interface OrderItem {
  readonly sku: string
  readonly name: string
  readonly quantity: number
  readonly price: number
}

const items: OrderItem[] = Array.from({ length: 8 }, (_, i) => ({
  sku: `SKU-${String(1000 + i)}`,
  name: `Item number ${i + 1}`,
  quantity: i + 1,
  price: 9.99 + i,
}))

const order = {
  id: 'ord_000001',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  tags: ['priority', 'gift', 'fragile'],
  items,
  note: '',
}

/** The note pads the order to exactly 1024 bytes. */
export const ORDER_BODY = JSON.stringify({
  ...order,
  note: 'n'.repeat(1024 - Buffer.byteLength(JSON.stringify(order))),
})

/** What POST /api/orders and /api/orders-checked answer for ORDER_BODY. */
export const ORDER_ANSWER = JSON.stringify({ id: 'ord_000001', items: 8 })

/**
 * The 20-field object of the serialization cases: strings, numbers, booleans
 * and lists of strings, five of each.
 */
export const TWENTY_FIELDS: Readonly<Record<string, unknown>> = Object.fromEntries(
  Array.from({ length: 20 }, (_, i) => {
    const kind = i % 4
    const value =
      kind === 0
        ? `value number ${i}`
        : kind === 1
          ? i * 1.5
          : kind === 2
            ? i % 8 === 2
            : ['a', 'b']
    return [`field${i}`, value]
  }),
)
