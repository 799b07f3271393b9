import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { LoginRecordStore } from '../../src/store/login-record-store'
import { UserStore } from '../../src/store/user-store'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { eventually } from '../support/eventually'

async function world(
  options: { tenant?: Record<string, unknown>; user?: Record<string, unknown>; registration?: Record<string, unknown> | null } = {},
) {
  const tenant = await createTenant(options.tenant)
  const application = await createApplication(tenant.id, { loginConfiguration: { requireAuthentication: false } })
  const email = uniqueEmail()
  const user = await createUser({
    tenantId: tenant.id,
    email,
    password: 'correct horse battery',
    overrides: options.user,
    registrations: options.registration === null ? [] : [{ applicationId: application.id, ...options.registration }],
  })
  return { tenant, application, user, email }
}

const ping = (
  userId: string,
  applicationId: string,
  query = '',
  extra: { apiKey?: string | null; tenantId?: string; nowMillis?: number; headers?: Record<string, string> } = {},
) => call(`/api/login/${userId}/${applicationId}${query}`, { method: 'PUT', ...extra })

async function expectBodyless(response: Response, status: number): Promise<void> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toBeNull()
  expect(await response.text()).toBe('')
}

describe('PUT /api/login/{userId}/{applicationId}', () => {
  it('records a PING login and updates lastLoginInstant, answering 200 with no body', async () => {
    const { application, user } = await world()
    const now = Date.now() + 60_000
    await expectBodyless(await ping(user.id, application.id, '?ipAddress=192.0.2.44', { nowMillis: now }), 200)
    await eventually(async () => {
      const records = await new LoginRecordStore(env.DB).search({ userId: user.id }, { limit: 5, offset: 0, retrieveTotal: true })
      expect(records.logins[0]).toMatchObject({ applicationId: application.id, ipAddress: '192.0.2.44', instant: now })
      const stored = await new UserStore(env.DB).get(user.id)
      expect(stored?.user.lastLoginInstant).toBe(now)
      expect(stored?.user.registrations?.[0]?.lastLoginInstant).toBe(now)
    })
  })

  it("treats the official client's ipAddress=undefined as absent", async () => {
    const { application, user } = await world()
    await expectBodyless(
      await ping(user.id, application.id, '?ipAddress=undefined', { headers: { 'X-Forwarded-For': '198.51.100.2' } }),
      200,
    )
    await eventually(async () => {
      const records = await new LoginRecordStore(env.DB).search({ userId: user.id }, { limit: 5, offset: 0, retrieveTotal: false })
      expect(records.logins[0]?.ipAddress).toBe('198.51.100.2')
    })
  })

  it('answers 202 when the user is not registered', async () => {
    const { application, user } = await world({ registration: null })
    await expectBodyless(await ping(user.id, application.id), 202)
  })

  it('puts 212 before 213, unlike POST /api/login', async () => {
    const { application, user } = await world({
      tenant: { emailConfiguration: { verifyEmail: true } },
      user: { verified: false },
      registration: { verified: false },
    })
    await expectBodyless(await ping(user.id, application.id), 212)
    const verifiedEmail = await world({ registration: { verified: false } })
    await expectBodyless(await ping(verifiedEmail.user.id, verifiedEmail.application.id), 213)
  })

  it('answers 404 for an unknown or malformed user id', async () => {
    const { application } = await world()
    await expectEmpty(await ping(crypto.randomUUID(), application.id), 404)
    await expectEmpty(await ping('not-a-uuid', application.id), 404)
  })

  it('answers 400 [invalid]applicationId for an unknown application', async () => {
    const { user } = await world()
    const response = await ping(user.id, crypto.randomUUID())
    expect(response.status).toBe(400)
    expect((await json<{ fieldErrors: Record<string, { code: string }[]> }>(response)).fieldErrors.applicationId?.[0]?.code).toBe(
      '[invalid]applicationId',
    )
  })

  it('answers 401 without or with a wrong API key', async () => {
    const { application, user } = await world()
    await expectEmpty(await ping(user.id, application.id, '', { apiKey: null }), 401)
    await expectEmpty(await ping(user.id, application.id, '', { apiKey: 'nope' }), 401)
  })

  it("hides another tenant's user from a request scoped to a tenant", async () => {
    const { application, user } = await world()
    const other = await createTenant()
    const response = await ping(user.id, application.id, '', { tenantId: other.id })
    expect(response.status).toBe(400)
    const own = await world()
    const otherApplication = await createApplication(other.id)
    await expectEmpty(await ping(own.user.id, otherApplication.id, '', { tenantId: other.id }), 404)
  })
})

describe('PUT /api/login with a JWT', () => {
  async function tokenFor(applicationId: string, email: string): Promise<string> {
    const body = await json<{ token: string }>(
      await call('/api/login', { method: 'POST', body: { applicationId, loginId: email, password: 'correct horse battery' } }),
    )
    return body.token
  }

  it('takes the user and application from the token (Bearer or access_token cookie)', async () => {
    const { application, user, email } = await world()
    const token = await tokenFor(application.id, email)
    await expectBodyless(
      await call('/api/login?ipAddress=192.0.2.9', { method: 'PUT', apiKey: null, headers: { Authorization: `Bearer ${token}` } }),
      200,
    )
    await expectBodyless(await call('/api/login', { method: 'PUT', apiKey: null, headers: { Cookie: `access_token=${token}` } }), 200)
    await eventually(async () => {
      const records = await new LoginRecordStore(env.DB).search({ userId: user.id }, { limit: 5, offset: 0, retrieveTotal: true })
      expect(records.logins.filter((r) => r.ipAddress === '192.0.2.9')).toHaveLength(1)
    })
  })

  it('answers 401 for no token, a malformed token, or a tampered one', async () => {
    const { application, email } = await world()
    const token = await tokenFor(application.id, email)
    const [header, payload, signature] = token.split('.')
    const tampered = `${header}.${payload}x.${signature}`
    for (const authorization of [undefined, 'Bearer nonsense', `Bearer ${tampered}`]) {
      const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization }
      await expectEmpty(await call('/api/login', { method: 'PUT', apiKey: null, headers }), 401)
    }
  })
})

describe('PUT /api/login with an API key and a LoginPingRequest body (loginPingWithRequest)', () => {
  it('records a PING for the body’s user, application and IP', async () => {
    const { application, user } = await world()
    const now = Date.now() + 120_000
    const response = await call('/api/login', {
      method: 'PUT',
      body: { userId: user.id, applicationId: application.id, ipAddress: '192.0.2.77' },
      nowMillis: now,
    })
    await expectBodyless(response, 200)
    await eventually(async () => {
      const records = await new LoginRecordStore(env.DB).search({ userId: user.id }, { limit: 5, offset: 0, retrieveTotal: false })
      expect(records.logins[0]).toMatchObject({ applicationId: application.id, ipAddress: '192.0.2.77', instant: now })
    })
  })

  it('answers bad bodies with 400 Errors JSON and unknown users with 404', async () => {
    const { application } = await world()
    const missing = await call('/api/login', { method: 'PUT', body: { applicationId: application.id } })
    expect(missing.status).toBe(400)
    expect(Object.keys((await json<{ fieldErrors: Record<string, unknown> }>(missing)).fieldErrors)).toEqual(['userId'])
    const wrongType = await call('/api/login', { method: 'PUT', body: { userId: 42 } })
    expect(wrongType.status).toBe(400)
    const malformed = await call('/api/login', { method: 'PUT', rawBody: '{"userId":' })
    expect(malformed.status).toBe(400)
    await expectEmpty(await call('/api/login', { method: 'PUT', body: { userId: crypto.randomUUID() } }), 404)
    const otherApplication = await call('/api/login', {
      method: 'PUT',
      body: { userId: crypto.randomUUID(), applicationId: crypto.randomUUID() },
    })
    expect(otherApplication.status).toBe(400)
  })

  it('refuses a wrong key like a missing one', async () => {
    const { user } = await world()
    await expectEmpty(await call('/api/login', { method: 'PUT', apiKey: 'not-a-key', body: { userId: user.id } }), 401)
  })
})
