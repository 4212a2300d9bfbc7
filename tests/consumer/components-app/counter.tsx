// The React side of Counter: React comes from dara-ts's UI, not this project.
import { useState } from 'react'

export default function Counter() {
  const [count, setCount] = useState(41)
  return <button onClick={() => setCount(count + 1)}>{count}</button>
}
