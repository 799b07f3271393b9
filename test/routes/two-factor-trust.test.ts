import { describe, expect, it } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import type { JsonObject } from '../../src/http/fields'
import { createApplication, createUser, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'
import {
  PASSWORD,
  challenge,
  enableAuthenticator,
  passwordLogin,
  stepStart,
  trustCookie,
  twoFactorLogin,
  world,
} from '../domain/two-factor-login/world'

interface Body {
  twoFactorId?: string
  twoFactorTrustId?: string
  configurableMethods?: string[]
  methods?: unknown[]
  code?: string
  token?: string
}

/** A user with an authenticator who completed one login with trustComputer; returns the trust id and cookie. */
async function trustedWorld(options: Parameters<typeof world>[0] = {}) {
  const base = stepStart()
  const w = await world(options)
  const enabled = await enableAuthenticator(w.user.id, base)
  const now = base + 30_000
  const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: now })
  const code = await totpCode(enabled.keyBytes, timeStepAt(now))
  const response = await twoFactorLogin({ twoFactorId, code, trustComputer: true }, { nowMillis: now })
  expect(response.status).toBe(200)
  const cookie = trustCookie(response)
  const body = await json<Body>(response)
  return { ...w, ...enabled, now, response, cookie, trustId: body.twoFactorTrustId ?? '' }
}

describe('trustComputer', () => {
  it('returns twoFactorTrustId and an HttpOnly persistent fusionauth.trust cookie with the tenant TTL', async () => {
    const w = await trustedWorld()
    expect(w.trustId).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(w.cookie?.header).toBe(`fusionauth.trust=${w.trustId}`)
    expect(w.cookie?.setCookie).toContain('HttpOnly')
    expect(w.cookie?.setCookie).toContain('Max-Age=2592000')
  })

  it("uses the application's trust TTL over the tenant's", async () => {
    const w = await trustedWorld({ application: { externalIdentifierConfiguration: { twoFactorTrustIdTimeToLiveInSeconds: 3600 } } })
    expect(w.cookie?.setCookie).toContain('Max-Age=3600')
  })

  it('lets a later login skip the challenge with the cookie or with the body twoFactorTrustId', async () => {
    const w = await trustedWorld()
    const withCookie = await passwordLogin(w.application.id, w.email, { nowMillis: w.now, headers: { Cookie: w.cookie?.header ?? '' } })
    expect(withCookie.status).toBe(200)
    expect((await json<Body>(withCookie)).token).toBeTypeOf('string')
    expect((await passwordLogin(w.application.id, w.email, { nowMillis: w.now, body: { twoFactorTrustId: w.trustId } })).status).toBe(200)
  })

  it('prefers the cookie over the body', async () => {
    const w = await trustedWorld()
    const badCookie = await passwordLogin(w.application.id, w.email, {
      nowMillis: w.now,
      headers: { Cookie: 'fusionauth.trust=forged' },
      body: { twoFactorTrustId: w.trustId },
    })
    expect(badCookie.status).toBe(242)
    // The challenge clears the useless cookie.
    expect(
      badCookie.headers.getSetCookie().some((c) => c.startsWith('fusionauth.trust=;') || /fusionauth\.trust=.*Max-Age=0/.test(c)),
    ).toBe(true)
    const goodCookie = await passwordLogin(w.application.id, w.email, {
      nowMillis: w.now,
      headers: { Cookie: w.cookie?.header ?? '' },
      body: { twoFactorTrustId: 'forged' },
    })
    expect(goodCookie.status).toBe(200)
  })

  it('is refused for another user of the same tenant', async () => {
    const w = await trustedWorld()
    const email = uniqueEmail('other')
    const other = await createUser({
      tenantId: w.tenant.id,
      email,
      password: PASSWORD,
      registrations: [{ applicationId: w.application.id }],
    })
    await enableAuthenticator(other.id, w.now)
    expect((await passwordLogin(w.application.id, email, { nowMillis: w.now, body: { twoFactorTrustId: w.trustId } })).status).toBe(242)
  })

  it('is refused in another tenant', async () => {
    const w = await trustedWorld()
    const elsewhere = await world()
    await enableAuthenticator(elsewhere.user.id, w.now)
    expect(
      (await passwordLogin(elsewhere.application.id, elsewhere.email, { nowMillis: w.now, body: { twoFactorTrustId: w.trustId } })).status,
    ).toBe(242)
  })

  it('is refused once expired (true deadline, injected clock)', async () => {
    const w = await trustedWorld({ application: { externalIdentifierConfiguration: { twoFactorTrustIdTimeToLiveInSeconds: 120 } } })
    expect(
      (await passwordLogin(w.application.id, w.email, { nowMillis: w.now + 119_000, body: { twoFactorTrustId: w.trustId } })).status,
    ).toBe(200)
    expect(
      (await passwordLogin(w.application.id, w.email, { nowMillis: w.now + 120_001, body: { twoFactorTrustId: w.trustId } })).status,
    ).toBe(242)
  })

  it('under trustPolicy This, counts only trust established in this application; Any counts any; None never', async () => {
    const w = await trustedWorld()
    const register = async (application: JsonObject) => {
      const app = await createApplication(w.tenant.id, { loginConfiguration: { requireAuthentication: false }, ...application })
      const { UserStore } = await import('../../src/store/user-store')
      const { env } = await import('cloudflare:test')
      const users = new UserStore(env.DB)
      await users
        .registrationInsertStatement(w.user.id, {
          id: crypto.randomUUID(),
          applicationId: app.id,
          roles: [],
          verified: true,
          insertInstant: 1,
          lastUpdateInstant: 1,
        })
        .run()
      return app
    }
    const thisOnly = await register({ multiFactorConfiguration: { trustPolicy: 'This' } })
    const any = await register({ multiFactorConfiguration: { trustPolicy: 'Any' } })
    const none = await register({ multiFactorConfiguration: { trustPolicy: 'None' } })
    const body = { twoFactorTrustId: w.trustId }
    expect((await passwordLogin(thisOnly.id, w.email, { nowMillis: w.now, body })).status).toBe(242)
    expect((await passwordLogin(any.id, w.email, { nowMillis: w.now, body })).status).toBe(200)
    expect((await passwordLogin(none.id, w.email, { nowMillis: w.now, body })).status).toBe(242)

    // Trust earned in the This-application works there.
    const twoFactorId = await challenge(thisOnly.id, w.email, { nowMillis: w.now + 30_000 })
    const code = await totpCode(w.keyBytes, timeStepAt(w.now + 30_000))
    const trusted = await json<Body>(await twoFactorLogin({ twoFactorId, code, trustComputer: true }, { nowMillis: w.now + 30_000 }))
    expect(
      (await passwordLogin(thisOnly.id, w.email, { nowMillis: w.now, body: { twoFactorTrustId: trusted.twoFactorTrustId ?? '' } })).status,
    ).toBe(200)
  })
})

describe('login policies', () => {
  it('Disabled on the tenant skips the challenge', async () => {
    const base = stepStart()
    const w = await world({ tenant: { multiFactorConfiguration: { loginPolicy: 'Disabled' } } })
    await enableAuthenticator(w.user.id, base)
    expect((await passwordLogin(w.application.id, w.email, { nowMillis: base })).status).toBe(200)
  })

  it("the application's policy overrides the tenant's, both ways", async () => {
    const base = stepStart()
    const disabledApp = await world({ application: { multiFactorConfiguration: { loginPolicy: 'Disabled' } } })
    await enableAuthenticator(disabledApp.user.id, base)
    expect((await passwordLogin(disabledApp.application.id, disabledApp.email, { nowMillis: base })).status).toBe(200)

    const enabledApp = await world({
      tenant: { multiFactorConfiguration: { loginPolicy: 'Disabled' } },
      application: { multiFactorConfiguration: { loginPolicy: 'Enabled' } },
    })
    await enableAuthenticator(enabledApp.user.id, base)
    expect((await passwordLogin(enabledApp.application.id, enabledApp.email, { nowMillis: base })).status).toBe(242)
  })

  it('Enabled lets a user without methods in; Required challenges with configurableMethods, finished through enable', async () => {
    const base = stepStart()
    const plain = await world()
    expect((await passwordLogin(plain.application.id, plain.email, { nowMillis: base })).status).toBe(200)

    const w = await world({ application: { multiFactorConfiguration: { loginPolicy: 'Required' } } })
    const response = await passwordLogin(w.application.id, w.email, { nowMillis: base })
    expect(response.status).toBe(242)
    const challenged = await json<Body>(response)
    expect(challenged.configurableMethods).toEqual(['authenticator', 'email'])
    const twoFactorId = challenged.twoFactorId ?? ''

    const secret = await json<{ secret: string }>(await call('/api/two-factor/secret'))
    const { base64ToBytes } = await import('../../src/domain/crypto/encoding')
    const enableCode = await totpCode(base64ToBytes(secret.secret), timeStepAt(base))
    const enabled = await call(`/api/user/two-factor/${w.user.id}`, {
      body: { method: 'authenticator', secret: secret.secret, code: enableCode, twoFactorId },
      nowMillis: base,
    })
    expect(enabled.status).toBe(200)
    const enabledBody = await json<Body & { recoveryCodes?: string[] }>(enabled)
    expect(enabledBody.code).toMatch(/^\d{6}$/)
    expect(enabledBody.recoveryCodes).toHaveLength(10)
    expect((await twoFactorLogin({ twoFactorId, code: enabledBody.code ?? '' }, { nowMillis: base })).status).toBe(200)
  })
})
