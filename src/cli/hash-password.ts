import { hashPassword } from '../auth/password.ts'
import { DaraError } from '../errors.ts'

/** Reads one line from a terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process
  stderr.write(question)
  stdin.setRawMode(true)
  stdin.resume()
  stdin.setEncoding('utf8')
  return new Promise((resolve, reject) => {
    let typed = ''
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          done()
          resolve(typed)
          return
        }
        if (char === '\u0003') {
          done()
          reject(new DaraError('DARA_ERR_CLI_USAGE', 'Cancelled'))
          return
        }
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char
      }
    }
    const done = (): void => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      stderr.write('\n')
    }
    stdin.on('data', onData)
  })
}

async function readAll(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) text += String(chunk)
  // One trailing newline is the end of the line, not part of the password.
  return text.replace(/\r?\n$/, '')
}

/**
 * `dara hash-password`: asks for a password (or reads it from standard input)
 * and prints its scrypt hash, to put in a BasicAuthConfig in place of the
 * plain password. The password is never an argument, so it stays out of shell
 * history and process lists.
 */
export async function hashPasswordCommand(): Promise<void> {
  let password: string
  if (process.stdin.isTTY) {
    password = await promptHidden('Password: ')
    if ((await promptHidden('Again: ')) !== password) {
      throw new DaraError('DARA_ERR_CLI_USAGE', 'The two passwords differ')
    }
  } else {
    password = await readAll()
  }
  if (password === '') throw new DaraError('DARA_ERR_CLI_USAGE', 'The password is empty')
  console.log(await hashPassword(password))
}
