import { applyD1Migrations, env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SCHEMA_VERSION } from '../../src/store/bootstrap'
import { callWith } from '../support/worker-call'

const SECRET = 'dGhpcy1pcy1ub3QtMzItYnl0ZXM='

/** Calls GET /api/tenant with the bindings replaced; returns the status, the body and what was logged. */
async function misconfigured(bindings: Partial<Cloudflare.Env>) {
  const logged: string[] = []
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)))
  const response = await callWith(bindings, '/api/tenant', { headers: { 'cf-ray': 'ray-123' } })
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text(), logged }
}

describe('a misconfigured Worker', () => {
  afterEach(() => vi.restoreAllMocks())

  it.each([
    ['a missing ENCRYPTION_KEY', { ENCRYPTION_KEY: undefined }, 'ENCRYPTION_KEY is not set'],
    ['an ENCRYPTION_KEY that is not Base64 of 32 bytes', { ENCRYPTION_KEY: SECRET }, 'ENCRYPTION_KEY is not Base64 of 32 bytes'],
    ['a missing BOOTSTRAP_API_KEY', { BOOTSTRAP_API_KEY: '' }, 'BOOTSTRAP_API_KEY is not set'],
    ['a DEFAULT_TENANT_ID that is not a UUID', { DEFAULT_TENANT_ID: 'tenant-one' }, 'DEFAULT_TENANT_ID is not a UUID'],
  ])('answers %s with a 500 that says so and logs the reason in one line', async (_name, bindings, reason) => {
    const result = await misconfigured(bindings)
    expect(result.status).toBe(500)
    expect(result.type).toMatch(/^application\/json/)
    expect(JSON.parse(result.body)).toEqual({
      generalErrors: [{ code: '[ServerMisconfigured]', message: expect.stringContaining('request id [ray-123]') }],
    })
    expect(result.body).not.toContain(SECRET)
    expect(result.logged).toHaveLength(1)
    expect(JSON.parse(result.logged[0] ?? '{}')).toMatchObject({
      event: 'misconfigured',
      requestId: 'ray-123',
      problems: [expect.stringContaining(reason)],
    })
    expect(result.logged[0]).not.toContain(SECRET)
  })

  it('answers an unmigrated database, and one a migration behind, with the same 500', async () => {
    const unmigrated = await misconfigured({ DB: env.UNMIGRATED_TEST_DB })
    expect(unmigrated.status).toBe(500)
    expect(unmigrated.body).toContain('[ServerMisconfigured]')
    expect(unmigrated.logged[0]).toContain('no migration is applied')

    await applyD1Migrations(env.BEHIND_TEST_DB, env.TEST_MIGRATIONS.slice(0, -1))
    const behind = await misconfigured({ DB: env.BEHIND_TEST_DB })
    expect(behind.status).toBe(500)
    expect(behind.logged[0]).toContain(`${SCHEMA_VERSION} is needed`)
  })

  it('names the newest migration as the schema this code needs', () => {
    expect(SCHEMA_VERSION).toBe(env.TEST_MIGRATIONS.at(-1)?.name)
  })
})
