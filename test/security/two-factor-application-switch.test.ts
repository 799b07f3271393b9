import { describe, expect, it } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { createApplication, createTenant } from '../fixtures'
import { challenge, enableAuthenticator, stepStart, twoFactorLogin, world } from '../domain/two-factor-login/world'
import { SUPERUSER_KEY, call, expectEmpty, json } from '../helpers'

/**
 * Issue 8, defect 4: the password step went through an open application, then POST /api/two-factor/login named
 * an application of the tenant that requires an API key, without a key, and got a token for it. Completion may
 * name another application (FusionAuth allows it), but only one the first step could have reached: a named
 * application that requires a key needs the key on the completing request too.
 */
async function switchWorld() {
  const base = stepStart()
  const w = await world()
  const locked = await createApplication(w.tenant.id, { loginConfiguration: { requireAuthentication: true } })
  const open = await createApplication(w.tenant.id, { loginConfiguration: { requireAuthentication: false } })
  for (const applicationId of [locked.id, open.id]) {
    expect((await call(`/api/user/registration/${w.user.id}`, { body: { registration: { applicationId } } })).status).toBe(200)
  }
  const enabled = await enableAuthenticator(w.user.id, base)
  const now = base + 30_000
  return { ...w, ...enabled, locked, open, now, code: await totpCode(enabled.keyBytes, timeStepAt(now)) }
}

const audience = async (response: Response): Promise<unknown> => {
  const { token } = await json<{ token: string }>(response)
  return (JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { aud?: unknown }).aud
}

describe('application switch in two-factor completion (issue 8, defect 4)', () => {
  it('refuses to complete into an application that requires an API key when the request has none (401), and spends nothing', async () => {
    const w = await switchWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: w.code, applicationId: w.locked.id }, { nowMillis: w.now }), 401)
    // Neither the twoFactorId nor the code was spent: completing into the first step's application still works.
    const completed = await twoFactorLogin({ twoFactorId, code: w.code, applicationId: w.application.id }, { nowMillis: w.now })
    expect(completed.status).toBe(200)
    expect(await audience(completed)).toBe(w.application.id)
  })

  it('refuses a key locked to another tenant as no key', async () => {
    const w = await switchWorld()
    const other = await createTenant()
    const created = await call('/api/api-key', { body: { apiKey: { tenantId: other.id } } })
    expect(created.status).toBe(200)
    const otherKey = (await json<{ apiKey: { key: string } }>(created)).apiKey.key
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const response = await call('/api/two-factor/login', {
      body: { twoFactorId, code: w.code, applicationId: w.locked.id },
      apiKey: otherKey,
      nowMillis: w.now,
    })
    expect([401, 404]).toContain(response.status)
    expect(await response.text()).toBe('')
  })

  it('lets a request with an API key complete into the application it names (as FusionAuth does)', async () => {
    const w = await switchWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const response = await call('/api/two-factor/login', {
      body: { twoFactorId, code: w.code, applicationId: w.locked.id },
      apiKey: SUPERUSER_KEY,
      nowMillis: w.now,
    })
    expect(response.status).toBe(200)
    expect(await audience(response)).toBe(w.locked.id)
  })

  it('lets an anonymous request complete into another open application of the tenant', async () => {
    const w = await switchWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const response = await twoFactorLogin({ twoFactorId, code: w.code, applicationId: w.open.id }, { nowMillis: w.now })
    expect(response.status).toBe(200)
    expect(await audience(response)).toBe(w.open.id)
  })

  it('needs no key to complete into the first step application, even one that requires a key', async () => {
    const w = await switchWorld()
    const first = await call('/api/login', {
      body: { applicationId: w.locked.id, loginId: w.email, password: 'correct horse battery' },
      nowMillis: w.now,
    })
    expect(first.status).toBe(242)
    const { twoFactorId } = await json<{ twoFactorId: string }>(first)
    const response = await twoFactorLogin({ twoFactorId, code: w.code, applicationId: w.locked.id }, { nowMillis: w.now })
    expect(response.status).toBe(200)
    expect(await audience(response)).toBe(w.locked.id)
  })
})
