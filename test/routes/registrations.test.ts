import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { verifyPassword } from '../../src/domain/password'
import { UserStore } from '../../src/store/user-store'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, fieldCodes, generalCodes } from './admin-fixtures'
import { eventually } from '../support/eventually'

interface RegistrationBody {
  registration: {
    id: string
    applicationId: string
    roles: string[]
    verified: boolean
    data?: Record<string, unknown>
    username?: string
    insertInstant: number
  }
  user?: { id: string; email?: string; tenantId: string; registrations?: { applicationId: string }[] }
}

const ROLES = [
  { id: crypto.randomUUID(), name: 'admin', isDefault: false, isSuperRole: true },
  { id: crypto.randomUUID(), name: 'user', isDefault: true, isSuperRole: false },
]

async function world(application: Record<string, unknown> = {}) {
  const tenant = await createTenant()
  const app = await createApplication(tenant.id, { roles: ROLES, ...application })
  const user = await createUser({ tenantId: tenant.id, email: uniqueEmail(), password: 'password1' })
  return { tenant, app, user }
}

const register = (userId: string | null, body: unknown, extra: { tenantId?: string; apiKey?: string | null } = {}) =>
  call(userId === null ? '/api/user/registration' : `/api/user/registration/${userId}`, { method: 'POST', body, ...extra })

describe('POST /api/user/registration/{userId}', () => {
  it('registers an existing user with default roles when none are given, and answers {registration, user}', async () => {
    const { app, user } = await world()
    const response = await register(user.id, { registration: { applicationId: app.id, data: { a: 1 }, username: 'nick' } })
    expect(response.status).toBe(200)
    const body = await json<RegistrationBody>(response)
    expect(body.registration).toMatchObject({ applicationId: app.id, roles: ['user'], verified: true, data: { a: 1 }, username: 'nick' })
    expect(body.user?.registrations?.map((r) => r.applicationId)).toEqual([app.id])
    const stored = await new UserStore(env.DB).getRegistration(user.id, app.id)
    expect(stored?.id).toBe(body.registration.id)
  })

  it('keeps the given roles, checks them against the application, and refuses a second registration', async () => {
    const { app, user } = await world()
    const ok = await register(user.id, { registration: { applicationId: app.id, roles: ['admin', 'admin'] } })
    expect((await json<RegistrationBody>(ok)).registration.roles).toEqual(['admin'])
    expect(await fieldCodes(await register(user.id, { registration: { applicationId: app.id } }))).toEqual(['[duplicate]registration'])
    const other = await createApplication(user.tenantId, { roles: ROLES })
    expect(await fieldCodes(await register(user.id, { registration: { applicationId: other.id, roles: ['nope'] } }))).toEqual([
      '[invalid]registration.roles',
    ])
  })

  it('leaves the registration unverified when the application verifies registrations, unless skipped', async () => {
    const { app, user } = await world({ verifyRegistration: true })
    const body = await json<RegistrationBody>(await register(user.id, { registration: { applicationId: app.id } }))
    expect(body.registration.verified).toBe(false)
    const second = await createApplication(user.tenantId, { verifyRegistration: true })
    const skipped = await json<RegistrationBody>(
      await register(user.id, { registration: { applicationId: second.id }, skipRegistrationVerification: true }),
    )
    expect(skipped.registration.verified).toBe(true)
  })

  it('refuses unknown applications and applications of another tenant with [invalid]registration.applicationId', async () => {
    const { user } = await world()
    const otherTenant = await createTenant()
    const foreign = await createApplication(otherTenant.id)
    expect(await fieldCodes(await register(user.id, { registration: { applicationId: crypto.randomUUID() } }))).toEqual([
      '[invalid]registration.applicationId',
    ])
    expect(await fieldCodes(await register(user.id, { registration: { applicationId: foreign.id } }))).toEqual([
      '[invalid]registration.applicationId',
    ])
    expect(await fieldCodes(await register(user.id, { registration: {} }))).toEqual(['[blank]registration.applicationId'])
    expect(await fieldCodes(await register(user.id, { registration: { applicationId: 'nope', roles: 'admin', data: 3 } }))).toEqual(
      expect.arrayContaining(['[invalid]registration.applicationId', '[invalid]registration.roles', '[invalid]registration.data']),
    )
    expect(await fieldCodes(await register(user.id, {}))).toContain('[missing]registration')
  })

  it('answers malformed JSON, missing bodies, unknown users and missing keys without 500', async () => {
    const { app, user } = await world()
    expect(await generalCodes(await call(`/api/user/registration/${user.id}`, { method: 'POST', rawBody: '{"registration":' }))).toEqual([
      '[invalid]',
    ])
    expect(await generalCodes(await call(`/api/user/registration/${user.id}`, { method: 'POST' }))).toEqual(['[missing]'])
    await expectEmpty(await register(crypto.randomUUID(), { registration: { applicationId: app.id } }), 404)
    await expectEmpty(await register(user.id, { registration: { applicationId: app.id } }, { apiKey: null }), 401)
    await expectEmpty(await register(user.id, { registration: { applicationId: app.id } }, { apiKey: 'wrong' }), 401)
  })
})

describe('POST /api/user/registration (user and registration together)', () => {
  it('creates both, the tenant taken from the application', async () => {
    const { tenant, app } = await world()
    const email = uniqueEmail()
    const response = await register(null, {
      user: { email, password: 'password1' },
      registration: { applicationId: app.id, roles: ['admin'] },
    })
    expect(response.status).toBe(200)
    const body = await json<RegistrationBody>(response)
    expect(body.user).toMatchObject({ email, tenantId: tenant.id })
    expect(body.user).not.toHaveProperty('password')
    expect(body.registration.roles).toEqual(['admin'])
    const stored = await new UserStore(env.DB).get(body.user!.id)
    expect(stored?.user.registrations?.map((r) => r.applicationId)).toEqual([app.id])
    expect(await verifyPassword('password1', stored!.password!)).toBe(true)
  })

  it('uses a path id for a user that does not exist yet', async () => {
    const { app } = await world()
    const id = crypto.randomUUID()
    const response = await register(id, { user: { email: uniqueEmail(), password: 'password1' }, registration: { applicationId: app.id } })
    expect((await json<RegistrationBody>(response)).user?.id).toBe(id)
  })

  it('reports user and registration errors together and writes nothing', async () => {
    const { app, user } = await world()
    const response = await register(null, {
      user: { email: user.email, password: 'x' },
      registration: { applicationId: app.id, roles: ['ghost'] },
    })
    expect(await fieldCodes(response)).toEqual(
      expect.arrayContaining(['[duplicate]user.email', '[tooShort]user.password', '[invalid]registration.roles']),
    )
    expect(await fieldCodes(await register(null, { registration: { applicationId: app.id } }))).toContain('[missing]user')
  })
})

describe('GET, PUT, PATCH, DELETE /api/user/registration/{userId}/{applicationId}', () => {
  async function registered() {
    const w = await world()
    const response = await register(w.user.id, {
      registration: { applicationId: w.app.id, roles: ['user'], data: { a: 1, b: 2 }, username: 'nick' },
    })
    return { ...w, registration: (await json<RegistrationBody>(response)).registration }
  }

  it('retrieves a registration, 404 for unknown users, applications and other tenants', async () => {
    const { tenant, app, user, registration } = await registered()
    const got = await json<RegistrationBody>(await call(`/api/user/registration/${user.id}/${app.id}`, { tenantId: tenant.id }))
    expect(got.registration).toEqual(registration)
    await expectEmpty(await call(`/api/user/registration/${user.id}/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call(`/api/user/registration/${crypto.randomUUID()}/${app.id}`), 404)
    const other = await createTenant()
    const { key } = await createApiKey({ tenantId: other.id })
    await expectEmpty(await call(`/api/user/registration/${user.id}/${app.id}`, { apiKey: key }), 404)
    await expectEmpty(await call(`/api/user/registration/${user.id}/${app.id}`, { apiKey: key, method: 'DELETE' }), 404)
    await expectEmpty(
      await call(`/api/user/registration/${user.id}/${app.id}`, { apiKey: key, method: 'PUT', body: { registration: { roles: [] } } }),
      404,
    )
    await expectEmpty(await call(`/api/user/registration/${user.id}/${app.id}`, { apiKey: null }), 401)
  })

  it('PUT replaces roles and data, keeping id and insertInstant; PATCH merges', async () => {
    const { app, user, registration } = await registered()
    const put = await call(`/api/user/registration/${user.id}/${app.id}`, {
      method: 'PUT',
      body: { registration: { roles: ['admin'], data: { c: 3 } } },
    })
    const replaced = (await json<RegistrationBody>(put)).registration
    expect(replaced).toMatchObject({
      id: registration.id,
      insertInstant: registration.insertInstant,
      roles: ['admin'],
      data: { c: 3 },
      verified: true,
    })
    expect(replaced).not.toHaveProperty('username')
    const patch = await call(`/api/user/registration/${user.id}/${app.id}`, {
      method: 'PATCH',
      body: { registration: { data: { c: null, d: 4 }, username: 'new' } },
    })
    expect((await json<RegistrationBody>(patch)).registration).toMatchObject({ roles: ['admin'], data: { d: 4 }, username: 'new' })
    const byBody = await call(`/api/user/registration/${user.id}`, {
      method: 'PUT',
      body: { registration: { applicationId: app.id, roles: ['user'] } },
    })
    expect((await json<RegistrationBody>(byBody)).registration.roles).toEqual(['user'])
    expect((await new UserStore(env.DB).getRegistration(user.id, app.id))?.roles).toEqual(['user'])
  })

  it('PUT validates roles and bodies, 404 for a missing registration', async () => {
    const { app, user } = await registered()
    const path = `/api/user/registration/${user.id}/${app.id}`
    expect(await fieldCodes(await call(path, { method: 'PUT', body: { registration: { roles: ['ghost'] } } }))).toEqual([
      '[invalid]registration.roles',
    ])
    expect(await fieldCodes(await call(path, { method: 'PUT', body: { registration: { roles: 'admin' } } }))).toEqual([
      '[invalid]registration.roles',
    ])
    expect(await generalCodes(await call(path, { method: 'PUT', rawBody: '[' }))).toEqual(['[invalid]'])
    expect(await generalCodes(await call(path, { method: 'PUT' }))).toEqual(['[missing]'])
    expect(await fieldCodes(await call(`/api/user/registration/${user.id}`, { method: 'PUT', body: { registration: {} } }))).toEqual([
      '[blank]registration.applicationId',
    ])
    const unregistered = await createApplication(user.tenantId)
    await expectEmpty(
      await call(`/api/user/registration/${user.id}/${unregistered.id}`, { method: 'PUT', body: { registration: { roles: [] } } }),
      404,
    )
  })

  it('DELETE removes the registration (200, no body), then 404', async () => {
    const { app, user } = await registered()
    const path = `/api/user/registration/${user.id}/${app.id}`
    const deleted = await call(path, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect(await deleted.text()).toBe('')
    await expectEmpty(await call(path), 404)
    await expectEmpty(await call(path, { method: 'DELETE' }), 404)
  })
})

describe('POST /api/user/registration creating the user with a password (a login, as FusionAuth answers it)', () => {
  interface LoginLikeBody extends RegistrationBody {
    token?: string
    tokenExpirationInstant?: number
    refreshToken?: string
    refreshTokenId?: string
  }

  it('answers with an access token carrying the roles, a refresh token, their cookies, and records a REGISTRATION login', async () => {
    const { tenant, app } = await world({
      loginConfiguration: { requireAuthentication: true, generateRefreshTokens: true, allowTokenRefresh: true },
    })
    const email = uniqueEmail()
    const response = await register(
      null,
      { user: { email, password: 'password-1' }, registration: { applicationId: app.id, roles: ['admin'] } },
      { tenantId: tenant.id },
    )
    expect(response.status).toBe(200)
    const body = await json<LoginLikeBody>(response)
    expect(Object.keys(body)).toEqual(['refreshToken', 'refreshTokenId', 'registration', 'token', 'tokenExpirationInstant', 'user'])
    const claims = JSON.parse(atob((body.token ?? '').split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')) as Record<
      string,
      unknown
    >
    expect(claims).toMatchObject({
      sub: body.user?.id,
      applicationId: app.id,
      roles: ['admin'],
      authenticationType: 'REGISTRATION',
      tid: tenant.id,
    })
    const cookies = response.headers.getSetCookie().map((c) => c.split('=')[0])
    expect(cookies).toEqual(['access_token', 'refresh_token'])
    const refreshed = await call('/api/jwt/refresh', { body: { refreshToken: body.refreshToken }, apiKey: null })
    expect(refreshed.status).toBe(200)
    await eventually(async () => {
      const row = await env.DB.prepare(
        'SELECT authentication_type, login_id, application_id FROM login_records WHERE user_id = ? ORDER BY instant LIMIT 1',
      )
        .bind(body.user?.id)
        .first()
      expect(row).toEqual({ authentication_type: 'REGISTRATION', login_id: email, application_id: app.id })
    })
  })

  it('issues no refresh token when the application issues none, and no token for a user created without a password or registered later', async () => {
    const { tenant, app, user } = await world({ loginConfiguration: { requireAuthentication: true, generateRefreshTokens: false } })
    const plain = await json<LoginLikeBody>(
      await register(
        null,
        { user: { email: uniqueEmail(), password: 'password-1' }, registration: { applicationId: app.id } },
        { tenantId: tenant.id },
      ),
    )
    expect(plain.token).toEqual(expect.any(String))
    expect(plain.refreshToken).toBeUndefined()

    const noPassword = await json<LoginLikeBody>(
      await register(
        null,
        { user: { email: uniqueEmail() }, sendSetPasswordEmail: true, registration: { applicationId: app.id } },
        { tenantId: tenant.id },
      ),
    )
    expect(noPassword.token).toBeUndefined()
    const existing = await json<LoginLikeBody>(await register(user.id, { registration: { applicationId: app.id } }))
    expect(existing.token).toBeUndefined()
  })

  it('creates nothing, and records no login, when the registration is refused', async () => {
    const { tenant, app } = await world()
    const email = uniqueEmail()
    const refused = await register(
      null,
      { user: { email, password: 'password-1' }, registration: { applicationId: app.id, roles: ['nope'] } },
      { tenantId: tenant.id },
    )
    expect(refused.status).toBe(400)
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE email_key = ?').bind(email.toLowerCase()).first('n')).toBe(0)
  })
})
