// safeName: whatever the client calls its file, the result is one plain file
// name, never a path, a hidden file or an empty string.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { safeName } from './upload-file.ts'

void test('safeName keeps a plain name and reduces everything else', () => {
  const cases: [string, string][] = [
    ['report.csv', 'report.csv'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ada\\notes.txt', 'notes.txt'],
    ['.bashrc', 'bashrc'],
    ['..', 'file'],
    ['', 'file'],
    ['résumé final.pdf', 'resume_final.pdf'],
    ['a/b/', 'file'],
    ['x'.repeat(300) + '.csv', 'x'.repeat(76) + '.csv'],
    ['名前.csv', 'csv'],
  ]
  for (const [input, expected] of cases) assert.equal(safeName(input), expected, input)
})
