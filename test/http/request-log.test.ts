import { afterEach, describe, expect, it, vi } from 'vitest'
import { world } from '../routes/session-fixtures'
import { callWith } from '../support/worker-call'

/** Calls the Worker as wrangler dev runs it (ENVIRONMENT=development) and returns the response and its log lines. */
async function logged(path: string, options: Parameters<typeof callWith>[2] = {}) {
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
  const response = await callWith({ ENVIRONMENT: 'development' }, path, options)
  vi.restoreAllMocks()
  return { response, lines: lines.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

describe('the request log', () => {
  afterEach(() => vi.restoreAllMocks())

  it('writes one JSON line per request with the route pattern, never the ids, keys or body', async () => {
    const w = await world()
    const { response, lines } = await logged(`/api/user/${w.user.id}`, { headers: { 'cf-ray': 'ray-log-1' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('X-Request-Id')).toBe('ray-log-1')
    expect(lines).toEqual([
      {
        level: 'info',
        event: 'request',
        method: 'GET',
        route: '/api/user/:id',
        status: 200,
        durationMillis: expect.any(Number),
        requestId: 'ray-log-1',
        tenantId: null,
      },
    ])
    const text = JSON.stringify(lines)
    expect(text).not.toContain(w.user.id)
    expect(text).not.toContain(w.email)
  })

  it('logs a login without its password or tokens, and carries a fresh request id without cf-ray', async () => {
    const w = await world()
    const { response, lines } = await logged('/api/login', {
      body: { loginId: w.email, password: 'correct horse battery', applicationId: w.application.id },
    })
    const body = await response.json<{ token: string; refreshToken: string }>()
    expect(response.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ method: 'POST', route: '/api/login', status: 200, requestId: response.headers.get('X-Request-Id') })
    const text = JSON.stringify(lines)
    for (const secret of ['correct horse battery', body.token, body.refreshToken, w.email]) expect(text).not.toContain(secret)
  })

  it('names the tenant a request speaks for, and logs failures too', async () => {
    const w = await world()
    const { lines } = await logged(`/api/user/${crypto.randomUUID()}`, { tenantId: w.tenant.id })
    expect(lines[0]).toMatchObject({ status: 404, tenantId: w.tenant.id, route: '/api/user/:id' })
  })
})
