/**
 * The CORS filter (src/http/cors.ts) driven by systemConfiguration.corsConfiguration, with real preflights: FusionAuth's
 * filter (prime-mvc CORSFilter) answers an allowed preflight 204, anything it refuses an empty 403 text/plain, and
 * decorates allowed requests; disabled (the default) it adds nothing.
 */
import { env } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { corsConfigurationDefaults } from '../../src/domain/system-configuration'
import { call, type CallOptions, json } from '../helpers'
import { countingD1 } from '../support/counting-d1'
import { callWith } from '../support/worker-call'
import { PASSWORD, world, type World } from './session-fixtures'

const APP = 'https://app.example.com'
const path = '/api/system-configuration'

async function configureCors(
  cors: Record<string, unknown>,
  via: (path: string, options: CallOptions) => Promise<Response> = call,
): Promise<void> {
  const response = await via(path, { method: 'PATCH', body: { systemConfiguration: { corsConfiguration: cors } } })
  if (response.status !== 200) throw new Error(`PATCH answered ${response.status}: ${await response.text()}`)
}

/** A browser's preflight: no API key, only Origin and the Access-Control-Request-* headers. */
function preflight(origin: string, method: string, headers?: string): Promise<Response> {
  const requested: Record<string, string> = { Origin: origin, 'Access-Control-Request-Method': method }
  if (headers !== undefined) requested['Access-Control-Request-Headers'] = headers
  return call('/api/login', { method: 'OPTIONS', apiKey: null, headers: requested })
}

/** What a browser app sends to log in: JSON, its Origin, no API key (the application does not require one). */
const browserLogin = (w: World, origin: string): CallOptions => ({
  method: 'POST',
  apiKey: null,
  headers: { Origin: origin },
  body: { loginId: w.email, password: PASSWORD, applicationId: w.application.id },
})

const corsHeaders = (response: Response): string[] => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'))

async function expectRefused(response: Response): Promise<void> {
  expect(response.status).toBe(403)
  expect(response.headers.get('content-type')).toBe('text/plain')
  expect(await response.text()).toBe('')
  expect(corsHeaders(response)).toEqual([])
}

let browserApp: World

beforeAll(async () => {
  browserApp = await world({ application: { loginConfiguration: { requireAuthentication: false, generateRefreshTokens: true } } })
})

// Tests share the one configuration row; each sets what it needs and the file puts the defaults back.
afterAll(async () => {
  await configureCors(corsConfigurationDefaults())
})

describe('CORS disabled (the default)', () => {
  it('ships FusionAuth defaults and adds no CORS headers at all', async () => {
    await configureCors(corsConfigurationDefaults())
    const { systemConfiguration } = await json<{ systemConfiguration: { corsConfiguration: unknown } }>(await call(path))
    expect(systemConfiguration.corsConfiguration).toEqual(corsConfigurationDefaults())

    const answer = await preflight(APP, 'POST', 'content-type')
    expect(answer.status).toBe(404)
    expect(corsHeaders(answer)).toEqual([])
    const login = await call('/api/login', browserLogin(browserApp, APP))
    expect(login.status).toBe(200)
    expect(corsHeaders(login)).toEqual([])
    expect(login.headers.get('vary')).toBeNull()
  })
})

describe('CORS enabled for one origin', () => {
  beforeAll(async () => {
    await configureCors({ enabled: true, allowedOrigins: [APP], allowedMethods: ['GET', 'POST', 'OPTIONS'], allowCredentials: false })
  })

  it('answers an allowed preflight 204 with the requested method, the allowed headers and the max age', async () => {
    const response = await preflight(APP, 'post', 'Content-Type, X-FusionAuth-TenantId')
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'))).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': corsConfigurationDefaults().allowedHeaders.join(','),
      'access-control-max-age': '1800',
      vary: 'Origin',
    })
  })

  it('refuses a disallowed origin, method or header with an empty 403', async () => {
    await expectRefused(await preflight('https://evil.example', 'POST', 'content-type'))
    await expectRefused(await preflight(APP, 'DELETE'))
    await expectRefused(await preflight(APP, 'POST', 'content-type, x-not-allowed'))
    await expectRefused(await preflight(APP, ''))
    await expectRefused(await preflight('not an origin', 'POST'))
  })

  it('lets an allowed origin call POST /api/login directly, with the response headers it needs', async () => {
    const response = await call('/api/login', browserLogin(browserApp, APP))
    expect(response.status).toBe(200)
    expect((await json<{ token?: string }>(response)).token).toBeDefined()
    expect(response.headers.get('access-control-allow-origin')).toBe(APP)
    expect(response.headers.get('access-control-expose-headers')).toBe('Access-Control-Allow-Origin,Access-Control-Allow-Credentials')
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    expect(response.headers.get('vary')).toBe('Origin')
    // Error answers are decorated too, so the browser app can read them.
    const wrong = await call('/api/login', {
      ...browserLogin(browserApp, APP),
      body: { loginId: browserApp.email, password: 'wrong', applicationId: browserApp.application.id },
    })
    expect(wrong.status).toBe(404)
    expect(wrong.headers.get('access-control-allow-origin')).toBe(APP)
  })

  it('refuses a request from a disallowed origin, or with a method not allowed, before it reaches the route', async () => {
    await expectRefused(await call('/api/login', browserLogin(browserApp, 'https://evil.example')))
    await expectRefused(await call('/api/login', { ...browserLogin(browserApp, APP), method: 'PUT' }))
  })

  it('lets a POST without a body or Content-Type through, as browsers send it (FusionAuth 403s it)', async () => {
    const logout = await call('/api/logout', { method: 'POST', apiKey: null, headers: { Origin: APP } })
    expect(logout.status).toBe(200)
    expect(logout.headers.get('access-control-allow-origin')).toBe(APP)
  })

  it('logs why it refused a request when debug is on, and only then', async () => {
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    try {
      await expectRefused(await preflight('https://evil.example', 'POST'))
      expect(lines.filter((line) => line.includes('cors-rejected'))).toEqual([])
      await configureCors({ debug: true })
      await expectRefused(await preflight('https://evil.example', 'POST'))
      const logged = lines.filter((line) => line.includes('cors-rejected')).map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(logged).toEqual([
        expect.objectContaining({
          event: 'cors-rejected',
          method: 'OPTIONS',
          path: '/api/login',
          reason: 'Origin not allowed [https://evil.example]',
        }),
      ])
    } finally {
      spy.mockRestore()
      await configureCors({ debug: false })
    }
  })

  it('leaves requests without an Origin, and from the server itself, alone', async () => {
    const server = await call('/api/login', { ...browserLogin(browserApp, 'http://localhost') })
    expect(server.status).toBe(200)
    expect(corsHeaders(server)).toEqual([])
    const noOrigin = await call('/api/login', { ...browserLogin(browserApp, APP), headers: {} })
    expect(noOrigin.status).toBe(200)
    expect(corsHeaders(noOrigin)).toEqual([])
  })

  it('answers by a new configuration at once in the isolate that saved it', async () => {
    await configureCors({ allowedOrigins: ['https://other.example'] })
    await expectRefused(await preflight(APP, 'POST'))
    expect((await preflight('https://other.example', 'POST')).status).toBe(204)
    await configureCors({ allowedOrigins: [APP] })
    expect((await preflight(APP, 'POST')).status).toBe(204)
  })
})

describe('credentials and the wildcard', () => {
  it('with allowCredentials, echoes the allowed origin and says Allow-Credentials: true', async () => {
    await configureCors({ enabled: true, allowedOrigins: [APP], allowedMethods: ['POST'], allowCredentials: true })
    const answer = await preflight(APP, 'POST', 'content-type')
    expect(answer.status).toBe(204)
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP)
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true')
    const login = await call('/api/login', browserLogin(browserApp, APP))
    expect(login.status).toBe(200)
    expect(login.headers.get('access-control-allow-origin')).toBe(APP)
    expect(login.headers.get('access-control-allow-credentials')).toBe('true')
  })

  it('with the wildcard and no credentials, answers * without Vary', async () => {
    await configureCors({ enabled: true, allowedOrigins: ['*'], allowedMethods: ['POST'], allowCredentials: false })
    const answer = await preflight('https://anyone.example', 'POST')
    expect(answer.status).toBe(204)
    expect(answer.headers.get('access-control-allow-origin')).toBe('*')
    expect(answer.headers.get('vary')).toBeNull()
    const login = await call('/api/login', browserLogin(browserApp, 'https://anyone.example'))
    expect(login.headers.get('access-control-allow-origin')).toBe('*')
    expect(login.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('never grants credentials to every origin: the wildcard with allowCredentials answers * without them', async () => {
    // FusionAuth echoes any origin with Allow-Credentials here, letting every site read a signed-in user's answers.
    await configureCors({ enabled: true, allowedOrigins: ['*'], allowedMethods: ['POST'], allowCredentials: true })
    for (const response of [
      await preflight('https://evil.example', 'POST'),
      await call('/api/login', browserLogin(browserApp, 'https://evil.example')),
    ]) {
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
      expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    }
  })
})

describe('the configuration read', () => {
  it('costs no D1 round trip per request: one read per isolate and bound, outside the login session', async () => {
    const d1 = countingD1(env.DB)
    const via = (p: string, options: CallOptions) => callWith({ DB: d1.binding }, p, options)
    // Saving empties the cache, so the next browser request reads the configuration once.
    await configureCors({ enabled: true, allowedOrigins: [APP], allowedMethods: ['POST'], allowCredentials: false }, via)
    const reads = () => d1.trips.log.filter((line) => line.includes('SELECT data, default_tenant_id')).length
    d1.reset()
    const first = await via('/api/login', browserLogin(browserApp, APP))
    expect(first.status).toBe(200)
    expect(first.headers.get('access-control-allow-origin')).toBe(APP)
    expect(reads()).toBe(1)
    d1.reset()
    const second = await via('/api/login', browserLogin(browserApp, APP))
    expect(second.status).toBe(200)
    expect(reads()).toBe(0)
    // The login itself still reads at a replica (the configuration read did not pin its session to the primary).
    expect(d1.trips.replica).toBeGreaterThan(0)
  })
})
