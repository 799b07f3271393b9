import { applyD1Migrations, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { bootstrapDatabase } from '../../src/store/bootstrap'
import { SystemConfigurationStore } from '../../src/store/system-configuration-store'
import { TenantStore } from '../../src/store/tenant-store'

describe('bootstrap', () => {
  it('creates exactly one default tenant and key when first requests race', async () => {
    const db = env.BOOTSTRAP_TEST_DB
    await applyD1Migrations(db, env.TEST_MIGRATIONS)
    const now = Date.now()
    await Promise.all([1, 2, 3, 4].map(() => bootstrapDatabase(db, env.ENCRYPTION_KEY, now)))

    const tenants = await new TenantStore(db).list()
    expect(tenants).toHaveLength(1)
    const tenant = tenants[0]!
    const configuration = await new SystemConfigurationStore(db).get()
    expect(configuration?.defaultTenantId).toBe(tenant.id)
    expect(configuration?.configuration).toMatchObject({
      reportTimezone: 'America/Denver',
      loginRecordConfiguration: { delete: { enabled: false, numberOfDaysToRetain: 365 } },
    })
    expect(tenant).toMatchObject({
      name: 'Default',
      issuer: 'acme.com',
      loginConfiguration: { requireAuthentication: true },
      jwtConfiguration: { timeToLiveInSeconds: 3600, refreshTokenTimeToLiveInMinutes: 43200 },
      externalIdentifierConfiguration: { twoFactorIdTimeToLiveInSeconds: 300, twoFactorTrustIdTimeToLiveInSeconds: 2592000 },
      passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: 100_000 },
    })
    const keys = await db
      .prepare('SELECT algorithm, secret_encrypted FROM signing_keys')
      .all<{ algorithm: string; secret_encrypted: string }>()
    expect(keys.results).toHaveLength(1)
    expect(keys.results[0]?.algorithm).toBe('HS256')
    // The HMAC secret is stored encrypted, never in the clear.
    expect(keys.results[0]?.secret_encrypted).toMatch(/^v1\./)
    expect(tenant.jwtConfiguration.accessTokenKeyId).toBeDefined()

    // Running it again on a bootstrapped database changes nothing.
    await bootstrapDatabase(db, env.ENCRYPTION_KEY, now + 1)
    expect(await new TenantStore(db).list()).toHaveLength(1)
  })

  it("creates the default tenant with DEFAULT_TENANT_ID (kickstart's defaultTenantId) on an empty database, and only then", async () => {
    const db = env.DEFAULT_TENANT_TEST_DB
    await applyD1Migrations(db, env.TEST_MIGRATIONS)
    const fixed = '30663132-6464-6665-3032-326466613934'
    await bootstrapDatabase(db, env.ENCRYPTION_KEY, Date.now(), fixed.toUpperCase())
    expect((await new SystemConfigurationStore(db).get())?.defaultTenantId).toBe(fixed)
    expect((await new TenantStore(db).list()).map((t) => t.id)).toEqual([fixed])
    // Seeded once: another id later changes nothing.
    await bootstrapDatabase(db, env.ENCRYPTION_KEY, Date.now(), crypto.randomUUID())
    expect((await new TenantStore(db).list()).map((t) => t.id)).toEqual([fixed])
  })
})
