import { SELF, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { LoginRecordStore } from '../../src/store/login-record-store'
import { UserStore } from '../../src/store/user-store'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { SUPERUSER_KEY, call, expectEmpty, json } from '../helpers'
import { eventually } from '../support/eventually'

interface LoginBody {
  token?: string
  tokenExpirationInstant?: number
  refreshToken?: string
  refreshTokenId?: string
  user?: { id: string; email?: string; lastLoginInstant?: number; registrations?: { applicationId: string; lastLoginInstant?: number }[] }
  changePasswordId?: string
  changePasswordReason?: string
  fieldErrors?: Record<string, { code: string; message: string }[]>
  generalErrors?: { code: string; message: string }[]
}

const claimsOf = (token: string): Record<string, unknown> => {
  const payload = token.split('.')[1] ?? ''
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
}
const headerOf = (token: string): Record<string, unknown> =>
  JSON.parse(atob((token.split('.')[0] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>

/** A tenant, an application that needs no key unless asked, and a registered user with a password. */
async function world(
  options: {
    tenant?: Record<string, unknown>
    application?: Record<string, unknown>
    user?: Record<string, unknown>
    registration?: Record<string, unknown> | null
  } = {},
) {
  const tenant = await createTenant(options.tenant)
  const application = await createApplication(tenant.id, { roles: [], ...options.application })
  const email = uniqueEmail()
  const user = await createUser({
    tenantId: tenant.id,
    email,
    username: `u-${crypto.randomUUID()}`,
    password: 'correct horse battery',
    overrides: options.user,
    registrations:
      options.registration === null ? [] : [{ applicationId: application.id, roles: ['admin', 'user'], ...options.registration }],
  })
  return { tenant, application, user, email, password: 'correct horse battery' }
}

const login = (
  body: unknown,
  extra: { apiKey?: string | null; tenantId?: string; headers?: Record<string, string>; nowMillis?: number } = {},
) => call('/api/login', { method: 'POST', body, ...extra })

describe('POST /api/login: request validation', () => {
  it('answers malformed JSON with 400 Errors JSON', async () => {
    const response = await call('/api/login', { method: 'POST', rawBody: '{"loginId": ' })
    expect(response.status).toBe(400)
    expect((await json<LoginBody>(response)).generalErrors?.[0]?.code).toBe('[invalid]')
  })

  it('answers a missing body with [missing]', async () => {
    const response = await call('/api/login', { method: 'POST' })
    expect(response.status).toBe(400)
    expect((await json<LoginBody>(response)).generalErrors?.[0]?.code).toBe('[missing]')
  })

  it('lists [blank]loginId and [blank]password together', async () => {
    const { application } = await world()
    const response = await login({ applicationId: application.id, loginId: '  ' })
    expect(response.status).toBe(400)
    const body = await json<LoginBody>(response)
    expect(body.fieldErrors?.loginId?.[0]?.code).toBe('[blank]loginId')
    expect(body.fieldErrors?.password?.[0]?.code).toBe('[blank]password')
    expect(body.generalErrors).toBeUndefined()
  })

  it('rejects wrong-typed fields with 400, never 500', async () => {
    const { application } = await world()
    for (const body of [
      { applicationId: application.id, loginId: 5, password: 'x' },
      { applicationId: application.id, loginId: 'a', password: ['x'] },
      { applicationId: application.id, loginId: 'a', password: 'x', noJWT: 'yes' },
      ['not', 'an', 'object'],
    ]) {
      const response = await login(body)
      expect(response.status).toBe(400)
      await json(response)
    }
  })

  it('answers an unknown applicationId with [invalid]applicationId and needs no key for it', async () => {
    const unknown = crypto.randomUUID()
    const response = await login({ applicationId: unknown, loginId: 'a@b.c', password: 'x' }, { apiKey: null })
    expect(response.status).toBe(400)
    const body = await json<LoginBody>(response)
    expect(body.fieldErrors?.applicationId?.[0]?.code).toBe('[invalid]applicationId')
    expect(body.fieldErrors?.applicationId?.[0]?.message).toContain(unknown)
  })

  it('treats a malformed applicationId as invalid', async () => {
    const response = await login({ applicationId: 'not-a-uuid', loginId: 'a@b.c', password: 'x' })
    expect((await json<LoginBody>(response)).fieldErrors?.applicationId?.[0]?.code).toBe('[invalid]applicationId')
  })

  it('needs [TenantIdRequired] without an application when several tenants exist', async () => {
    await createTenant()
    const response = await login({ loginId: 'a@b.c', password: 'x' })
    expect(response.status).toBe(400)
    expect((await json<LoginBody>(response)).generalErrors?.[0]?.code).toBe('[TenantIdRequired]')
  })
})

describe('POST /api/login: API key', () => {
  it('requires a key when the application does (401, empty)', async () => {
    const { application, email, password } = await world({ application: { loginConfiguration: { requireAuthentication: true } } })
    await expectEmpty(await login({ applicationId: application.id, loginId: email, password }, { apiKey: null }), 401)
    await expectEmpty(await login({ applicationId: application.id, loginId: email, password }, { apiKey: 'wrong-key' }), 401)
  })

  it('needs no key when the application does not require one', async () => {
    const { application, email, password } = await world({ application: { loginConfiguration: { requireAuthentication: false } } })
    expect((await login({ applicationId: application.id, loginId: email, password }, { apiKey: null })).status).toBe(200)
  })

  it("follows the tenant's requireAuthentication without an application", async () => {
    const { tenant, email, password } = await world({ tenant: { loginConfiguration: { requireAuthentication: false } } })
    expect((await login({ loginId: email, password }, { apiKey: null, tenantId: tenant.id })).status).toBe(200)
  })

  it("refuses a request scoped to another tenant than the application's", async () => {
    const { application, email, password } = await world()
    const other = await createTenant()
    const response = await login({ applicationId: application.id, loginId: email, password }, { tenantId: other.id })
    expect((await json<LoginBody>(response)).fieldErrors?.applicationId?.[0]?.code).toBe('[invalid]applicationId')
  })
})

describe('POST /api/login: statuses', () => {
  it('answers 404 with no body for an unknown user and for a wrong password alike', async () => {
    const { application, email } = await world()
    await expectEmpty(await login({ applicationId: application.id, loginId: uniqueEmail('nobody'), password: 'whatever' }), 404)
    await expectEmpty(await login({ applicationId: application.id, loginId: email, password: 'wrong password' }), 404)
  })

  it('does not find a user of another tenant', async () => {
    const { email, password } = await world()
    const other = await createTenant()
    await expectEmpty(await login({ loginId: email, password }, { tenantId: other.id }), 404)
  })

  it('matches email case-insensitively but never trims', async () => {
    const { application, email, password } = await world()
    expect((await login({ applicationId: application.id, loginId: email.toUpperCase(), password })).status).toBe(200)
    await expectEmpty(await login({ applicationId: application.id, loginId: ` ${email}`, password }), 404)
  })

  it('logs in by username', async () => {
    const { application, user, password } = await world()
    expect((await login({ applicationId: application.id, loginId: user.username, password })).status).toBe(200)
  })

  it('answers 423 for a deactivated user, before the password', async () => {
    const { application, email } = await world({ user: { active: false } })
    await expectEmpty(await login({ applicationId: application.id, loginId: email, password: 'wrong' }), 423)
  })

  it('answers 410 for an expired user', async () => {
    const { application, email, password } = await world({ user: { expiry: Date.now() - 1000 } })
    await expectEmpty(await login({ applicationId: application.id, loginId: email, password }), 410)
  })

  it('answers 203 with a changePasswordId when a change is required', async () => {
    const { application, email, password } = await world({ user: { passwordChangeRequired: true, passwordChangeReason: 'Administrative' } })
    const response = await login({ applicationId: application.id, loginId: email, password })
    expect(response.status).toBe(203)
    const body = await json<LoginBody>(response)
    expect(body.changePasswordReason).toBe('Administrative')
    expect(body.changePasswordId).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(body.token).toBeUndefined()
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it("answers 203 Expired when the tenant's maximum password age passed", async () => {
    const { application, email, password } = await world({
      tenant: { maximumPasswordAge: { enabled: true, days: 10 } },
      user: { passwordLastUpdateInstant: Date.now() - 11 * 86_400_000 },
    })
    const response = await login({ applicationId: application.id, loginId: email, password })
    expect(response.status).toBe(203)
    expect((await json<LoginBody>(response)).changePasswordReason).toBe('Expired')
  })

  it('answers 202 with a token (aud, no applicationId or roles) when not registered', async () => {
    const { application, email, password } = await world({ registration: null })
    const response = await login({ applicationId: application.id, loginId: email, password })
    expect(response.status).toBe(202)
    const claims = claimsOf((await json<LoginBody>(response)).token ?? '')
    expect(claims.aud).toBe(application.id)
    expect(claims.applicationId).toBeUndefined()
    expect(claims.roles).toBeUndefined()
  })

  it('answers 213 when the registration is not verified', async () => {
    const { application, email, password } = await world({ registration: { verified: false } })
    const response = await login({ applicationId: application.id, loginId: email, password })
    expect(response.status).toBe(213)
    expect((await json<LoginBody>(response)).token).toBeDefined()
  })

  it('answers 212 when the tenant verifies email and the user is unverified', async () => {
    const { application, email, password } = await world({
      tenant: { emailConfiguration: { verifyEmail: true } },
      user: { verified: false },
    })
    expect((await login({ applicationId: application.id, loginId: email, password })).status).toBe(212)
  })

  it('prefers 202 over 212 and 213 over 212', async () => {
    const unregistered = await world({
      tenant: { emailConfiguration: { verifyEmail: true } },
      user: { verified: false },
      registration: null,
    })
    expect(
      (await login({ applicationId: unregistered.application.id, loginId: unregistered.email, password: unregistered.password })).status,
    ).toBe(202)
    const unverified = await world({
      tenant: { emailConfiguration: { verifyEmail: true } },
      user: { verified: false },
      registration: { verified: false },
    })
    expect(
      (await login({ applicationId: unverified.application.id, loginId: unverified.email, password: unverified.password })).status,
    ).toBe(213)
  })
})

describe('POST /api/login: 200, tokens and cookies', () => {
  it('returns the user, a JWT with FusionAuth claims, and HttpOnly SameSite=Lax cookies', async () => {
    const { tenant, application, user, email, password } = await world({
      application: { loginConfiguration: { generateRefreshTokens: true } },
    })
    const before = Math.floor(Date.now() / 1000)
    const response = await SELFlogin('https://login.example.com', { applicationId: application.id, loginId: email, password })
    expect(response.status).toBe(200)
    const body = await json<LoginBody>(response)
    expect(body.user?.id).toBe(user.id)
    expect(JSON.stringify(body.user)).not.toMatch(/"(password|salt|factor|encryptionScheme)"/)
    const token = body.token ?? ''
    expect(headerOf(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' })
    const claims = claimsOf(token)
    expect(claims).toMatchObject({
      aud: application.id,
      iss: 'acme.com',
      sub: user.id,
      authenticationType: 'PASSWORD',
      email,
      email_verified: true,
      preferred_username: user.username,
      applicationId: application.id,
      roles: ['admin', 'user'],
      tid: tenant.id,
      sid: body.refreshTokenId,
    })
    expect(claims.exp).toBe((claims.iat as number) + 3600)
    expect(claims.iat as number).toBeGreaterThanOrEqual(before)
    expect(claims.auth_time).toBe(claims.iat)
    expect(typeof claims.jti).toBe('string')
    expect(body.tokenExpirationInstant).toBe((claims.exp as number) * 1000)
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{54}$/)

    const cookies = response.headers.getSetCookie()
    const access = cookies.find((c) => c.startsWith('access_token='))
    const refresh = cookies.find((c) => c.startsWith('refresh_token='))
    expect(access).toContain(`access_token=${token}`)
    expect(access).toMatch(/HttpOnly/)
    expect(access).toMatch(/SameSite=Lax/)
    expect(access).toMatch(/Secure/)
    expect(access).not.toMatch(/Max-Age/)
    expect(refresh).toMatch(/Max-Age=2592000/)
    expect(refresh).toMatch(/HttpOnly/)
  })

  it('leaves Secure off over plain HTTP', async () => {
    const { application, email, password } = await world()
    const response = await login({ applicationId: application.id, loginId: email, password })
    expect(response.headers.getSetCookie().find((c) => c.startsWith('access_token='))).not.toMatch(/Secure/)
  })

  it('issues no refresh token unless the application generates them', async () => {
    const { application, email, password } = await world()
    const body = await json<LoginBody>(await login({ applicationId: application.id, loginId: email, password }))
    expect(body.refreshToken).toBeUndefined()
    expect(claimsOf(body.token ?? '').sid).toBeUndefined()
  })

  it('omits token, refresh token and cookies with noJWT', async () => {
    const { application, email, password } = await world({ application: { loginConfiguration: { generateRefreshTokens: true } } })
    const response = await login({ applicationId: application.id, loginId: email, password, noJWT: true })
    expect(response.status).toBe(200)
    const body = await json<LoginBody>(response)
    expect(body.token).toBeUndefined()
    expect(body.tokenExpirationInstant).toBeUndefined()
    expect(body.refreshToken).toBeUndefined()
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it('has no aud, applicationId or roles without an application', async () => {
    const { tenant, email, password } = await world()
    const body = await json<LoginBody>(await login({ loginId: email, password }, { tenantId: tenant.id }))
    const claims = claimsOf(body.token ?? '')
    expect(claims.aud).toBeUndefined()
    expect(claims.applicationId).toBeUndefined()
    expect(claims.tid).toBe(tenant.id)
  })

  it('records the login and sets lastLoginInstant on the user and registration', async () => {
    const { application, user, email, password } = await world()
    const now = Date.now() + 5000
    const response = await login({ applicationId: application.id, loginId: email, password, ipAddress: '203.0.113.9' }, { nowMillis: now })
    const body = await json<LoginBody>(response)
    expect(body.user?.lastLoginInstant).toBe(now)
    await eventually(async () => {
      const stored = await new UserStore(env.DB).get(user.id)
      expect(stored?.user.lastLoginInstant).toBe(now)
      expect(stored?.user.registrations?.[0]?.lastLoginInstant).toBe(now)
      const records = await new LoginRecordStore(env.DB).search({ userId: user.id }, { limit: 10, offset: 0, retrieveTotal: true })
      expect(records.logins).toHaveLength(1)
      expect(records.logins[0]).toMatchObject({
        userId: user.id,
        applicationId: application.id,
        loginId: email,
        ipAddress: '203.0.113.9',
        instant: now,
      })
    })
  })

  it("takes the IP from X-Forwarded-For when the body's is absent or not an address", async () => {
    const { application, user, email, password } = await world()
    await login(
      { applicationId: application.id, loginId: email, password, ipAddress: 'undefined' },
      { headers: { 'X-Forwarded-For': '198.51.100.7, 10.0.0.1' } },
    )
    await eventually(async () => {
      const records = await new LoginRecordStore(env.DB).search({ userId: user.id }, { limit: 10, offset: 0, retrieveTotal: false })
      expect(records.logins[0]?.ipAddress).toBe('198.51.100.7')
    })
  })
})

/** POST /api/login over a given origin (to see the Secure attribute on HTTPS). */
function SELFlogin(origin: string, body: unknown): Promise<Response> {
  return SELF.fetch(`${origin}/api/login`, {
    method: 'POST',
    headers: { Authorization: SUPERUSER_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

describe('POST /api/login: the login record names the identity used', () => {
  it('records loginIdType email or username by what the login id matched', async () => {
    const tenant = await createTenant()
    const application = await createApplication(tenant.id)
    const email = uniqueEmail()
    const username = `name-${crypto.randomUUID()}`
    const user = await createUser({
      tenantId: tenant.id,
      email,
      username,
      password: 'pw-pw-pw-pw',
      registrations: [{ applicationId: application.id }],
    })
    await login({ applicationId: application.id, loginId: email.toUpperCase(), password: 'pw-pw-pw-pw' }, { nowMillis: Date.now() + 1 })
    await login({ applicationId: application.id, loginId: username, password: 'pw-pw-pw-pw' }, { nowMillis: Date.now() + 2 })
    await eventually(async () => {
      const { logins } = await new LoginRecordStore(env.DB).search({ userId: user.id }, { limit: 10, offset: 0, retrieveTotal: false })
      expect(logins.map((l) => [l.loginId, l.loginIdType])).toEqual([
        [username, 'username'],
        [email.toUpperCase(), 'email'],
      ])
    })
  })
})
