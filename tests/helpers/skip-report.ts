// What a test run skipped, and why: `npm run test:unit` (scripts/test.ts) feeds it
// every finished test and ends the run with its summary, so that a green run on a
// machine without redis-server, chromium or Debian's Python modules says which
// suites it did not run.
import { relative } from 'node:path'
import type { EventData } from 'node:test'

/** What --test-name-pattern leaves out: the user's choice, not a missing program. */
const FILTERED = 'test name does not match pattern'

interface Skipped {
  suites: number
  tests: number
  readonly where: string[]
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

function counts(suites: number, tests: number, joint: string): string {
  const parts = [suites ? plural(suites, 'suite') : '', tests ? plural(tests, 'test') : '']
  return parts.filter(Boolean).join(joint)
}

/** Collects the skipped tests and suites of a run, by reason. */
export class SkipReport {
  readonly #byReason = new Map<string, Skipped>()

  /** Takes a finished test, as node's test runner reports it with `test:pass` or `test:fail`. */
  add(test: EventData.TestPass | EventData.TestFail): void {
    if (test.skip === undefined || test.skip === false) return
    const reason = test.skip === true ? 'skipped without a reason' : test.skip
    if (reason === FILTERED) return
    let skipped = this.#byReason.get(reason)
    if (skipped === undefined) {
      skipped = { suites: 0, tests: 0, where: [] }
      this.#byReason.set(reason, skipped)
    }
    if (test.details.type === 'suite') skipped.suites++
    else skipped.tests++
    skipped.where.push(
      test.file === undefined ? test.name : `${relative(process.cwd(), test.file)}: ${test.name}`,
    )
  }

  /** The lines that end the run: the total, then each reason with what it skipped. */
  summary(): string {
    if (this.#byReason.size === 0) return 'ℹ skips: none\n'
    let suites = 0
    let tests = 0
    const lines: string[] = []
    // Sorted: files finish in any order when several run at once.
    for (const [reason, skipped] of [...this.#byReason].sort(([a], [b]) => (a < b ? -1 : 1))) {
      suites += skipped.suites
      tests += skipped.tests
      lines.push(`ℹ - ${reason} (${counts(skipped.suites, skipped.tests, ', ')}):`)
      for (const where of skipped.where.sort()) lines.push(`ℹ     ${where}`)
    }
    return `ℹ skips: ${counts(suites, tests, ' and ')}, by reason:\n${lines.join('\n')}\n`
  }
}
