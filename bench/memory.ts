// Memory: RSS of a fresh dara-ts server at idle, after N requests, and after
// 10 × N, all on the authenticated case (the path that keeps the most per request).
import type { LoadRequest, LoadTool } from './load.ts'
import { rssMiB } from './machine.ts'
import type { RunningServer } from './servers.ts'

export interface MemoryResult {
  readonly idleMiB: number | undefined
  readonly firstRequests: number
  readonly firstMiB: number | undefined
  readonly secondRequests: number
  readonly secondMiB: number | undefined
  readonly non2xx: number
}

export async function measureMemory(
  tool: LoadTool,
  server: RunningServer,
  request: LoadRequest,
  counts: { readonly first: number; readonly second: number; readonly chunkSeconds: number },
  progress: (line: string) => void,
): Promise<MemoryResult> {
  const idleMiB = rssMiB(server.pid)
  let total = 0
  let non2xx = 0
  const loadUntil = async (count: number): Promise<void> => {
    while (total < count) {
      const sample = await tool.run(request, counts.chunkSeconds)
      total += sample.requests
      non2xx += sample.non2xx
    }
  }
  await loadUntil(counts.first)
  const firstRequests = total
  const firstMiB = rssMiB(server.pid)
  progress(
    `  memory  ${firstRequests.toLocaleString('en-US')} requests: RSS ${firstMiB?.toFixed(1)} MiB`,
  )
  await loadUntil(counts.second)
  const secondMiB = rssMiB(server.pid)
  progress(`  memory  ${total.toLocaleString('en-US')} requests: RSS ${secondMiB?.toFixed(1)} MiB`)
  return { idleMiB, firstRequests, firstMiB, secondRequests: total, secondMiB, non2xx }
}
