// What the figures were measured on, for the report.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'

export interface Machine {
  readonly nproc: string
  readonly cpu: string
  readonly memory: string
  readonly node: string
  readonly os: string
}

function procField(file: string, field: string): string | undefined {
  try {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(field))
    return line?.slice(line.indexOf(':') + 1).trim()
  } catch {
    return undefined
  }
}

export function describeMachine(): Machine {
  let nproc: string
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim()
  } catch {
    nproc = String(os.availableParallelism())
  }
  const memKb = Number.parseInt(procField('/proc/meminfo', 'MemTotal') ?? '', 10)
  const memory = Number.isNaN(memKb)
    ? `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`
    : `${(memKb / 2 ** 20).toFixed(1)} GiB`
  return {
    nproc,
    cpu: procField('/proc/cpuinfo', 'model name') ?? (os.cpus()[0]?.model || 'unknown'),
    memory,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  }
}

/** A child's resident set size in MiB, from /proc/PID/status. */
export function rssMiB(pid: number): number | undefined {
  const value = procField(`/proc/${pid}/status`, 'VmRSS')
  const kb = Number.parseInt(value ?? '', 10)
  return Number.isNaN(kb) ? undefined : kb / 1024
}

/** The CPU time (user + system) a process has used so far, in seconds, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${pid}/stat`)
}

/**
 * The CPU time of a process's main thread alone (the one that runs JavaScript),
 * without the garbage collector's and libuv's helper threads: /proc/PID/task/PID/stat.
 */
export function mainThreadCpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`)
}

function statCpuSeconds(file: string): number | undefined {
  try {
    const stat = readFileSync(file, 'utf8')
    // The command name, in parentheses, may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    return Number.isNaN(ticks) ? undefined : ticks / hz
  } catch {
    return undefined
  }
}
