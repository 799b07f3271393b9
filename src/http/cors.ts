/**
 * FusionAuth's CORS filter, driven by systemConfiguration.corsConfiguration. FusionAuth runs prime-mvc's CORSFilter
 * (a port of Tomcat's): a request without an Origin header, or from the server's own origin, passes untouched; a
 * cross-origin request whose origin, method or (preflight) headers are not allowed gets an empty 403 `text/plain`;
 * an allowed preflight gets a 204 with Allow-Origin, Allow-Methods (the requested method), Allow-Headers and
 * Max-Age; an allowed request goes on with Allow-Origin, Allow-Credentials and Expose-Headers. Disabled (the
 * default), the filter does nothing at all.
 *
 * Two differences from FusionAuth, both in docs/compatibility.md: `*` with allowCredentials answers `*` without
 * Allow-Credentials (FusionAuth echoes any origin with credentials, so every site could read a signed-in user's
 * responses); and a POST without a Content-Type is treated as the simple request browsers send (FusionAuth 403s it).
 */
import type { MiddlewareHandler } from 'hono'
import { ANY_ORIGIN, type CorsConfiguration } from '../domain/system-configuration'
import type { AppEnv } from '../env'

/** What the filter needs of a request. */
export interface CorsRequest {
  url: string
  method: string
  origin: string
  /** Access-Control-Request-Method and -Headers, when sent. */
  requestMethod: string | undefined
  requestHeaders: string | undefined
}

export type CorsDecision =
  | { kind: 'notCors' }
  | { kind: 'rejected'; reason: string }
  | { kind: 'preflight'; headers: Record<string, string> }
  | { kind: 'actual'; headers: Record<string, string>; varyOrigin: boolean }

const rejected = (reason: string): CorsDecision => ({ kind: 'rejected', reason })

/** The filter's answer for one request under an enabled configuration. */
export function decideCors(cors: CorsConfiguration, request: CorsRequest): CorsDecision {
  const { origin } = request
  if (isSameOrigin(origin, request.url)) return { kind: 'notCors' }
  if (origin.trim() === '' || !isValidOrigin(origin)) return rejected(`Invalid Origin header [${origin}]`)
  const anyOrigin = cors.allowedOrigins.includes(ANY_ORIGIN)
  if (!anyOrigin && !cors.allowedOrigins.includes(origin)) return rejected(`Origin not allowed [${origin}]`)
  // See the module comment: credentials are never granted to every origin.
  const credentials = cors.allowCredentials && !anyOrigin
  const allowOrigin: Record<string, string> = anyOrigin
    ? { 'Access-Control-Allow-Origin': ANY_ORIGIN }
    : { 'Access-Control-Allow-Origin': origin }
  if (credentials) allowOrigin['Access-Control-Allow-Credentials'] = 'true'

  if (request.method === 'OPTIONS' && request.requestMethod !== undefined) {
    const method = request.requestMethod.trim().toUpperCase()
    if (method === '') return rejected('Blank Access-Control-Request-Method')
    if (!(cors.allowedMethods as readonly string[]).includes(method)) return rejected(`HTTP method not allowed [${method}]`)
    const allowedHeaders = new Set(cors.allowedHeaders.map((name) => name.toLowerCase()))
    const requested = (request.requestHeaders ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '')
    const refused = requested.find((name) => !allowedHeaders.has(name))
    if (refused !== undefined) return rejected(`HTTP header not allowed [${refused}]`)
    const headers: Record<string, string> = { ...allowOrigin, 'Access-Control-Allow-Methods': method }
    if (!anyOrigin) headers.Vary = 'Origin'
    if (cors.preflightMaxAgeInSeconds > 0) headers['Access-Control-Max-Age'] = String(cors.preflightMaxAgeInSeconds)
    if (cors.allowedHeaders.length > 0) headers['Access-Control-Allow-Headers'] = cors.allowedHeaders.join(',')
    return { kind: 'preflight', headers }
  }

  if (!(cors.allowedMethods as readonly string[]).includes(request.method)) return rejected(`HTTP method not allowed [${request.method}]`)
  const headers = { ...allowOrigin }
  if (cors.exposedHeaders.length > 0) headers['Access-Control-Expose-Headers'] = cors.exposedHeaders.join(',')
  return { kind: 'actual', headers, varyOrigin: !anyOrigin }
}

/** FusionAuth lets the server's own pages through whatever the configuration says. */
function isSameOrigin(origin: string, requestUrl: string): boolean {
  if (origin === 'null' || origin.startsWith('file://')) return false
  try {
    const ours = new URL(requestUrl)
    const theirs = new URL(origin)
    return ours.protocol === theirs.protocol && ours.hostname === theirs.hostname && ours.port === theirs.port
  } catch {
    return false
  }
}

/** As FusionAuth: no percent-encoding (CRLF injection), and a URI with a scheme, `null`, or a file URI. */
function isValidOrigin(origin: string): boolean {
  if (origin.includes('%')) return false
  if (origin === 'null' || origin.startsWith('file://')) return true
  try {
    new URL(origin)
    return true
  } catch {
    return false
  }
}

/**
 * The middleware. Mounted after the bootstrap check (the configuration row exists) and before every route, so a
 * preflight, which carries no API key, is answered here. Only a request with an Origin header reads the
 * configuration, through the isolate's cache (system-configuration-store.ts states the bound), and at the primary
 * outside this request's session, so a route may still choose to read from replicas.
 */
export const corsFilter: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('Origin')
  if (origin === undefined) return next()
  const { corsConfiguration: cors } = await c.var.data.atPrimary().systemConfiguration.getCached(c.get('nowMillis'))
  if (!cors.enabled) return next()
  const decision = decideCors(cors, {
    url: c.req.url,
    method: c.req.method,
    origin,
    requestMethod: c.req.header('Access-Control-Request-Method'),
    requestHeaders: c.req.header('Access-Control-Request-Headers'),
  })
  switch (decision.kind) {
    case 'notCors':
      return next()
    case 'rejected':
      if (cors.debug) {
        // FusionAuth writes a debug event log; here it is one log line (no request headers beyond the Origin).
        console.log(
          JSON.stringify({
            level: 'debug',
            event: 'cors-rejected',
            requestId: c.get('requestId'),
            method: c.req.method,
            path: c.req.path,
            reason: decision.reason,
          }),
        )
      }
      return new Response(null, { status: 403, headers: { 'Content-Type': 'text/plain' } })
    case 'preflight':
      return new Response(null, { status: 204, headers: decision.headers })
    case 'actual':
      await next()
      for (const [name, value] of Object.entries(decision.headers)) c.header(name, value)
      if (decision.varyOrigin) c.header('Vary', 'Origin', { append: true })
  }
}
