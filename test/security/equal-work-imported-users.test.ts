import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { deriveHash, generateSalt, hashPassword, type PasswordScheme, verifyWithEqualWork } from '../../src/domain/password'
import { hashWork, paddingPlan } from '../../src/domain/password/work'
import { UserStore } from '../../src/store/user-store'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty } from '../helpers'

/**
 * Issue 8, defect 8: a user imported at PBKDF2 10,000 answered a wrong password in a third of the time an unknown
 * login id took, so imported accounts were enumerable. Every password check for a login id must spend the tenant's
 * hashing work, whatever the stored scheme and factor. No timing assertions: the work is counted, as PBKDF2 blocks
 * (iterations x output blocks, so a 512-bit SHA-256 derivation counts twice) per hash function, from deriveBits.
 */

const TENANT_FACTOR = 50_000
const PASSWORD = 'correct horse battery staple'
const HASH_BITS: Record<string, number> = { 'SHA-256': 256, 'SHA-512': 512 }

interface Derivation {
  hash: string
  iterations: number
  lengthBits: number
}

/** Runs `request` with a spy on deriveBits and returns every PBKDF2 derivation it made. */
async function derivationsOf(request: () => Promise<void>): Promise<Derivation[]> {
  const spy = vi.spyOn(crypto.subtle, 'deriveBits')
  try {
    await request()
    return spy.mock.calls.map(([algorithm, , length]) => {
      const a = algorithm as { iterations: number; hash: string | { name: string } }
      return { hash: typeof a.hash === 'string' ? a.hash : a.hash.name, iterations: a.iterations, lengthBits: Number(length) }
    })
  } finally {
    spy.mockRestore()
  }
}

/** PBKDF2 blocks per hash function: what a derivation costs, independent of how it is split into calls. */
function blocksByHash(derivations: Derivation[]): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const d of derivations) totals[d.hash] = (totals[d.hash] ?? 0) + d.iterations * Math.ceil(d.lengthBits / (HASH_BITS[d.hash] ?? 256))
  return totals
}

async function setup(tenantScheme: PasswordScheme = 'salted-pbkdf2-hmac-sha256', tenantFactor = TENANT_FACTOR) {
  const tenant = await createTenant({
    passwordEncryptionConfiguration: { encryptionScheme: tenantScheme, encryptionSchemeFactor: tenantFactor },
  })
  const application = await createApplication(tenant.id)
  return { tenant, application }
}

/** Imports a user whose password is stored with `scheme` at `factor`, through POST /api/user/import. */
async function importUser(tenantId: string, applicationId: string, scheme: PasswordScheme, factor: number): Promise<string> {
  const email = uniqueEmail(scheme)
  const salt = generateSalt(scheme)
  const hash = await deriveHash(PASSWORD, scheme, salt, factor)
  const user = {
    email,
    encryptionScheme: scheme,
    factor,
    salt,
    password: hash,
    verified: true,
    registrations: [{ applicationId, verified: true }],
  }
  const response = await call('/api/user/import', { method: 'POST', body: { users: [user] }, tenantId })
  expect(response.status, await response.text()).toBe(200)
  return email
}

const login = (applicationId: string, loginId: string, password: string) =>
  call('/api/login', { method: 'POST', body: { applicationId, loginId, password } })

async function loginWork(applicationId: string, loginId: string, password: string): Promise<Derivation[]> {
  return derivationsOf(async () => expectEmpty(await login(applicationId, loginId, password), 404))
}

const IMPORTED: [PasswordScheme, number][] = [
  ['salted-pbkdf2-hmac-sha256', 10_000],
  ['salted-pbkdf2-hmac-sha256-512', 10_000],
  ['salted-sha256', 100],
  ['salted-md5', 100],
  ['salted-hmac-sha256', 1],
  ['bcrypt', 4],
]

describe('POST /api/login: a wrong password costs what an unknown login id costs, whatever the stored hash', () => {
  afterEach(() => vi.restoreAllMocks())

  for (const [scheme, factor] of IMPORTED) {
    it(`user imported with ${scheme} at factor ${factor}`, async () => {
      const { tenant, application } = await setup()
      const email = await importUser(tenant.id, application.id, scheme, factor)

      const unknown = await loginWork(application.id, uniqueEmail('nobody'), PASSWORD)
      const wrong = await loginWork(application.id, email, `${PASSWORD}!`)
      expect(blocksByHash(unknown)).toEqual({ 'SHA-256': TENANT_FACTOR })
      expect(blocksByHash(wrong)).toEqual(blocksByHash(unknown))
      // The imported hash still verifies.
      expect((await login(application.id, email, PASSWORD)).status).toBe(200)
    })
  }

  it('adds no padding for a user stored at the tenant scheme and factor: one derivation, as before', async () => {
    const { tenant, application } = await setup()
    const email = uniqueEmail()
    await createUser({
      tenantId: tenant.id,
      email,
      password: PASSWORD,
      factor: TENANT_FACTOR,
      registrations: [{ applicationId: application.id }],
    })
    expect(await loginWork(application.id, email, 'wrong')).toEqual([{ hash: 'SHA-256', iterations: TENANT_FACTOR, lengthBits: 256 }])
    expect(await loginWork(application.id, uniqueEmail('nobody'), 'wrong')).toEqual([
      { hash: 'SHA-256', iterations: TENANT_FACTOR, lengthBits: 256 },
    ])
  })

  it('pads a user with no password and a user whose stored hash is unusable to the full tenant work', async () => {
    const { tenant, application } = await setup()
    const noPassword = uniqueEmail('none')
    await createUser({ tenantId: tenant.id, email: noPassword, registrations: [{ applicationId: application.id }] })
    expect(blocksByHash(await loginWork(application.id, noPassword, 'anything'))).toEqual({ 'SHA-256': TENANT_FACTOR })

    const corrupt = uniqueEmail('corrupt')
    const user = await createUser({ tenantId: tenant.id, email: corrupt, registrations: [{ applicationId: application.id }] })
    await new UserStore(env.DB)
      .passwordStatement(user.id, { scheme: 'salted-pbkdf2-hmac-sha256', factor: 10_000, salt: '!not base64!', hash: 'x' })
      .run()
    expect(blocksByHash(await loginWork(application.id, corrupt, 'anything'))).toEqual({ 'SHA-256': TENANT_FACTOR })
  })

  it('splits work above 100,000 iterations into several derivations (a 512-bit SHA-256 tenant at 60,000)', async () => {
    const { tenant, application } = await setup('salted-pbkdf2-hmac-sha256-512', 60_000)
    const email = await importUser(tenant.id, application.id, 'salted-pbkdf2-hmac-sha256', 10_000)
    const unknown = await loginWork(application.id, uniqueEmail('nobody'), PASSWORD)
    const wrong = await loginWork(application.id, email, 'wrong')
    expect(blocksByHash(unknown)).toEqual({ 'SHA-256': 120_000 })
    expect(blocksByHash(wrong)).toEqual({ 'SHA-256': 120_000 })
    for (const d of [...unknown, ...wrong]) expect(d.iterations).toBeLessThanOrEqual(100_000)
  })

  it('a user hashed with another PBKDF2 function pays its own hash on top of the full tenant work, never less', async () => {
    const { tenant, application } = await setup()
    const email = await importUser(tenant.id, application.id, 'salted-pbkdf2-hmac-sha512-512', 10_000)
    expect(blocksByHash(await loginWork(application.id, email, 'wrong'))).toEqual({ 'SHA-256': TENANT_FACTOR, 'SHA-512': 10_000 })
  })
})

describe('POST /api/user/change-password: a wrong currentPassword costs the tenant work too', () => {
  afterEach(() => vi.restoreAllMocks())

  it('by loginId with an API key, for a user imported at PBKDF2 10,000', async () => {
    const { tenant, application } = await setup()
    const email = await importUser(tenant.id, application.id, 'salted-pbkdf2-hmac-sha256', 10_000)
    const work = await derivationsOf(async () => {
      const response = await call('/api/user/change-password', {
        method: 'POST',
        tenantId: tenant.id,
        body: { loginId: email, currentPassword: 'wrong', password: 'a new password 1' },
      })
      expect(response.status).toBe(400)
    })
    expect(blocksByHash(work)).toEqual({ 'SHA-256': TENANT_FACTOR })
  })

  it('by changePasswordId with currentPassword, for a user imported with bcrypt', async () => {
    const { tenant, application } = await setup()
    const email = await importUser(tenant.id, application.id, 'bcrypt', 4)
    const forgot = await call('/api/user/forgot-password', { method: 'POST', tenantId: tenant.id, body: { loginId: email } })
    expect(forgot.status).toBe(200)
    const { changePasswordId } = (await forgot.json()) as { changePasswordId: string }
    const work = await derivationsOf(async () => {
      const response = await call(`/api/user/change-password/${changePasswordId}`, {
        method: 'POST',
        apiKey: null,
        body: { currentPassword: 'wrong', password: 'a new password 1' },
      })
      expect(response.status).toBe(404)
    })
    expect(blocksByHash(work)).toEqual({ 'SHA-256': TENANT_FACTOR })
  })
})

describe('verifyWithEqualWork and its padding plan', () => {
  afterEach(() => vi.restoreAllMocks())
  const budget = (scheme: PasswordScheme, factor: number) => hashWork({ scheme, factor })

  it('still answers true for the right password and false for a wrong one, padded or not', async () => {
    const tenant = { scheme: 'salted-pbkdf2-hmac-sha256', factor: 2_000 } as const
    for (const stored of [
      await hashPassword(PASSWORD, 'salted-pbkdf2-hmac-sha256', 1_000),
      await hashPassword(PASSWORD, 'salted-pbkdf2-hmac-sha256', 2_000),
      await hashPassword(PASSWORD, 'bcrypt', 4),
    ]) {
      expect(await verifyWithEqualWork(stored, PASSWORD, tenant)).toBe(true)
      expect(await verifyWithEqualWork(stored, `${PASSWORD}!`, tenant)).toBe(false)
    }
    expect(await verifyWithEqualWork(null, PASSWORD, tenant)).toBe(false)
  })

  it('pads within the tenant primitive only, and not at all at or above the budget', () => {
    expect(paddingPlan(budget('salted-pbkdf2-hmac-sha256', 100_000), budget('salted-pbkdf2-hmac-sha256', 100_000))).toEqual([])
    expect(paddingPlan(budget('salted-pbkdf2-hmac-sha256', 24_000), budget('salted-pbkdf2-hmac-sha256', 100_000))).toEqual([])
    expect(paddingPlan(budget('salted-pbkdf2-hmac-sha256', 100_000), budget('salted-pbkdf2-hmac-sha256-512', 27_500))).toEqual([
      { kind: 'pbkdf2', hash: 'SHA-256', iterations: 45_000 },
    ])
    expect(paddingPlan(budget('salted-pbkdf2-hmac-sha512-512', 100_000), budget('salted-pbkdf2-hmac-sha256', 100_000))).toEqual([
      { kind: 'pbkdf2', hash: 'SHA-512', iterations: 100_000 },
    ])
    expect(paddingPlan(budget('salted-pbkdf2-hmac-sha256-512', 100_000), null)).toEqual([
      { kind: 'pbkdf2', hash: 'SHA-256', iterations: 100_000 },
      { kind: 'pbkdf2', hash: 'SHA-256', iterations: 100_000 },
    ])
  })

  it('pads a bcrypt tenant with bcrypt: 2^10 - 2^4 rounds as costs 9 down to 4; an unknown user costs one bcrypt 10', () => {
    expect(paddingPlan(budget('bcrypt', 10), budget('bcrypt', 4)).map((step) => step.kind === 'bcrypt' && step.cost)).toEqual([
      9, 8, 7, 6, 5, 4,
    ])
    expect(paddingPlan(budget('bcrypt', 10), null)).toEqual([{ kind: 'bcrypt', cost: 10 }])
    expect(paddingPlan(budget('bcrypt', 10), budget('bcrypt', 12))).toEqual([])
    expect(paddingPlan(budget('bcrypt', 10), budget('salted-pbkdf2-hmac-sha256', 100_000))).toEqual([{ kind: 'bcrypt', cost: 10 }])
  })

  it('pads digest and HMAC tenants with their own primitive', () => {
    expect(paddingPlan(budget('salted-sha256', 20_000), budget('salted-sha256', 1))).toEqual([
      { kind: 'digest', scheme: 'salted-sha256', iterations: 19_999 },
    ])
    expect(paddingPlan(budget('salted-md5', 20_000), budget('salted-sha256', 20_000))).toEqual([
      { kind: 'digest', scheme: 'salted-md5', iterations: 20_000 },
    ])
    expect(paddingPlan(budget('salted-hmac-sha256', 1), budget('salted-hmac-sha256', 7))).toEqual([])
    expect(paddingPlan(budget('salted-hmac-sha256', 1), null)).toEqual([{ kind: 'hmac' }])
  })

  it('falls back to usable settings for an unknown tenant scheme or a refused factor instead of skipping the work', async () => {
    const work = await derivationsOf(async () => {
      await verifyWithEqualWork(null, 'whatever', { scheme: 'salted-pbkdf2-hmac-sha256', factor: 5_000_000 })
      await verifyWithEqualWork(null, 'whatever', { scheme: 'no-such-scheme' as PasswordScheme, factor: 1_000 })
    })
    expect(work).toEqual([
      { hash: 'SHA-256', iterations: 100_000, lengthBits: 256 },
      { hash: 'SHA-256', iterations: 1_000, lengthBits: 256 },
    ])
  })
})
