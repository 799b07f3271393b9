import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { verifyPassword } from '../../src/domain/password'
import { UserStore } from '../../src/store/user-store'
import { createApplication, createTenant, createUser, TEST_FACTOR, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, fieldCodes, generalCodes } from './admin-fixtures'

interface UserBody {
  user: Record<string, unknown> & {
    id: string
    email?: string
    username?: string
    active: boolean
    verified: boolean
    registrations?: { applicationId: string }[]
  }
}

const create = (tenantId: string, user: Record<string, unknown>, extra: Record<string, unknown> = {}, path = '/api/user') =>
  call(path, { method: 'POST', tenantId, body: { user, ...extra } })

async function created(tenantId: string, user: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<UserBody['user']> {
  const response = await create(tenantId, user, extra)
  expect(response.status).toBe(200)
  return (await json<UserBody>(response)).user
}

describe('POST /api/user', () => {
  it('creates a user, hashes with the tenant scheme and factor, and never returns password fields', async () => {
    const tenant = await createTenant()
    const email = uniqueEmail()
    const user = await created(tenant.id, { email, password: 'correct horse', firstName: 'Ann', data: { a: 1 }, active: false }, {})
    expect(user).toMatchObject({
      email,
      firstName: 'Ann',
      data: { a: 1 },
      tenantId: tenant.id,
      active: true,
      verified: true,
      passwordChangeRequired: false,
    })
    expect(user.registrations).toEqual([])
    for (const secret of ['password', 'salt', 'encryptionScheme', 'factor']) expect(user).not.toHaveProperty(secret)
    expect(typeof user.passwordLastUpdateInstant).toBe('number')
    const stored = await new UserStore(env.DB).get(user.id)
    expect(stored?.password?.scheme).toBe('salted-pbkdf2-hmac-sha256')
    expect(stored?.password?.factor).toBe(TEST_FACTOR)
    expect(await verifyPassword('correct horse', stored!.password!)).toBe(true)
    expect(await verifyPassword('wrong horse', stored!.password!)).toBe(false)
  })

  it('uses the id in the path, and refuses it the second time with [duplicate]userId', async () => {
    const tenant = await createTenant()
    const id = crypto.randomUUID()
    const first = await create(tenant.id, { email: uniqueEmail(), password: 'password1' }, {}, `/api/user/${id}`)
    expect((await json<UserBody>(first)).user.id).toBe(id)
    const second = await create(tenant.id, { email: uniqueEmail(), password: 'password1' }, {}, `/api/user/${id}`)
    expect(await fieldCodes(second)).toContain('[duplicate]userId')
  })

  it('requires an email or username, a password, and a valid email', async () => {
    const tenant = await createTenant()
    expect(await fieldCodes(await create(tenant.id, { firstName: 'x' }))).toEqual(
      expect.arrayContaining(['[blank]user.email', '[blank]user.username', '[blank]user.password']),
    )
    expect(await fieldCodes(await create(tenant.id, { email: 'not-an-email', password: 'password1' }))).toEqual(['[notEmail]user.email'])
    expect(await fieldCodes(await create(tenant.id, { username: `u-${crypto.randomUUID()}` }))).toEqual(['[blank]user.password'])
    const noPassword = await create(tenant.id, { username: `u-${crypto.randomUUID()}` }, { sendSetPasswordEmail: true })
    expect(noPassword.status).toBe(200)
  })

  it('applies the tenant password length rules', async () => {
    const tenant = await createTenant({ passwordValidationRules: { minLength: 10, maxLength: 12, requireNumber: true } })
    expect(await fieldCodes(await create(tenant.id, { email: uniqueEmail(), password: 'short1' }))).toEqual(['[tooShort]user.password'])
    expect(await fieldCodes(await create(tenant.id, { email: uniqueEmail(), password: 'much-too-long-1' }))).toEqual([
      '[tooLong]user.password',
    ])
    expect(await fieldCodes(await create(tenant.id, { email: uniqueEmail(), password: 'no-numbers!' }))).toEqual([
      '[requireNumber]user.password',
    ])
  })

  it('refuses duplicate emails and usernames case-insensitively, within one tenant only', async () => {
    const tenant = await createTenant()
    const other = await createTenant()
    const email = uniqueEmail('Mixed')
    const username = `User-${crypto.randomUUID()}`
    await created(tenant.id, { email, username, password: 'password1' })
    const again = await create(tenant.id, { email: email.toUpperCase(), username: username.toLowerCase(), password: 'password1' })
    expect(await fieldCodes(again)).toEqual(expect.arrayContaining(['[duplicate]user.email', '[duplicate]user.username']))
    await created(other.id, { email, username, password: 'password1' })
  })

  it('leaves users unverified when the tenant verifies email, unless skipVerification', async () => {
    const tenant = await createTenant({ emailConfiguration: { verifyEmail: true } })
    expect((await created(tenant.id, { email: uniqueEmail(), password: 'password1' })).verified).toBe(false)
    expect((await created(tenant.id, { email: uniqueEmail(), password: 'password1' }, { skipVerification: true })).verified).toBe(true)
  })

  it('answers malformed JSON, a missing body, wrong types and a missing user with 400', async () => {
    const tenant = await createTenant()
    expect(await generalCodes(await call('/api/user', { method: 'POST', tenantId: tenant.id, rawBody: '{"user": ' }))).toEqual([
      '[invalid]',
    ])
    expect(await generalCodes(await call('/api/user', { method: 'POST', tenantId: tenant.id }))).toEqual(['[missing]'])
    expect(await fieldCodes(await create(tenant.id, { email: 42, password: true, data: 'x', expiry: 'soon' }))).toEqual(
      expect.arrayContaining(['[invalid]user.email', '[invalid]user.password', '[invalid]user.data', '[invalid]user.expiry']),
    )
    expect(await fieldCodes(await call('/api/user', { method: 'POST', tenantId: tenant.id, body: {} }))).toContain('[missing]user')
    expect(await generalCodes(await call('/api/user', { method: 'POST', tenantId: tenant.id, body: [1] }))).toContain('[invalid]')
    expect(await fieldCodes(await create(tenant.id, { email: uniqueEmail(), password: 'password1', encryptionScheme: 'rot13' }))).toEqual([
      '[invalid]user.encryptionScheme',
    ])
    expect(await fieldCodes(await create(tenant.id, { email: uniqueEmail(), password: 'password1', factor: 200_000 }))).toEqual([
      '[invalid]user.factor',
    ])
  })

  it('answers 401 with no body without a valid API key', async () => {
    await expectEmpty(
      await call('/api/user', { method: 'POST', apiKey: null, body: { user: { email: uniqueEmail(), password: 'password1' } } }),
      401,
    )
    await expectEmpty(
      await call('/api/user', { method: 'POST', apiKey: 'wrong', body: { user: { email: uniqueEmail(), password: 'password1' } } }),
      401,
    )
  })
})

describe('GET /api/user', () => {
  it('retrieves by id, email, username and loginId (case-insensitively), with registrations', async () => {
    const tenant = await createTenant()
    const application = await createApplication(tenant.id)
    const email = uniqueEmail('Find')
    const username = `Finder-${crypto.randomUUID()}`
    const user = await createUser({
      tenantId: tenant.id,
      email,
      username,
      password: 'password1',
      registrations: [{ applicationId: application.id }],
    })
    for (const path of [
      `/api/user/${user.id}`,
      `/api/user/${user.id.toUpperCase()}`,
      `/api/user?email=${encodeURIComponent(email.toUpperCase())}`,
      `/api/user?username=${encodeURIComponent(username.toLowerCase())}`,
      `/api/user?loginId=${encodeURIComponent(email)}`,
      `/api/user?loginId=${encodeURIComponent(username)}&loginIdTypes=username`,
    ]) {
      const response = await call(path, { tenantId: tenant.id })
      expect(response.status, path).toBe(200)
      const body = await json<UserBody>(response)
      expect(body.user.id).toBe(user.id)
      expect(body.user.email).toBe(email)
      expect(body.user.registrations?.map((r) => r.applicationId)).toEqual([application.id])
      expect(body.user).not.toHaveProperty('password')
    }
    await expectEmpty(await call(`/api/user?loginId=${encodeURIComponent(username)}&loginIdTypes=email`, { tenantId: tenant.id }), 404)
    await expectEmpty(await call(`/api/user?email=${encodeURIComponent(` ${email}`)}`, { tenantId: tenant.id }), 404)
  })

  it('answers 404 with no body for unknown ids, non-UUID ids and other tenants', async () => {
    const tenant = await createTenant()
    const other = await createTenant()
    const email = uniqueEmail()
    const user = await createUser({ tenantId: tenant.id, email, password: 'password1' })
    await expectEmpty(await call(`/api/user/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call('/api/user/not-a-uuid'), 404)
    await expectEmpty(await call(`/api/user/${user.id}`, { tenantId: other.id }), 404)
    await expectEmpty(await call(`/api/user?email=${encodeURIComponent(email)}`, { tenantId: other.id }), 404)
    await expectEmpty(await call(`/api/user/${user.id}`, { apiKey: null }), 401)
  })

  it("hides, and refuses changes to, another tenant's user for a tenant-locked key", async () => {
    const tenantA = await createTenant()
    const tenantB = await createTenant()
    const { key } = await createApiKey({ tenantId: tenantA.id })
    const userB = await createUser({ tenantId: tenantB.id, email: uniqueEmail(), password: 'password1' })
    await expectEmpty(await call(`/api/user/${userB.id}`, { apiKey: key }), 404)
    await expectEmpty(await call(`/api/user/${userB.id}`, { apiKey: key, method: 'PUT', body: { user: { email: uniqueEmail() } } }), 404)
    await expectEmpty(await call(`/api/user/${userB.id}`, { apiKey: key, method: 'PATCH', body: { user: { firstName: 'x' } } }), 404)
    await expectEmpty(await call(`/api/user/${userB.id}?hardDelete=true`, { apiKey: key, method: 'DELETE' }), 404)
    await expectEmpty(await call(`/api/user/${userB.id}`, { apiKey: key, tenantId: tenantB.id }), 401)
    expect((await new UserStore(env.DB).get(userB.id))?.user.active).toBe(true)
    const ownEmail = uniqueEmail()
    const own = await call('/api/user', { apiKey: key, body: { user: { email: ownEmail, password: 'password1' } } })
    expect((await json<UserBody>(own)).user.tenantId).toBe(tenantA.id)
  })
})

describe('PUT, PATCH and DELETE /api/user/{id}', () => {
  it('PUT replaces the profile, keeps the password unless given, and re-hashes when given', async () => {
    const tenant = await createTenant()
    const user = await created(tenant.id, { email: uniqueEmail(), password: 'password1', firstName: 'Ann', lastName: 'Lee' })
    const before = (await new UserStore(env.DB).get(user.id))!.password!
    const newEmail = uniqueEmail()
    const put = await call(`/api/user/${user.id}`, {
      method: 'PUT',
      tenantId: tenant.id,
      body: { user: { email: newEmail, firstName: 'Bea', active: false } },
      nowMillis: 2_000_000_000_000,
    })
    const body = (await json<UserBody>(put)).user
    expect(body).toMatchObject({
      email: newEmail,
      firstName: 'Bea',
      active: true,
      insertInstant: user.insertInstant,
      lastUpdateInstant: 2_000_000_000_000,
    })
    expect(body).not.toHaveProperty('lastName')
    expect((await new UserStore(env.DB).get(user.id))!.password).toEqual(before)

    const rehashed = await call(`/api/user/${user.id}`, {
      method: 'PUT',
      tenantId: tenant.id,
      body: { user: { email: newEmail, password: 'password2' } },
      nowMillis: 2_000_000_000_001,
    })
    expect((await json<UserBody>(rehashed)).user.passwordLastUpdateInstant).toBe(2_000_000_000_001)
    const after = (await new UserStore(env.DB).get(user.id))!.password!
    expect(await verifyPassword('password2', after)).toBe(true)
    expect(await verifyPassword('password1', after)).toBe(false)
  })

  it('PUT validates like create: blank identity, bad email, duplicates, short passwords', async () => {
    const tenant = await createTenant()
    const taken = uniqueEmail()
    await created(tenant.id, { email: taken, password: 'password1' })
    const user = await created(tenant.id, { email: uniqueEmail(), password: 'password1' })
    const put = (u: Record<string, unknown>) => call(`/api/user/${user.id}`, { method: 'PUT', tenantId: tenant.id, body: { user: u } })
    expect(await fieldCodes(await put({ firstName: 'x' }))).toEqual(expect.arrayContaining(['[blank]user.email', '[blank]user.username']))
    expect(await fieldCodes(await put({ email: 'nope' }))).toEqual(['[notEmail]user.email'])
    expect(await fieldCodes(await put({ email: taken.toUpperCase() }))).toEqual(['[duplicate]user.email'])
    expect(await fieldCodes(await put({ email: user.email, password: 'x' }))).toEqual(['[tooShort]user.password'])
    expect(await generalCodes(await call(`/api/user/${user.id}`, { method: 'PUT', tenantId: tenant.id }))).toEqual(['[missing]'])
    expect(await generalCodes(await call(`/api/user/${user.id}`, { method: 'PUT', tenantId: tenant.id, rawBody: '{' }))).toEqual([
      '[invalid]',
    ])
    await expectEmpty(await call(`/api/user/${crypto.randomUUID()}`, { method: 'PUT', body: { user: { email: uniqueEmail() } } }), 404)
  })

  it('PATCH merges (null removes) and validates the result', async () => {
    const tenant = await createTenant()
    const user = await created(tenant.id, {
      email: uniqueEmail(),
      password: 'password1',
      firstName: 'Ann',
      lastName: 'Lee',
      data: { keep: 1, drop: 2 },
    })
    const patch = await call(`/api/user/${user.id}`, {
      method: 'PATCH',
      tenantId: tenant.id,
      body: { user: { firstName: 'Bea', lastName: null, data: { drop: null, add: 3 } } },
    })
    const body = (await json<UserBody>(patch)).user
    expect(body).toMatchObject({ email: user.email, firstName: 'Bea', data: { keep: 1, add: 3 } })
    expect(body).not.toHaveProperty('lastName')
    expect(
      await fieldCodes(await call(`/api/user/${user.id}`, { method: 'PATCH', tenantId: tenant.id, body: { user: { email: null } } })),
    ).toContain('[blank]user.email')
    expect(
      await fieldCodes(await call(`/api/user/${user.id}`, { method: 'PATCH', tenantId: tenant.id, body: { user: { expiry: 'never' } } })),
    ).toEqual(['[invalid]user.expiry'])
  })

  it('DELETE deactivates, PUT ?reactivate=true reactivates, DELETE ?hardDelete=true removes', async () => {
    const tenant = await createTenant()
    const user = await created(tenant.id, { email: uniqueEmail(), password: 'password1' })
    const deleted = await call(`/api/user/${user.id}`, { method: 'DELETE', tenantId: tenant.id })
    expect(deleted.status).toBe(200)
    expect(await deleted.text()).toBe('')
    expect(deleted.headers.get('content-type') ?? '').not.toContain('json')
    expect((await new UserStore(env.DB).get(user.id))?.user.active).toBe(false)
    const reactivated = await call(`/api/user/${user.id}?reactivate=true`, { method: 'PUT', tenantId: tenant.id })
    expect((await json<UserBody>(reactivated)).user.active).toBe(true)
    expect((await call(`/api/user/${user.id}?hardDelete=true`, { method: 'DELETE', tenantId: tenant.id })).status).toBe(200)
    await expectEmpty(await call(`/api/user/${user.id}`), 404)
    await expectEmpty(await call(`/api/user/${user.id}`, { method: 'DELETE' }), 404)
    await expectEmpty(await call(`/api/user/${user.id}`, { method: 'DELETE', apiKey: null }), 401)
  })
})
