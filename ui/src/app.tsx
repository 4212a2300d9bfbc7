import { useCallback, useEffect, useMemo, useState } from 'react'
import type { Action, MenuJson, PageJson } from 'dara-ts/components'
import { ApiError, apiGet } from './api.ts'
import { LoginPage } from './login.tsx'
import { Render } from './render.tsx'
import { ensureSession, LoginRequired, logout, uiConfig } from './session.ts'
import type { PageContext } from './view.ts'

type Load =
  | { readonly kind: 'loading' }
  | { readonly kind: 'login' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'ready'; readonly menu: MenuJson; readonly page: PageJson | null }

function currentPath(): string {
  return window.location.pathname.replace(/^\/+|\/+$/g, '')
}

export function App() {
  const [path, setPath] = useState(currentPath)
  const [title, setTitle] = useState(() => document.title)
  const [canLogOut, setCanLogOut] = useState(false)
  const [load, setLoad] = useState<Load>({ kind: 'loading' })
  const [version, setVersion] = useState(0)

  const go = useCallback((to: string) => {
    window.history.pushState(null, '', to)
    setPath(currentPath())
  }, [])

  useEffect(() => {
    const onPop = () => setPath(currentPath())
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])

  useEffect(() => {
    let live = true
    void (async () => {
      try {
        const ui = await uiConfig()
        setTitle(ui.title)
        setCanLogOut(ui.auth !== 'anonymous')
        await ensureSession()
        const menu = await apiGet<MenuJson>('/api/core/pages')
        const wanted = path === '' || path === 'login' ? menu.pages[0]?.path : path
        const page = wanted
          ? await apiGet<PageJson>(`/api/core/pages/${encodeURIComponent(wanted)}`).catch(
              (error: unknown) => {
                if (error instanceof ApiError && error.status === 404) return null
                throw error
              },
            )
          : null
        if (live) setLoad({ kind: 'ready', menu, page })
      } catch (error) {
        if (!live) return
        if (error instanceof LoginRequired) setLoad({ kind: 'login' })
        else
          setLoad({
            kind: 'failed',
            message: error instanceof Error ? error.message : String(error),
          })
      }
    })()
    return () => {
      live = false
    }
  }, [path, version])

  useEffect(() => {
    document.title = load.kind === 'ready' && load.page ? `${load.page.name} · ${title}` : title
  }, [load, title])

  const context = useMemo<PageContext>(
    () => ({
      run(action: Action | null | undefined) {
        if (!action) return
        if (action.action === 'refresh') setVersion((v) => v + 1)
        else go(action.to)
      },
    }),
    [go],
  )

  if (load.kind === 'login')
    return <LoginPage title={title} onLogin={() => setVersion((v) => v + 1)} />
  const active = load.kind === 'ready' ? (load.page?.path ?? null) : null
  return (
    <div className="dara-app">
      <header className="dara-header">
        <span className="dara-title">{title}</span>
        <nav className="dara-menu" aria-label="Pages">
          {load.kind === 'ready' &&
            load.menu.pages.map((page) => (
              <a
                key={page.path}
                href={`/${page.path}`}
                aria-current={page.path === active ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault()
                  go(`/${page.path}`)
                }}
              >
                {page.name}
              </a>
            ))}
        </nav>
        {canLogOut && load.kind === 'ready' && (
          <button
            type="button"
            className="dara-logout"
            onClick={() => void logout().then(() => setLoad({ kind: 'login' }))}
          >
            Log out
          </button>
        )}
      </header>
      <main className="dara-main">
        {load.kind === 'loading' && <p className="dara-muted">Loading…</p>}
        {load.kind === 'failed' && (
          <p role="alert" className="dara-error">
            {load.message}
          </p>
        )}
        {load.kind === 'ready' && load.page === null && (
          <p className="dara-error">There is no page at /{path}.</p>
        )}
        {load.kind === 'ready' && load.page !== null && (
          <Render node={load.page.content} page={context} />
        )}
      </main>
    </div>
  )
}
