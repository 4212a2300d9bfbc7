import { useState, type FormEvent } from 'react'
import { login } from './session.ts'

/** Shown when the app's auth needs a user name and password. */
export function LoginPage({ title, onLogin }: { title: string; onLogin: () => void }) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await login(username, password)
      onLogin()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="dara-login">
      <form className="dara-card" onSubmit={(event) => void submit(event)}>
        <h1 className="dara-heading">{title}</h1>
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="dara-error">
            {error}
          </p>
        )}
        <button className="dara-button" type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  )
}
