import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64 } from '../../src/domain/crypto/encoding'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { TwoFactorStore } from '../../src/store/two-factor-store'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'
import { fieldCodes, generalCodes } from './admin-fixtures'

/** RFC 6238's SHA-1 test key ("12345678901234567890"), as FusionAuth's Base64 `secret`. */
const SECRET = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA='
const KEY_BYTES = base64ToBytes(SECRET)
const RECOVERY = ['QJD73-L6GR5', 'ZX2KP-9MN4T']
const PASSWORD = 'imported password'

interface LoginBody {
  token?: string
  twoFactorId?: string
  methods?: Record<string, unknown>[]
}

/** A tenant, an application needing no API key, and the import body of one user registered to it. */
async function importWorld() {
  const tenant = await createTenant()
  const application = await createApplication(tenant.id, { loginConfiguration: { requireAuthentication: false } })
  const email = uniqueEmail('mfa-import')
  const id = crypto.randomUUID()
  const user = { id, email, password: PASSWORD, registrations: [{ applicationId: application.id }] }
  return { tenant, application, email, id, user }
}

const importUsers = (tenantId: string, users: unknown[]) => call('/api/user/import', { body: { users }, tenantId })
const login = (applicationId: string, loginId: string, nowMillis: number) =>
  call('/api/login', { body: { applicationId, loginId, password: PASSWORD }, apiKey: null, nowMillis })
const twoFactorLogin = (twoFactorId: string, code: string, nowMillis: number) =>
  call('/api/two-factor/login', { body: { twoFactorId, code }, apiKey: null, nowMillis })

async function challenge(applicationId: string, email: string, nowMillis: number): Promise<LoginBody> {
  const response = await login(applicationId, email, nowMillis)
  expect(response.status).toBe(242)
  return json<LoginBody>(response)
}

describe('POST /api/user/import with twoFactor', () => {
  it('imports an authenticator: 242 on login, then the TOTP code of the imported secret completes it', async () => {
    const w = await importWorld()
    const twoFactor = {
      methods: [
        { id: 'X7K2', method: 'authenticator', secret: SECRET, authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 } },
      ],
      recoveryCodes: RECOVERY,
    }
    expect((await importUsers(w.tenant.id, [{ ...w.user, twoFactor }])).status).toBe(200)

    const now = Date.now()
    const pending = await challenge(w.application.id, w.email, now)
    expect(pending.methods).toEqual([
      { authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 }, id: 'X7K2', method: 'authenticator' },
    ])
    // RFC 6238 known answer for this key at T = 59 s (8 digits 94287082), so the imported bytes are the HMAC key.
    expect(await totpCode(KEY_BYTES, 1)).toBe('287082')
    const response = await twoFactorLogin(pending.twoFactorId ?? '', await totpCode(KEY_BYTES, timeStepAt(now)), now)
    expect(response.status).toBe(200)
    expect((await json<LoginBody>(response)).token).toBeTypeOf('string')

    // Stored like an enabled method: the key encrypted, never in the user JSON.
    const row = await env.DB.prepare('SELECT secret_encrypted, last_step FROM two_factor_methods WHERE user_id = ?')
      .bind(w.id)
      .first<{ secret_encrypted: string; last_step: number }>()
    expect(row?.secret_encrypted).toMatch(/^v1\./)
    expect(row?.secret_encrypted).not.toContain(SECRET)
    const user = await json<{ user: Record<string, unknown> }>(await call(`/api/user/${w.id}`))
    expect(user.user.twoFactor).toEqual({
      methods: [{ authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 }, id: 'X7K2', method: 'authenticator' }],
    })
    expect(JSON.stringify(user)).not.toContain(SECRET)
  })

  it('imports recovery codes hashed; each works once, in any case and without the dash', async () => {
    const w = await importWorld()
    expect(
      (
        await importUsers(w.tenant.id, [
          { ...w.user, twoFactor: { methods: [{ method: 'authenticator', secret: SECRET }], recoveryCodes: RECOVERY } },
        ])
      ).status,
    ).toBe(200)
    const stored = await env.DB.prepare('SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = ?')
      .bind(w.id)
      .all<{ code_hash: string }>()
    expect(stored.results).toHaveLength(2)
    for (const row of stored.results) expect(RECOVERY.map((code) => code.replace('-', ''))).not.toContain(row.code_hash)

    const now = Date.now()
    const first = await challenge(w.application.id, w.email, now)
    expect((await twoFactorLogin(first.twoFactorId ?? '', 'qjd73l6gr5', now)).status).toBe(200)
    const second = await challenge(w.application.id, w.email, now)
    expect((await twoFactorLogin(second.twoFactorId ?? '', RECOVERY[0] ?? '', now)).status).toBe(421)
    expect((await twoFactorLogin(second.twoFactorId ?? '', RECOVERY[1] ?? '', now)).status).toBe(200)
    expect(await new TwoFactorStore(env.DB).countRecoveryCodes(w.id)).toBe(0)
  })

  it('imports email methods beside authenticators, in order, with generated ids when none is given', async () => {
    const w = await importWorld()
    const address = uniqueEmail('codes')
    const methods = [
      { method: 'email', email: address, name: 'Work' },
      { method: 'authenticator', secretBase32Encoded: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' },
    ]
    expect((await importUsers(w.tenant.id, [{ ...w.user, twoFactor: { methods } }])).status).toBe(200)
    const pending = await challenge(w.application.id, w.email, Date.now())
    expect(pending.methods).toEqual([
      { email: address, id: expect.stringMatching(/^[A-Z0-9]{4}$/), method: 'email', name: 'Work' },
      {
        authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 },
        id: expect.stringMatching(/^[A-Z0-9]{4}$/),
        method: 'authenticator',
      },
    ])
    // The Base32 spelling names the same RFC key as SECRET.
    const now = Date.now()
    expect((await twoFactorLogin(pending.twoFactorId ?? '', await totpCode(KEY_BYTES, timeStepAt(now)), now)).status).toBe(200)
    // Recovery codes need a method; none were given, so none exist.
    expect(await new TwoFactorStore(env.DB).countRecoveryCodes(w.id)).toBe(0)
  })

  it('drops recovery codes of a user without methods, and stores nothing for an empty twoFactor', async () => {
    const w = await importWorld()
    const other = { ...w.user, id: crypto.randomUUID(), email: uniqueEmail('plain') }
    expect(
      (
        await importUsers(w.tenant.id, [
          { ...w.user, twoFactor: { recoveryCodes: RECOVERY } },
          { ...other, twoFactor: {} },
        ])
      ).status,
    ).toBe(200)
    expect(await new TwoFactorStore(env.DB).countRecoveryCodes(w.id)).toBe(0)
    const response = await login(w.application.id, w.email, Date.now())
    expect(response.status).toBe(200)
  })

  it('refuses bad two-factor input with field errors and imports nothing', async () => {
    const w = await importWorld()
    const post = (twoFactor: unknown) =>
      importUsers(w.tenant.id, [{ ...w.user, email: uniqueEmail('bad'), id: crypto.randomUUID(), twoFactor }])
    const path = 'users[0].twoFactor'
    expect(await fieldCodes(await post('yes'))).toEqual([`[invalid]${path}`])
    expect(await fieldCodes(await post({ methods: {} }))).toEqual([`[invalid]${path}.methods`])
    expect(await fieldCodes(await post({ methods: [7] }))).toEqual([`[invalid]${path}.methods[0]`])
    expect(await fieldCodes(await post({ methods: [{}] }))).toEqual([`[blank]${path}.methods[0].method`])
    expect(await fieldCodes(await post({ methods: [{ method: 'sms', mobilePhone: '+15555550100' }] }))).toEqual([
      `[invalid]${path}.methods[0].method`,
    ])
    expect(await fieldCodes(await post({ methods: [{ method: 'authenticator' }] }))).toEqual([`[blank]${path}.methods[0].secret`])
    expect(await fieldCodes(await post({ methods: [{ method: 'authenticator', secret: 'c2hvcnQ=' }] }))).toEqual([
      `[invalid]${path}.methods[0].secret`,
    ])
    expect(
      await fieldCodes(await post({ methods: [{ method: 'authenticator', secret: SECRET, secretBase32Encoded: 'JBSWY3DPEHPK3PXP' }] })),
    ).toEqual([`[invalid]${path}.methods[0].secretBase32Encoded`])
    expect(await fieldCodes(await post({ methods: [{ method: 'email' }] }))).toEqual([`[blank]${path}.methods[0].email`])
    expect(await fieldCodes(await post({ methods: [{ method: 'email', email: 'nope' }] }))).toEqual([`[notEmail]${path}.methods[0].email`])
    expect(
      await fieldCodes(
        await post({
          methods: [
            { method: 'email', email: 'a@b.co' },
            { method: 'email', email: 'A@b.co' },
          ],
        }),
      ),
    ).toEqual([`[duplicate]${path}.methods[1].email`])
    expect(await fieldCodes(await post({ methods: [{ id: 'abc', method: 'authenticator', secret: SECRET }] }))).toEqual([
      `[invalid]${path}.methods[0].id`,
    ])
    expect(
      await fieldCodes(
        await post({
          methods: [
            { id: 'AAAA', method: 'authenticator', secret: SECRET },
            { id: 'AAAA', method: 'email', email: 'a@b.co' },
          ],
        }),
      ),
    ).toEqual([`[duplicate]${path}.methods[1].id`])
    expect(
      await fieldCodes(await post({ methods: Array.from({ length: 11 }, () => ({ method: 'authenticator', secret: SECRET })) })),
    ).toEqual([`[tooMany]${path}.methods`])
    const method = [{ method: 'authenticator', secret: SECRET }]
    expect(await fieldCodes(await post({ methods: method, recoveryCodes: 'QJD73-L6GR5' }))).toEqual([`[invalid]${path}.recoveryCodes`])
    expect(await fieldCodes(await post({ methods: method, recoveryCodes: ['123456'] }))).toEqual([`[invalid]${path}.recoveryCodes`])
    expect(await fieldCodes(await post({ methods: method, recoveryCodes: Array.from({ length: 51 }, () => 'QJD73-L6GR5') }))).toEqual([
      `[tooMany]${path}.recoveryCodes`,
    ])
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE tenant_id = ?').bind(w.tenant.id).first<{ n: number }>()
    expect(count?.n).toBe(0)
  })

  it('stays atomic: a user conflict later in the batch leaves no user, method or code behind', async () => {
    const w = await importWorld()
    const taken = uniqueEmail('taken')
    await createUser({ tenantId: w.tenant.id, email: taken })
    const clash = { id: crypto.randomUUID(), email: taken, password: PASSWORD }
    const response = await importUsers(w.tenant.id, [
      { ...w.user, twoFactor: { methods: [{ method: 'authenticator', secret: SECRET }], recoveryCodes: RECOVERY } },
      clash,
    ])
    expect(await generalCodes(response)).toEqual(['[duplicate]'])
    expect(await new TwoFactorStore(env.DB).listMethods(w.id)).toEqual([])
    expect(await new TwoFactorStore(env.DB).countRecoveryCodes(w.id)).toBe(0)
  })
})

describe('TwoFactorStore.insertRecoveryCodesStatements', () => {
  it('splits many codes into statements of at most 100 bound parameters', async () => {
    const tenant = await createTenant()
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail('codes') })
    const hashes = Array.from({ length: 200 }, (_, i) => bytesToBase64(new TextEncoder().encode(`hash-${i}`)))
    const statements = new TwoFactorStore(env.DB).insertRecoveryCodesStatements(user.id, hashes, Date.now())
    expect(statements).toHaveLength(3)
    await env.DB.batch(statements)
    expect(await new TwoFactorStore(env.DB).countRecoveryCodes(user.id)).toBe(200)
  })
})
