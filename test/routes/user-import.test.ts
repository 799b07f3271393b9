import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { verifyPassword } from '../../src/domain/password'
import { UserStore } from '../../src/store/user-store'
import { createApplication, createTenant, createUser, TEST_FACTOR, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, fieldCodes, generalCodes } from './admin-fixtures'

/** PBKDF2-HMAC-SHA256 known answer (fusionauth-contrib test vector; first 32 bytes of its 512-bit output). */
const PBKDF2 = {
  password: 'password',
  salt: 'jVqbuA9k2Mlo37OWXBMKLw==',
  factor: 27500,
  hash: 'LjFqvhPuUHJdQvWIwVQfqxjeujAWqG/DVQRFoOv62/c=',
}

const hashed = (extra: Record<string, unknown> = {}) => ({
  email: uniqueEmail('import'),
  password: PBKDF2.hash,
  salt: PBKDF2.salt,
  factor: PBKDF2.factor,
  encryptionScheme: 'salted-pbkdf2-hmac-sha256',
  ...extra,
})

const importUsers = (body: unknown, extra: { tenantId?: string; apiKey?: string | null } = {}) =>
  call('/api/user/import', { method: 'POST', body, ...extra })

const stored = async (tenantId: string, email: string) => new UserStore(env.DB).findByLoginId(tenantId, email)

describe('POST /api/user/import', () => {
  it('stores existing hashes exactly as given, so they verify unchanged; answers 200 with no body', async () => {
    const tenant = await createTenant()
    const user = hashed({
      firstName: 'Imp',
      passwordLastUpdateInstant: 1_600_000_000_000,
      insertInstant: 1_500_000_000_000,
      verified: true,
    })
    const response = await importUsers({ users: [user] }, { tenantId: tenant.id })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
    expect(response.headers.get('content-type') ?? '').not.toContain('json')
    const record = await stored(tenant.id, user.email)
    expect(record?.password).toEqual({ scheme: 'salted-pbkdf2-hmac-sha256', hash: PBKDF2.hash, salt: PBKDF2.salt, factor: PBKDF2.factor })
    expect(await verifyPassword(PBKDF2.password, record!.password!)).toBe(true)
    expect(await verifyPassword('Password', record!.password!)).toBe(false)
    expect(record?.user).toMatchObject({
      firstName: 'Imp',
      active: true,
      verified: true,
      passwordLastUpdateInstant: 1_600_000_000_000,
      insertInstant: 1_500_000_000_000,
    })
    expect(record?.user).not.toHaveProperty('password')
    expect(record?.user).not.toHaveProperty('salt')
  })

  it('splits a whole bcrypt string, and hashes plaintext passwords with the tenant settings', async () => {
    const tenant = await createTenant()
    const bcryptEmail = uniqueEmail('bcrypt')
    const plainEmail = uniqueEmail('plain')
    const response = await importUsers(
      {
        users: [
          { email: bcryptEmail, encryptionScheme: 'bcrypt', password: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy' },
          { email: plainEmail, password: 'plain password' },
        ],
      },
      { tenantId: tenant.id },
    )
    expect(response.status).toBe(200)
    expect((await stored(tenant.id, bcryptEmail))?.password).toEqual({
      scheme: 'bcrypt',
      factor: 10,
      salt: 'N9qo8uLOickgx2ZMRZoMye',
      hash: 'IjZAgcfl7p92ldGxad68LJZdL17lhWy',
    })
    const plain = (await stored(tenant.id, plainEmail))!.password!
    expect(plain.scheme).toBe('salted-pbkdf2-hmac-sha256')
    expect(plain.factor).toBe(TEST_FACTOR)
    expect(plain.hash).not.toBe('plain password')
    expect(await verifyPassword('plain password', plain)).toBe(true)
  })

  it('imports 250 users with registrations in one request', async () => {
    const tenant = await createTenant()
    const application = await createApplication(tenant.id, {
      roles: [{ id: crypto.randomUUID(), name: 'member', isDefault: false, isSuperRole: false }],
    })
    const users = Array.from({ length: 250 }, () =>
      hashed({ registrations: [{ applicationId: application.id, roles: ['member'], verified: true }] }),
    )
    const response = await importUsers({ users }, { tenantId: tenant.id })
    expect(response.status).toBe(200)
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE tenant_id = ?').bind(tenant.id).first<{ n: number }>()
    expect(count?.n).toBe(250)
    const registrations = await env.DB.prepare('SELECT COUNT(*) AS n FROM registrations WHERE application_id = ?')
      .bind(application.id)
      .first<{ n: number }>()
    expect(registrations?.n).toBe(250)
    const last = await stored(tenant.id, users[249]!.email)
    expect(last?.user.registrations?.[0]).toMatchObject({ applicationId: application.id, roles: ['member'], verified: true })
    expect(await verifyPassword(PBKDF2.password, last!.password!)).toBe(true)
  })

  it('refuses factors Workers cannot run, unknown schemes, bad salts and missing salts', async () => {
    const tenant = await createTenant()
    const codes = await fieldCodes(
      await importUsers(
        {
          users: [
            hashed({ factor: 100_001 }),
            hashed({ encryptionScheme: 'phpass-md5' }),
            hashed({ salt: '!!not base64!!' }),
            hashed({ salt: undefined }),
            hashed({ encryptionScheme: 'bcrypt', salt: 'short', password: 'short' }),
          ],
        },
        { tenantId: tenant.id },
      ),
    )
    expect(codes).toEqual(
      expect.arrayContaining([
        '[invalid]users[0].factor',
        '[invalid]users[1].encryptionScheme',
        '[invalid]users[2].salt',
        '[blank]users[3].salt',
        '[invalid]users[4].salt',
        '[invalid]users[4].password',
      ]),
    )
    expect(
      await fieldCodes(await importUsers({ users: [{ email: uniqueEmail(), password: 'p' }], factor: 200_000 }, { tenantId: tenant.id })),
    ).toEqual(['[invalid]factor'])
    expect(
      await fieldCodes(
        await importUsers({ users: [{ email: uniqueEmail(), password: 'p' }], encryptionScheme: 'md4' }, { tenantId: tenant.id }),
      ),
    ).toEqual(['[invalid]encryptionScheme'])
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE tenant_id = ?').bind(tenant.id).first<{ n: number }>()
    expect(count?.n).toBe(0)
  })

  it('reports duplicates inside the request, in the database with validateDbConstraints, and maps a unique failure to 400', async () => {
    const tenant = await createTenant()
    const existing = await createUser({
      tenantId: tenant.id,
      email: uniqueEmail('Taken'),
      username: `taken-${crypto.randomUUID()}`,
      password: 'password1',
    })
    const same = uniqueEmail()
    expect(
      await fieldCodes(
        await importUsers({ users: [hashed({ email: same }), hashed({ email: same.toUpperCase() })] }, { tenantId: tenant.id }),
      ),
    ).toEqual(['[duplicate]users[1].email'])

    const clashing = [
      hashed(),
      hashed({ email: existing.email!.toUpperCase() }),
      hashed({ id: existing.id }),
      hashed({ username: existing.username }),
    ]
    expect(await fieldCodes(await importUsers({ users: clashing, validateDbConstraints: true }, { tenantId: tenant.id }))).toEqual(
      expect.arrayContaining(['[duplicate]users[1].email', '[duplicate]users[2].id', '[duplicate]users[3].username']),
    )
    // Without validateDbConstraints the unique index refuses the batch: 400, never 500, and nothing is imported.
    expect(await generalCodes(await importUsers({ users: clashing }, { tenantId: tenant.id }))).toEqual(['[duplicate]'])
    expect(await stored(tenant.id, clashing[0]!.email)).toBeNull()
  })

  it('validates the request shape and registrations', async () => {
    const tenant = await createTenant()
    const foreign = await createApplication((await createTenant()).id)
    const post = (body: unknown) => importUsers(body, { tenantId: tenant.id })
    expect(await generalCodes(await call('/api/user/import', { method: 'POST', tenantId: tenant.id, rawBody: '{"users": [' }))).toEqual([
      '[invalid]',
    ])
    expect(await generalCodes(await call('/api/user/import', { method: 'POST', tenantId: tenant.id }))).toEqual(['[missing]'])
    expect(await fieldCodes(await post({}))).toEqual(['[missing]users'])
    expect(await fieldCodes(await post({ users: {} }))).toEqual(['[invalid]users'])
    expect(await fieldCodes(await post({ users: [] }))).toEqual(['[blank]users'])
    expect(await fieldCodes(await post({ users: [7] }))).toEqual(['[invalid]users[0]'])
    expect(await fieldCodes(await post({ users: [{ password: 'x' }] }))).toEqual(
      expect.arrayContaining(['[blank]users[0].email', '[blank]users[0].username']),
    )
    expect(await fieldCodes(await post({ users: [hashed({ email: 'bad', active: 'yes' })] }))).toEqual(
      expect.arrayContaining(['[notEmail]users[0].email', '[invalid]users[0].active']),
    )
    expect(await fieldCodes(await post({ users: [hashed({ registrations: [{ applicationId: foreign.id }, {}] })] }))).toEqual(
      expect.arrayContaining(['[invalid]users[0].registrations[0].applicationId', '[blank]users[0].registrations[1].applicationId']),
    )
    expect(
      await fieldCodes(await post({ users: Array.from({ length: 101 }, () => ({ email: uniqueEmail(), password: 'plain' })) })),
    ).toEqual(['[tooMany]users'])
  })

  it("imports into the key's tenant, whatever users[x].tenantId says; 401 without a key", async () => {
    const tenantA = await createTenant()
    const tenantB = await createTenant()
    const { key } = await createApiKey({ tenantId: tenantA.id })
    const user = hashed({ tenantId: tenantB.id })
    expect((await importUsers({ users: [user] }, { apiKey: key })).status).toBe(200)
    expect((await stored(tenantA.id, user.email))?.user.tenantId).toBe(tenantA.id)
    expect(await stored(tenantB.id, user.email)).toBeNull()
    const perUser = hashed({ tenantId: tenantB.id })
    expect((await importUsers({ users: [perUser] })).status).toBe(200)
    expect((await stored(tenantB.id, perUser.email))?.user.tenantId).toBe(tenantB.id)
    expect(await fieldCodes(await importUsers({ users: [hashed({ tenantId: crypto.randomUUID() })] }))).toEqual([
      '[invalid]users[0].tenantId',
    ])
    await expectEmpty(await importUsers({ users: [hashed()] }, { apiKey: null }), 401)
    await expectEmpty(await importUsers({ users: [hashed()] }, { apiKey: 'nope' }), 401)
    const login = await json<{ user?: unknown }>(await call(`/api/user?email=${encodeURIComponent(user.email)}`, { apiKey: key }))
    expect(login.user).toBeDefined()
  })
})
