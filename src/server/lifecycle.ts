import type { FastifyInstance } from 'fastify'
import type { AppPlan } from './app-plan.ts'

/**
 * Start and stop. At start, the session store is waited for (a store that
 * cannot vouch for revocations yet starts the app anyway: sessions answer 503
 * until it is back) and the startup functions run. At close, readiness turns
 * 503 first, the connections close as they idle, background tasks finish, and
 * the shutdown functions run, last started first.
 */
export function lifecycle(app: FastifyInstance, plan: AppPlan): void {
  const { auth, state, lifecycle: life, shutdownDelay, background } = plan
  const stops: (() => unknown)[] = []
  app.addHook('onReady', async () => {
    if (!(await auth.sessions.store.ready(5000))) {
      app.log.warn('Session store unavailable at start (%s)', auth.sessions.store.unavailableReason)
    }
    for (const start of state.startup) {
      const stop = await start()
      if (typeof stop === 'function')
        stops.push(() => Reflect.apply(stop, undefined, []) as unknown)
    }
  })
  app.addHook('preClose', async function drain() {
    // Readiness turns 503 first while everything else is still served: the
    // balancer's health check takes the process out before it stops listening.
    life.phase = 'draining'
    if (shutdownDelay > 0) {
      app.log.info({ shutdownDelay }, 'Not ready: serving on until the load balancer has noticed')
      await new Promise((resolve) => setTimeout(resolve, shutdownDelay))
    }
    life.phase = 'closing'
    // Node closes the connections that are idle when the server closes, not those
    // that go idle after their last response: a keep-alive client of a request in
    // flight would hold the close open until its timeout. Close them as they idle.
    const timer = setInterval(() => app.server.closeIdleConnections(), 50).unref()
    app.server.once('close', () => clearInterval(timer))
  })
  app.addHook('onClose', async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop()
      } catch (err) {
        app.log.error({ err }, 'A shutdown function failed')
      }
    }
    await auth.owned?.close()
  })
  // Registered after the hook above, so it runs before it: tasks may still need
  // what the shutdown functions stop. The server is closed by then, so no new task comes.
  app.addHook('onClose', () => background.settled())
}
