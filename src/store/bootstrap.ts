import { MisconfiguredError } from '../configuration'
import { systemConfigurationDefaults } from '../domain/system-configuration'
import { type Tenant, tenantDefaults } from '../domain/tenant'
import { generateSigningKey } from '../domain/tokens/signing-key'
import { SigningKeyStore } from './signing-key-store'
import { SystemConfigurationStore } from './system-configuration-store'

/**
 * The newest migration this code needs (migrations/). A database behind it makes every request a misconfiguration
 * 500 until `wrangler d1 migrations apply` runs; a test keeps this equal to the newest file.
 */
export const SCHEMA_VERSION = '0010_groups.sql'

/** Per binding, once this isolate has seen it migrated and bootstrapped, so later requests skip the checks. */
const ready = new WeakMap<D1Database, Promise<void>>()

/**
 * Makes sure the database is migrated to SCHEMA_VERSION (else MisconfiguredError) and has its default tenant,
 * default HS256 signing key and system configuration. Racing first requests are safe: the singleton
 * system_configuration row names the winning tenant id, and the tenant and key inserts in the same batch only
 * happen for the request whose id won.
 */
export function ensureBootstrapped(
  db: D1Database,
  encryptionKey: string | undefined,
  nowMillis: number,
  defaultTenantId?: string,
): Promise<void> {
  let once = ready.get(db)
  if (once === undefined) {
    once = requireSchema(db)
      .then(() => bootstrapDatabase(db, encryptionKey, nowMillis, defaultTenantId))
      .catch((error: unknown) => {
        ready.delete(db)
        throw error
      })
    ready.set(db, once)
  }
  return once
}

/** MisconfiguredError unless the newest applied migration is SCHEMA_VERSION or later. */
async function requireSchema(db: D1Database): Promise<void> {
  let newest: string | null
  try {
    newest = (await db.prepare('SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1').first<{ name: string }>())?.name ?? null
  } catch {
    newest = null // no d1_migrations table: nothing was ever applied
  }
  if (newest === null || newest < SCHEMA_VERSION) {
    const applied = newest === null ? 'no migration is applied' : `the newest applied migration is ${newest}`
    throw new MisconfiguredError([
      `the D1 schema is behind this code: ${applied}, ${SCHEMA_VERSION} is needed (npx wrangler d1 migrations apply DB --remote)`,
    ])
  }
}

/**
 * Seeds an empty database. `defaultTenantId` (DEFAULT_TENANT_ID, from kickstart's `variables.defaultTenantId` as
 * FusionAuth takes it) is the id the default tenant is created with; once a database is seeded it changes nothing.
 */
export async function bootstrapDatabase(
  db: D1Database,
  encryptionKey: string | undefined,
  nowMillis: number,
  defaultTenantId?: string,
): Promise<void> {
  const configurations = new SystemConfigurationStore(db)
  if ((await configurations.get()) !== null) return

  const key = await generateSigningKey({ algorithm: 'HS256', name: 'Default signing key' })
  const tenantId = defaultTenantId?.toLowerCase() ?? crypto.randomUUID()
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
    .prepare(`INSERT INTO tenants (id, name, data, insert_instant, last_update_instant) SELECT ?, ?, ?, ?, ? WHERE ${won.sql}`)
    .bind(tenant.id, tenant.name, JSON.stringify(tenant), nowMillis, nowMillis, tenantId)
  await db.batch([
    configurations.claimStatement(systemConfigurationDefaults(), tenantId, nowMillis),
    tenantInsert,
    await new SigningKeyStore(db, encryptionKey).insertStatement(key, nowMillis, won),
  ])
}
