import { systemConfigurationDefaults } from '../domain/system-configuration'
import { type Tenant, tenantDefaults } from '../domain/tenant'
import { generateSigningKey } from '../domain/tokens/signing-key'
import { SigningKeyStore } from './signing-key-store'
import { SystemConfigurationStore } from './system-configuration-store'

/** Set once this isolate has seen a bootstrapped database, so later requests skip the check. */
let bootstrapped: Promise<void> | null = null

/**
 * Makes sure the database has its default tenant, default HS256 signing key and system configuration.
 * Racing first requests are safe: the singleton system_configuration row names the winning tenant id,
 * and the tenant and key inserts in the same batch only happen for the request whose id won.
 */
export function ensureBootstrapped(db: D1Database, encryptionKey: string | undefined, nowMillis: number): Promise<void> {
  bootstrapped ??= bootstrapDatabase(db, encryptionKey, nowMillis).catch((error: unknown) => {
    bootstrapped = null
    throw error
  })
  return bootstrapped
}

export async function bootstrapDatabase(db: D1Database, encryptionKey: string | undefined, nowMillis: number): Promise<void> {
  const configurations = new SystemConfigurationStore(db)
  if ((await configurations.get()) !== null) return

  const key = await generateSigningKey({ algorithm: 'HS256', name: 'Default signing key' })
  const tenantId = crypto.randomUUID()
  const defaults = tenantDefaults()
  const tenant: Tenant = {
    ...defaults,
    id: tenantId,
    name: 'Default',
    jwtConfiguration: { ...defaults.jwtConfiguration, accessTokenKeyId: key.id, idTokenKeyId: key.id },
    insertInstant: nowMillis,
    lastUpdateInstant: nowMillis,
  }
  const won = { sql: '(SELECT default_tenant_id FROM system_configuration WHERE id = 1) = ?', binds: [tenantId] }
  const tenantInsert = db
    .prepare(
      `INSERT INTO tenants (id, name, data, insert_instant, last_update_instant) SELECT ?, ?, ?, ?, ? WHERE ${won.sql}`,
    )
    .bind(tenant.id, tenant.name, JSON.stringify(tenant), nowMillis, nowMillis, tenantId)
  await db.batch([
    configurations.claimStatement(systemConfigurationDefaults(), tenantId, nowMillis),
    tenantInsert,
    await new SigningKeyStore(db, encryptionKey).insertStatement(key, nowMillis, won),
  ])
}
