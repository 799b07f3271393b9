import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FailedLoginStore } from '../../src/store/failed-login-store'
import { UserActionStore } from '../../src/store/user-action-store'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty } from '../helpers'

/**
 * Unknown users and wrong passwords must cost the same, so a 404 says nothing about whether an account
 * exists. Timing assertions do not belong in tests; the work does: each 404 derives exactly one PBKDF2 hash
 * at the same iteration count.
 */
describe('POST /api/login: equal work for unknown user and wrong password', () => {
  afterEach(() => vi.restoreAllMocks())

  async function derivations(body: Record<string, unknown>): Promise<{ iterations: number; hash: string }[]> {
    const spy = vi.spyOn(crypto.subtle, 'deriveBits')
    await expectEmpty(await call('/api/login', { method: 'POST', body }), 404)
    // deriveBits' first argument, as the password code passes it for PBKDF2.
    const calls = spy.mock.calls.map(([algorithm]) => algorithm as { iterations: number; hash: string | { name: string } })
    spy.mockRestore()
    return calls.map((a) => ({ iterations: a.iterations, hash: typeof a.hash === 'string' ? a.hash : a.hash.name }))
  }

  it('derives one hash of the same cost either way', async () => {
    const tenant = await createTenant()
    const application = await createApplication(tenant.id)
    const email = uniqueEmail()
    await createUser({ tenantId: tenant.id, email, password: 'the right one', registrations: [{ applicationId: application.id }] })

    const unknown = await derivations({ applicationId: application.id, loginId: uniqueEmail('nobody'), password: 'anything' })
    const wrong = await derivations({ applicationId: application.id, loginId: email, password: 'the wrong one' })
    expect(unknown).toHaveLength(1)
    expect(wrong).toEqual(unknown)
    expect(unknown[0]?.iterations).toBe(tenant.passwordEncryptionConfiguration.encryptionSchemeFactor)
  })

  it('also burns a hash for a user who has no password', async () => {
    const tenant = await createTenant()
    const application = await createApplication(tenant.id)
    const email = uniqueEmail()
    await createUser({ tenantId: tenant.id, email, registrations: [{ applicationId: application.id }] })
    expect(await derivations({ applicationId: application.id, loginId: email, password: 'anything' })).toHaveLength(1)
  })
})

describe('POST /api/login: equal writes for unknown user and wrong password', () => {
  afterEach(() => vi.restoreAllMocks())

  async function writesFor(tenantOverrides: Record<string, unknown>) {
    const tenant = await createTenant(tenantOverrides)
    const application = await createApplication(tenant.id)
    const email = uniqueEmail()
    await createUser({ tenantId: tenant.id, email, password: 'the right one', registrations: [{ applicationId: application.id }] })
    const failure = vi.spyOn(FailedLoginStore.prototype, 'recordFailure')
    const miss = vi.spyOn(FailedLoginStore.prototype, 'recordMiss')
    await expectEmpty(
      await call('/api/login', { method: 'POST', body: { applicationId: application.id, loginId: uniqueEmail('nobody'), password: 'x' } }),
      404,
    )
    const unknown = { failure: failure.mock.calls.length, miss: miss.mock.calls.length }
    await expectEmpty(
      await call('/api/login', { method: 'POST', body: { applicationId: application.id, loginId: email, password: 'the wrong one' } }),
      404,
    )
    const wrong = { failure: failure.mock.calls.length - unknown.failure, miss: miss.mock.calls.length - unknown.miss }
    return { unknown, wrong }
  }

  it('writes once either way when the tenant counts failures', async () => {
    const now = Date.now()
    const actionId = crypto.randomUUID()
    await new UserActionStore(env.DB).createDefinition({
      id: actionId,
      name: `lock-${actionId}`,
      preventLogin: true,
      temporal: true,
      userNotificationsEnabled: false,
      active: true,
      insertInstant: now,
      lastUpdateInstant: now,
    })
    const { unknown, wrong } = await writesFor({ failedAuthenticationConfiguration: { userActionId: actionId, tooManyAttempts: 5 } })
    expect(unknown).toEqual({ failure: 0, miss: 1 })
    expect(wrong).toEqual({ failure: 1, miss: 0 })
  })

  it('writes nothing either way when it does not', async () => {
    const { unknown, wrong } = await writesFor({})
    expect(unknown).toEqual({ failure: 0, miss: 0 })
    expect(wrong).toEqual({ failure: 0, miss: 0 })
  })
})
