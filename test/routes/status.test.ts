/**
 * GET /api/status and GET /api/health as FusionAuth answers them without an API key (System API docs): status 200
 * `{"status":"ok"}`, 452 when the database cannot be reached, 500 when the server cannot serve; health 200 or 500,
 * never a body. The failures are answered with these statuses, not the misconfiguration 500 other routes give.
 */
import { applyD1Migrations, env } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { call, expectEmpty, SUPERUSER_KEY } from '../helpers'
import { callWith } from '../support/worker-call'

/** A D1 binding whose every query fails as an unreachable database does (there is no outage to be had locally). */
function unreachableD1(): D1Database {
  const fail = (): never => {
    throw new Error('D1_ERROR: Network connection lost.')
  }
  const handle = { prepare: fail, batch: fail, exec: fail, dump: fail }
  // Only the parts the Worker calls; each throws.
  return { ...handle, withSession: () => handle } as unknown as D1Database
}

describe('GET /api/status', () => {
  it('answers 200 {"status":"ok"} without a key when the database answers', async () => {
    const response = await call('/api/status', { apiKey: null })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ status: 'ok' })
  })

  it('says nothing more to a caller with an API key', async () => {
    const response = await call('/api/status', { apiKey: SUPERUSER_KEY })
    expect(await response.text()).toBe('{"status":"ok"}')
  })

  it('answers an unmigrated database, and one a migration behind, with an empty 500', async () => {
    await expectEmpty(await callWith({ DB: env.UNMIGRATED_TEST_DB }, '/api/status', { apiKey: null }), 500)
    await applyD1Migrations(env.BEHIND_TEST_DB, env.TEST_MIGRATIONS.slice(0, -1))
    await expectEmpty(await callWith({ DB: env.BEHIND_TEST_DB }, '/api/status', { apiKey: null }), 500)
  })

  it('answers an unreachable database with an empty 452', async () => {
    await expectEmpty(await callWith({ DB: unreachableD1() }, '/api/status', { apiKey: null }), 452)
  })
})

describe('GET /api/health', () => {
  it('answers an empty 200 without a key when the database answers', async () => {
    const response = await call('/api/health', { apiKey: null })
    await expectEmpty(response, 200)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('answers an empty 500 when the database is unmigrated or unreachable', async () => {
    await expectEmpty(await callWith({ DB: env.UNMIGRATED_TEST_DB }, '/api/health', { apiKey: null }), 500)
    await expectEmpty(await callWith({ DB: unreachableD1() }, '/api/health', { apiKey: null }), 500)
  })

  it('still routes the rest of the API through the misconfiguration check', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const response = await callWith({ DB: env.UNMIGRATED_TEST_DB }, '/api/tenant', {})
      expect(response.status).toBe(500)
      expect(await response.text()).toContain('[ServerMisconfigured]')
    } finally {
      spy.mockRestore()
    }
  })
})
