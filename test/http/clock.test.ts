import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv, Bindings } from '../../src/env'
import { TEST_NOW_HEADER, clock } from '../../src/http/clock'

/** A one-route app that reports the clock the middleware chose. */
function clockApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(clock)
  app.get('/now', (c) => c.text(String(c.get('nowMillis'))))
  return app
}

const pinned = 946_684_800_000 // 2000-01-01

async function nowUnder(environment: string | undefined): Promise<number> {
  const bindings = { ENVIRONMENT: environment } as Partial<Bindings> as Bindings
  const response = await clockApp().request('/now', { headers: { [TEST_NOW_HEADER]: String(pinned) } }, bindings)
  return Number(await response.text())
}

describe('clock middleware', () => {
  it('lets the test suite pin the clock', async () => {
    expect(await nowUnder('test')).toBe(pinned)
  })

  it('ignores the header everywhere else: production, development, or no ENVIRONMENT at all', async () => {
    for (const environment of ['production', 'development', undefined]) {
      expect(await nowUnder(environment)).toBeGreaterThan(pinned + 365 * 86_400_000)
    }
  })
})
