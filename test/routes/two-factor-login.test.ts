import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { UserActionStore } from '../../src/store/user-action-store'
import { UserStore } from '../../src/store/user-store'
import { expectEmpty, json } from '../helpers'
import {
  challenge,
  enableAuthenticator,
  enableEmailMethod,
  lastMailedCode,
  passwordLogin,
  stepStart,
  twoFactorLogin,
  world,
} from '../domain/two-factor-login/world'
import { call } from '../helpers'

interface LoginBody {
  token?: string
  twoFactorId?: string
  twoFactorTrustId?: string
  methods?: Record<string, unknown>[]
  changePasswordId?: string
  actions?: { actionId: string }[]
  user?: { id: string; twoFactor?: { methods: Record<string, unknown>[] } }
  fieldErrors?: Record<string, { code: string }[]>
}

/** A world whose user has an authenticator enabled one step before `now`. */
async function authenticatorWorld(options: Parameters<typeof world>[0] = {}) {
  const base = stepStart()
  const w = await world(options)
  const enabled = await enableAuthenticator(w.user.id, base)
  const now = base + 30_000
  const code = await totpCode(enabled.keyBytes, timeStepAt(now))
  return { ...w, ...enabled, now, code }
}

describe('POST /api/login with two-factor methods', () => {
  it('answers 242 with a twoFactorId and the methods without secrets', async () => {
    const w = await authenticatorWorld()
    const response = await passwordLogin(w.application.id, w.email, { nowMillis: w.now })
    expect(response.status).toBe(242)
    const body = await json<LoginBody>(response)
    expect(body.twoFactorId).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(body.methods).toEqual([
      { authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 }, id: w.methodId, method: 'authenticator' },
    ])
    expect(JSON.stringify(body)).not.toContain(w.secret)
    expect(body.token).toBeUndefined()
  })
})

describe('POST /api/two-factor/login', () => {
  it('completes with a TOTP code: 200, tokens, the user without secrets', async () => {
    const w = await authenticatorWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const response = await twoFactorLogin(
      { twoFactorId, code: w.code, applicationId: w.application.id },
      { nowMillis: w.now, tenantId: w.tenant.id },
    )
    expect(response.status).toBe(200)
    const body = await json<LoginBody>(response)
    expect(body.token).toBeTypeOf('string')
    expect(body.user?.id).toBe(w.user.id)
    expect(body.user?.twoFactor?.methods).toEqual([
      { authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 }, id: w.methodId, method: 'authenticator' },
    ])
    expect(JSON.stringify(body)).not.toContain(w.secret)
    expect(body.twoFactorTrustId).toBeUndefined()
  })

  it('takes the application from the pending login when the request names none', async () => {
    const w = await authenticatorWorld({
      application: { loginConfiguration: { requireAuthentication: false, generateRefreshTokens: true } },
    })
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const body = await json<LoginBody & { refreshToken?: string }>(
      await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now }),
    )
    const claims = JSON.parse(atob((body.token ?? '').split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')) as Record<
      string,
      unknown
    >
    expect(claims.aud).toBe(w.application.id)
    expect(claims.authenticationType).toBe('PASSWORD')
    expect(body.refreshToken).toBeTypeOf('string')
  })

  it('answers an unknown twoFactorId with 404, empty, even when the code is blank', async () => {
    await expectEmpty(await twoFactorLogin({ twoFactorId: 'nope', code: '123456' }), 404)
    await expectEmpty(await twoFactorLogin({ twoFactorId: 'nope', code: '' }), 404)
  })

  it('validates: [blank]twoFactorId, [blank]code, [invalid]applicationId', async () => {
    const w = await authenticatorWorld()
    const blankId = await twoFactorLogin({ code: '123456' })
    expect(blankId.status).toBe(400)
    expect((await json<LoginBody>(blankId)).fieldErrors?.twoFactorId?.[0]?.code).toBe('[blank]twoFactorId')
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const blankCode = await twoFactorLogin({ twoFactorId, code: ' ' }, { nowMillis: w.now })
    expect((await json<LoginBody>(blankCode)).fieldErrors?.code?.[0]?.code).toBe('[blank]code')
    const badApp = await twoFactorLogin({ twoFactorId, code: w.code, applicationId: crypto.randomUUID() }, { nowMillis: w.now })
    expect(badApp.status).toBe(400)
    expect((await json<LoginBody>(badApp)).fieldErrors?.applicationId?.[0]?.code).toBe('[invalid]applicationId')
    // Validation failures spend nothing: the right code still works.
    expect((await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now })).status).toBe(200)
  })

  it('answers a wrong code with 421, empty, and keeps the twoFactorId usable', async () => {
    const w = await authenticatorWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const wrong = w.code === '000000' ? '111111' : '000000'
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: wrong }, { nowMillis: w.now }), 421)
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: 'ABCDE-FGHJK' }, { nowMillis: w.now }), 421)
    expect((await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now })).status).toBe(200)
  })

  it('spends the twoFactorId after five wrong codes, even without a tenant lockout action', async () => {
    const w = await authenticatorWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const wrong = w.code === '000000' ? '111111' : '000000'
    for (let attempt = 0; attempt < 5; attempt++) {
      await expectEmpty(await twoFactorLogin({ twoFactorId, code: wrong }, { nowMillis: w.now }), 421)
    }
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now }), 404)
  })

  it('completes a twoFactorId once: a second use is 404', async () => {
    const w = await authenticatorWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    expect((await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now })).status).toBe(200)
    const later = await totpCode(w.keyBytes, timeStepAt(w.now) + 1)
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: later }, { nowMillis: w.now + 30_000 }), 404)
  })

  it('of two concurrent completions with a valid code, exactly one succeeds', async () => {
    const w = await authenticatorWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const responses = await Promise.all([0, 1, 2].map(() => twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now })))
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.every((s) => s === 200 || s === 404 || s === 421)).toBe(true)
  })

  it('completes once when a TOTP code and a recovery code race on one twoFactorId (the D1 redemption decides)', async () => {
    const w = await authenticatorWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const codes = [w.code, w.recoveryCodes[0] ?? '', w.recoveryCodes[1] ?? '']
    const responses = await Promise.all(codes.map((code) => twoFactorLogin({ twoFactorId, code }, { nowMillis: w.now })))
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 404)).toHaveLength(2)
  })

  it('accepts one TOTP code once even across two pending logins raced together', async () => {
    const w = await authenticatorWorld()
    const ids = [
      await challenge(w.application.id, w.email, { nowMillis: w.now }),
      await challenge(w.application.id, w.email, { nowMillis: w.now }),
    ]
    const responses = await Promise.all(ids.map((twoFactorId) => twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now })))
    expect(responses.map((r) => r.status).sort()).toEqual([200, 421])
  })

  it('refuses a replayed TOTP code and a code of an earlier step', async () => {
    const w = await authenticatorWorld()
    const first = await challenge(w.application.id, w.email, { nowMillis: w.now })
    expect((await twoFactorLogin({ twoFactorId: first, code: w.code }, { nowMillis: w.now })).status).toBe(200)
    const second = await challenge(w.application.id, w.email, { nowMillis: w.now })
    await expectEmpty(await twoFactorLogin({ twoFactorId: second, code: w.code }, { nowMillis: w.now }), 421)
    // The enabling step (one earlier, still inside the skew window) is refused too.
    const enabling = await totpCode(w.keyBytes, timeStepAt(w.now) - 1)
    await expectEmpty(await twoFactorLogin({ twoFactorId: second, code: enabling }, { nowMillis: w.now }), 421)
    const next = await totpCode(w.keyBytes, timeStepAt(w.now) + 1)
    expect((await twoFactorLogin({ twoFactorId: second, code: next }, { nowMillis: w.now + 30_000 })).status).toBe(200)
  })

  it('accepts a recovery code once (dash and case forgiven)', async () => {
    const w = await authenticatorWorld()
    expect(w.recoveryCodes).toHaveLength(10)
    const recovery = w.recoveryCodes[0] ?? ''
    const first = await challenge(w.application.id, w.email, { nowMillis: w.now })
    expect((await twoFactorLogin({ twoFactorId: first, code: recovery.replace('-', '').toLowerCase() }, { nowMillis: w.now })).status).toBe(
      200,
    )
    const second = await challenge(w.application.id, w.email, { nowMillis: w.now })
    await expectEmpty(await twoFactorLogin({ twoFactorId: second, code: recovery }, { nowMillis: w.now }), 421)
    expect((await twoFactorLogin({ twoFactorId: second, code: w.recoveryCodes[1] ?? '' }, { nowMillis: w.now })).status).toBe(200)
  })

  it('expires the twoFactorId at its true deadline although KV keeps it for 60 s', async () => {
    const w = await authenticatorWorld({ tenant: { externalIdentifierConfiguration: { twoFactorIdTimeToLiveInSeconds: 10 } } })
    const expired = await challenge(w.application.id, w.email, { nowMillis: w.now })
    await expectEmpty(await twoFactorLogin({ twoFactorId: expired, code: w.code }, { nowMillis: w.now + 10_001 }), 404)
    const fresh = await challenge(w.application.id, w.email, { nowMillis: w.now })
    expect((await twoFactorLogin({ twoFactorId: fresh, code: w.code }, { nowMillis: w.now + 9_000 })).status).toBe(200)
  })

  it('counts wrong codes toward the lockout: 409 once locked, then the twoFactorId is gone', async () => {
    const definition = {
      id: crypto.randomUUID(),
      name: `lock-${crypto.randomUUID()}`,
      preventLogin: true,
      temporal: true,
      userNotificationsEnabled: false,
      active: true,
      insertInstant: 1,
      lastUpdateInstant: 1,
    }
    await new UserActionStore(env.DB).createDefinition(definition)
    const w = await authenticatorWorld({
      tenant: { failedAuthenticationConfiguration: { userActionId: definition.id, tooManyAttempts: 2, resetCountInSeconds: 60 } },
    })
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const wrong = w.code === '000000' ? '111111' : '000000'
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: wrong }, { nowMillis: w.now }), 421)
    const locked = await twoFactorLogin({ twoFactorId, code: wrong }, { nowMillis: w.now })
    expect(locked.status).toBe(409)
    expect((await json<LoginBody>(locked)).actions?.[0]?.actionId).toBe(definition.id)
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now }), 404)
  })

  it('keeps noJWT from the original login', async () => {
    const w = await authenticatorWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now, body: { noJWT: true } })
    const response = await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now })
    expect(response.status).toBe(200)
    expect((await json<LoginBody>(response)).token).toBeUndefined()
    expect(response.headers.getSetCookie().some((c) => c.startsWith('access_token='))).toBe(false)
  })

  it('answers 203 after the code when a password change is required', async () => {
    const w = await authenticatorWorld()
    const stored = await new UserStore(env.DB).get(w.user.id)
    if (stored === null) throw new Error('user missing')
    await new UserStore(env.DB).update({ ...stored.user, passwordChangeRequired: true, passwordChangeReason: 'Administrative' })
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const response = await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now })
    expect(response.status).toBe(203)
    expect((await json<LoginBody>(response)).changePasswordId).toBeTypeOf('string')
  })

  it('answers 202 when the user is not registered for the requested application', async () => {
    const w = await authenticatorWorld()
    const { createApplication } = await import('../fixtures')
    // Open for login: completing into an application that requires a key needs the key (test/security/two-factor-application-switch).
    const other = await createApplication(w.tenant.id, { loginConfiguration: { requireAuthentication: false } })
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    expect((await twoFactorLogin({ twoFactorId, code: w.code, applicationId: other.id }, { nowMillis: w.now })).status).toBe(202)
  })

  it('refuses a request scoped to another tenant with 404', async () => {
    const w = await authenticatorWorld()
    const { createTenant } = await import('../fixtures')
    const other = await createTenant()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: w.code }, { nowMillis: w.now, tenantId: other.id }), 404)
  })
})

describe('emailed codes during login', () => {
  it('sends a code for the pending login; a resend invalidates the earlier code', async () => {
    const base = stepStart()
    const w = await world()
    const { methodId } = await enableEmailMethod(w.user.id, w.email, base)
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: base })

    const sent = await call(`/api/two-factor/send/${twoFactorId}`, { body: { methodId }, apiKey: null, nowMillis: base })
    await expectEmpty(sent, 200)
    const firstCode = await lastMailedCode(w.email)
    await expectEmpty(await call(`/api/two-factor/send/${twoFactorId}`, { body: { methodId }, apiKey: null, nowMillis: base }), 200)
    const secondCode = await lastMailedCode(w.email)

    if (firstCode !== secondCode) await expectEmpty(await twoFactorLogin({ twoFactorId, code: firstCode }, { nowMillis: base }), 421)
    expect((await twoFactorLogin({ twoFactorId, code: secondCode }, { nowMillis: base })).status).toBe(200)
    // Spent with the twoFactorId.
    await expectEmpty(await twoFactorLogin({ twoFactorId, code: secondCode }, { nowMillis: base }), 404)
  })

  it('refuses to send for an unknown twoFactorId (404) or a method that is not an email method (400)', async () => {
    await expectEmpty(await call('/api/two-factor/send/unknown', { body: { methodId: 'ABCD' }, apiKey: null }), 404)
    const w = await authenticatorWorld()
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: w.now })
    const response = await call(`/api/two-factor/send/${twoFactorId}`, { body: { methodId: w.methodId }, apiKey: null, nowMillis: w.now })
    expect(response.status).toBe(400)
    expect((await json<LoginBody>(response)).fieldErrors?.methodId?.[0]?.code).toBe('[invalid]methodId')
  })

  it('accepts the deprecated body-less send (text/plain, empty)', async () => {
    const base = stepStart()
    const w = await world()
    await enableEmailMethod(w.user.id, w.email, base)
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: base })
    const response = await call(`/api/two-factor/send/${twoFactorId}`, {
      method: 'POST',
      apiKey: null,
      headers: { 'Content-Type': 'text/plain' },
      nowMillis: base,
    })
    await expectEmpty(response, 200)
    expect((await twoFactorLogin({ twoFactorId, code: await lastMailedCode(w.email) }, { nowMillis: base })).status).toBe(200)
  })
})
