/**
 * `GET /api/status` and `GET /api/health`, as FusionAuth answers them without an API key: status 200
 * `{"status":"ok"}`, 452 when the database cannot be reached, 500 when the server cannot serve (here: the D1 schema
 * is behind this code); health 200 or 500, never a body. Mounted before the bootstrap check (app.ts), so an
 * unmigrated database is reported with these statuses instead of the misconfiguration 500, and before any
 * authentication: nothing in them is secret.
 */
import { Hono } from 'hono/tiny'
import { checkSystemHealth, type SystemHealth } from '../domain/system-status'
import type { AppEnv } from '../env'

/** A probe must see the server as it is now, never a cached answer. */
const NO_STORE = { 'Cache-Control': 'no-store' }

/** 452 is FusionAuth's own code (outside the registry Hono types), hence plain Responses. */
const STATUS_CODES: Record<SystemHealth, number> = { ok: 200, databaseUnreachable: 452, schemaBehind: 500 }

export const statusRoutes = new Hono<AppEnv>()

statusRoutes.get('/api/status', async (c) => {
  const health = await checkSystemHealth(c.var.data)
  if (health === 'ok') return c.json({ status: 'ok' }, 200, NO_STORE)
  return new Response(null, { status: STATUS_CODES[health], headers: NO_STORE })
})

statusRoutes.get('/api/health', async (c) => {
  const health = await checkSystemHealth(c.var.data)
  return new Response(null, { status: health === 'ok' ? 200 : 500, headers: NO_STORE })
})
