import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { TEST_FACTOR } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { UserStore } from '../../src/store/user-store'
import { type LoginBody, PASSWORD, claimsOf, errorCodes, forgotPassword, login, loginOk, world } from './session-fixtures'

const NEW_PASSWORD = 'a brand new passphrase'

const changeById = (id: string, body: Record<string, unknown>, nowMillis?: number) =>
  call(`/api/user/change-password/${encodeURIComponent(id)}`, { body, apiKey: null, nowMillis })

describe('POST /api/user/change-password/{changePasswordId}', () => {
  it('changes the password, returns a one-time password and the forgot-password state, and revokes refresh tokens', async () => {
    const w = await world()
    const before = await loginOk(w)
    expect(before.refreshToken).toBeTypeOf('string')
    const id = await forgotPassword(w, { state: { redirect: '/home' } })

    const response = await changeById(id, { password: NEW_PASSWORD })
    expect(response.status).toBe(200)
    const body = await json<{ oneTimePassword: string; state?: Record<string, unknown> }>(response)
    expect(body.oneTimePassword).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(body.state).toEqual({ redirect: '/home' })

    await expectEmpty(await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id }), 404)
    expect((await login({ loginId: w.email, password: NEW_PASSWORD, applicationId: w.application.id })).status).toBe(200)
    const refreshed = await call('/api/jwt/refresh', { body: { refreshToken: before.refreshToken }, apiKey: null })
    expect(refreshed.status).toBe(400)

    const stored = await new UserStore(env.DB).get(w.user.id)
    expect(stored?.password?.factor).toBe(TEST_FACTOR)
    expect(stored?.password?.scheme).toBe('salted-pbkdf2-hmac-sha256')
    expect(stored?.user.passwordLastUpdateInstant).toBeGreaterThanOrEqual(w.user.passwordLastUpdateInstant ?? 0)
  })

  it('accepts the id in the body (preferred over the path) and works only once', async () => {
    const w = await world()
    const id = await forgotPassword(w)
    const first = await call('/api/user/change-password/not-the-id', {
      body: { changePasswordId: id, password: NEW_PASSWORD },
      apiKey: null,
    })
    expect(first.status).toBe(200)
    await expectEmpty(await changeById(id, { password: 'yet another passphrase' }), 404)
  })

  it('redeems an id exactly once when requests race', async () => {
    // A 203 id: it carries no issue instant, so only the D1 redemption stands between the racers.
    const w = await world({ user: { passwordChangeRequired: true } })
    const first = await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id })
    const id = (await json<{ changePasswordId: string }>(first)).changePasswordId
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => changeById(id, { password: `${NEW_PASSWORD} ${i}` })))
    expect(responses.map((r) => r.status).sort()).toEqual([200, 404, 404, 404, 404])
  })

  it('answers 404 for an unknown or expired id', async () => {
    const w = await world()
    await expectEmpty(await changeById('no-such-id', { password: NEW_PASSWORD }), 404)
    const t0 = Date.now() + 1000
    const id = await forgotPassword(w, {}, t0)
    // Default changePasswordIdTimeToLiveInSeconds is 600.
    await expectEmpty(await changeById(id, { password: NEW_PASSWORD }, t0 + 601_000), 404)
    expect((await changeById(id, { password: NEW_PASSWORD }, t0 + 599_000)).status).toBe(200)
  })

  it('validates the new password before spending the id', async () => {
    const w = await world({ tenant: { passwordValidationRules: { minLength: 10, maxLength: 20 } } })
    const id = await forgotPassword(w)
    const blank = await json<LoginBody>(await changeById(id, { password: '  ' }))
    expect(errorCodes(blank, 'password')).toEqual(['[blank]password'])
    const short = await json<LoginBody>(await changeById(id, { password: 'short' }))
    expect(errorCodes(short, 'password')).toEqual(['[tooShort]password'])
    const long = await json<LoginBody>(await changeById(id, { password: 'x'.repeat(21) }))
    expect(errorCodes(long, 'password')).toEqual(['[tooLong]password'])
    const typed = await json<LoginBody>(await changeById(id, { password: 12345678901 }))
    expect(errorCodes(typed, 'password')).toEqual(['[invalid]password'])
    const malformed = await call(`/api/user/change-password/${id}`, { rawBody: '{"password": ', apiKey: null })
    expect(malformed.status).toBe(400)
    expect((await json<LoginBody>(malformed)).generalErrors?.[0]?.code).toBe('[invalid]')
    // A wrong currentPassword is a 404 without an API key, and the id survives it.
    await expectEmpty(await changeById(id, { password: 'a valid one!', currentPassword: 'wrong' }), 404)
    expect((await changeById(id, { password: 'a valid one!', currentPassword: PASSWORD })).status).toBe(200)
  })

  it('completes the 203 flow: the login change-password id clears passwordChangeRequired', async () => {
    const w = await world({ user: { passwordChangeRequired: true, passwordChangeReason: 'Administrative' } })
    const first = await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id })
    expect(first.status).toBe(203)
    const { changePasswordId } = await json<{ changePasswordId: string }>(first)
    expect((await changeById(changePasswordId, { password: NEW_PASSWORD })).status).toBe(200)
    const after = await login({ loginId: w.email, password: NEW_PASSWORD, applicationId: w.application.id })
    expect(after.status).toBe(200)
    const stored = await new UserStore(env.DB).get(w.user.id)
    expect(stored?.user.passwordChangeRequired).toBe(false)
    expect(stored?.user.passwordChangeReason).toBeUndefined()
  })

  it('hides ids of another tenant from a tenant-scoped request', async () => {
    const w = await world()
    const other = await world()
    const id = await forgotPassword(w)
    const response = await call(`/api/user/change-password/${id}`, {
      body: { password: NEW_PASSWORD },
      apiKey: null,
      tenantId: other.tenant.id,
    })
    await expectEmpty(response, 404)
  })
})

describe('POST /api/user/change-password with an API key and loginId', () => {
  it('changes the password and answers 200 with no body', async () => {
    const w = await world()
    const response = await call('/api/user/change-password', {
      body: { loginId: w.email, currentPassword: PASSWORD, password: NEW_PASSWORD },
      tenantId: w.tenant.id,
    })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
    expect(response.headers.get('content-type') ?? '').not.toContain('json')
    expect((await login({ loginId: w.email, password: NEW_PASSWORD, applicationId: w.application.id })).status).toBe(200)
  })

  it('names the wrong field: [invalid]currentPassword, [invalid]loginId, [invalid]applicationId', async () => {
    const w = await world()
    const wrong = await call('/api/user/change-password', {
      body: { loginId: w.email, currentPassword: 'nope', password: NEW_PASSWORD },
      tenantId: w.tenant.id,
    })
    expect(wrong.status).toBe(400)
    expect(errorCodes(await json<LoginBody>(wrong), 'currentPassword')).toEqual(['[invalid]currentPassword'])
    const unknown = await call('/api/user/change-password', {
      body: { loginId: 'nobody@example.com', password: NEW_PASSWORD },
      tenantId: w.tenant.id,
    })
    expect(errorCodes(await json<LoginBody>(unknown), 'loginId')).toEqual(['[invalid]loginId'])
    const app = await call('/api/user/change-password', {
      body: { loginId: w.email, password: NEW_PASSWORD, applicationId: crypto.randomUUID() },
    })
    expect(errorCodes(await json<LoginBody>(app), 'applicationId')).toEqual(['[invalid]applicationId'])
    // The user of one tenant is not found through another tenant.
    const other = await world()
    const scoped = await call('/api/user/change-password', {
      body: { loginId: w.email, password: NEW_PASSWORD },
      tenantId: other.tenant.id,
    })
    expect(errorCodes(await json<LoginBody>(scoped), 'loginId')).toEqual(['[invalid]loginId'])
  })

  it('refuses without a valid key, and a body with neither id, loginId nor JWT', async () => {
    const w = await world()
    await expectEmpty(await call('/api/user/change-password', { body: { loginId: w.email, password: NEW_PASSWORD }, apiKey: null }), 401)
    await expectEmpty(
      await call('/api/user/change-password', { body: { loginId: w.email, password: NEW_PASSWORD }, apiKey: 'wrong-key' }),
      401,
    )
    const none = await call('/api/user/change-password', { body: { password: NEW_PASSWORD }, tenantId: w.tenant.id })
    expect(none.status).toBe(400)
    expect((await json<LoginBody>(none)).generalErrors?.[0]?.code).toBe('[invalid]')
    const missing = await call('/api/user/change-password', { method: 'POST', tenantId: w.tenant.id })
    expect((await json<LoginBody>(missing)).generalErrors?.[0]?.code).toBe('[missing]')
  })

  it('enforces the tenant minimumPasswordAge with [tooYoung]password', async () => {
    const w = await world({ tenant: { minimumPasswordAge: { enabled: true, seconds: 3600 } } })
    const response = await call('/api/user/change-password', { body: { loginId: w.email, password: NEW_PASSWORD }, tenantId: w.tenant.id })
    expect(errorCodes(await json<LoginBody>(response), 'password')).toEqual(['[tooYoung]password'])
  })
})

describe('POST /api/user/change-password with a JWT', () => {
  it('returns a one-time password whose login keeps the JWT expiry and, given the refresh token, issues one', async () => {
    const w = await world()
    const session = await loginOk(w)
    const token = session.token ?? ''
    const response = await call('/api/user/change-password', {
      body: { currentPassword: PASSWORD, password: NEW_PASSWORD, refreshToken: session.refreshToken },
      apiKey: `Bearer ${token}`,
    })
    expect(response.status).toBe(200)
    const { oneTimePassword } = await json<{ oneTimePassword: string }>(response)
    const otpLogin = await login({ oneTimePassword, applicationId: w.application.id })
    expect(otpLogin.status).toBe(200)
    const body = await json<LoginBody>(otpLogin)
    expect(claimsOf(body.token ?? '').exp).toBe(claimsOf(token).exp)
    expect(claimsOf(body.token ?? '').authenticationType).toBe('ONE_TIME_PASSWORD')
    expect(body.refreshToken).toBeTypeOf('string')
  })

  it('issues no refresh token through the one-time password when none was shown', async () => {
    const w = await world()
    const session = await loginOk(w)
    const response = await call('/api/user/change-password', {
      body: { currentPassword: PASSWORD, password: NEW_PASSWORD },
      apiKey: `Bearer ${session.token ?? ''}`,
    })
    const { oneTimePassword } = await json<{ oneTimePassword: string }>(response)
    const body = await json<LoginBody>(await login({ oneTimePassword, applicationId: w.application.id }))
    expect(body.token).toBeTypeOf('string')
    expect(body.refreshToken).toBeUndefined()
  })

  it('answers 404 for a wrong currentPassword, 400 for a missing one, 401 for a bad JWT', async () => {
    const w = await world()
    const session = await loginOk(w)
    const bearer = `Bearer ${session.token ?? ''}`
    await expectEmpty(
      await call('/api/user/change-password', { body: { currentPassword: 'wrong', password: NEW_PASSWORD }, apiKey: bearer }),
      404,
    )
    const missing = await call('/api/user/change-password', { body: { password: NEW_PASSWORD }, apiKey: bearer })
    expect(errorCodes(await json<LoginBody>(missing), 'currentPassword')).toEqual(['[blank]currentPassword'])
    const tampered = `${session.token ?? ''}x`
    await expectEmpty(
      await call('/api/user/change-password', {
        body: { currentPassword: PASSWORD, password: NEW_PASSWORD },
        apiKey: `Bearer ${tampered}`,
      }),
      401,
    )
    const expired = await call('/api/user/change-password', {
      body: { currentPassword: PASSWORD, password: NEW_PASSWORD },
      apiKey: bearer,
      nowMillis: Date.now() + 7200_000,
    })
    await expectEmpty(expired, 401)
  })
})

describe('POST /api/user/forgot-password', () => {
  it('issues a change-password id with an API key, 404 for an unknown user, 403 without a key', async () => {
    const w = await world()
    expect(await forgotPassword(w)).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    await expectEmpty(await call('/api/user/forgot-password', { body: { loginId: 'nobody@example.com' }, tenantId: w.tenant.id }), 404)
    await expectEmpty(await call('/api/user/forgot-password', { body: { loginId: w.email }, apiKey: null }), 403)
    const blank = await call('/api/user/forgot-password', { body: { applicationId: w.application.id } })
    expect(errorCodes(await json<LoginBody>(blank), 'loginId')).toEqual(['[blank]loginId'])
    const badApp = await call('/api/user/forgot-password', { body: { loginId: w.email, applicationId: 'not-a-uuid' } })
    expect(errorCodes(await json<LoginBody>(badApp), 'applicationId')).toEqual(['[invalid]applicationId'])
  })
})
