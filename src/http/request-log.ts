import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { AppEnv } from '../env'
import { requestTenantId } from './auth'

/** The response header that carries the request id (cf-ray when Cloudflare sent one). */
export const REQUEST_ID_HEADER = 'X-Request-Id'

/**
 * The first middleware: gives the request its id (Cloudflare's cf-ray, else a fresh UUID), returns it in a header,
 * and writes one structured JSON line per request for `wrangler tail` and Workers Logs: method, route pattern,
 * status, duration, request id, tenant id. The pattern (`/api/user/:id`), never the path, so the ids FusionAuth
 * carries in paths stay out; no header, query, body, key, password or token is ever logged. Quiet under vitest
 * (ENVIRONMENT=test), whose thousands of requests would bury the test output.
 */
/** `/api/user/:id{[0-9a-f]...}` -> `/api/user/:id`: the parameter names without their patterns. */
const readablePattern = (path: string): string =>
  path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? segment.replace(/\{.*$/, '') : segment))
    .join('/')

export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = c.req.header('cf-ray') ?? crypto.randomUUID()
  c.set('requestId', requestId)
  c.set('apiKey', null)
  // Workers advance the clock only across I/O, so this is the request's wall time at that resolution.
  const startedMillis = Date.now()
  await next()
  c.res.headers.set(REQUEST_ID_HEADER, requestId)
  if (c.env.ENVIRONMENT === 'test') return
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? 'error' : 'info',
      event: 'request',
      method: c.req.method,
      route: readablePattern(routePath(c, -1)) || null,
      status: c.res.status,
      durationMillis: Date.now() - startedMillis,
      requestId,
      tenantId: requestTenantId(c),
    }),
  )
}
