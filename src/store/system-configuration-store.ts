import type { D1Handle } from './d1-handle'
import { completeSystemConfiguration, type SystemConfiguration, systemConfigurationDefaults } from '../domain/system-configuration'
import type { JsonObject } from '../http/fields'
import { parseDataColumn } from './json-column'

/**
 * How stale this isolate's copy of the configuration may be (the CORS filter reads it on every request with an
 * Origin header). A change made in this isolate is seen at once (update() drops the copy); other isolates see it
 * within this bound.
 */
export const SYSTEM_CONFIGURATION_CACHE_MILLIS = 10_000

/** One slot: a Worker has one DB binding, and the configuration is one row. */
let cached: { configuration: SystemConfiguration; loadedAtMillis: number } | undefined

interface ConfigurationRow {
  data: string
  default_tenant_id: string
  insert_instant: number
  last_update_instant: number
}

export class SystemConfigurationStore {
  constructor(private readonly db: D1Handle) {}

  /** The row as stored now, with FusionAuth's defaults under any part it lacks. */
  async get(): Promise<{ configuration: SystemConfiguration; defaultTenantId: string } | null> {
    const row = await this.db
      .prepare('SELECT data, default_tenant_id, insert_instant, last_update_instant FROM system_configuration WHERE id = 1')
      .first<ConfigurationRow>()
    if (row === null) return null
    const configuration = completeSystemConfiguration(parseDataColumn<JsonObject>(row.data))
    configuration.insertInstant ??= row.insert_instant
    configuration.lastUpdateInstant ??= row.last_update_instant
    return { configuration, defaultTenantId: row.default_tenant_id }
  }

  /**
   * The configuration through this isolate's cache (SYSTEM_CONFIGURATION_CACHE_MILLIS): for hot paths that must not
   * pay a D1 round trip per request. Before the bootstrap has written the row, the defaults.
   */
  async getCached(nowMillis: number): Promise<SystemConfiguration> {
    const hit = cached
    if (hit !== undefined && nowMillis >= hit.loadedAtMillis && nowMillis - hit.loadedAtMillis < SYSTEM_CONFIGURATION_CACHE_MILLIS) {
      return hit.configuration
    }
    const configuration = (await this.get())?.configuration ?? systemConfigurationDefaults()
    cached = { configuration, loadedAtMillis: nowMillis }
    return configuration
  }

  async update(configuration: SystemConfiguration, nowMillis: number): Promise<void> {
    await this.db
      .prepare('UPDATE system_configuration SET data = ?, last_update_instant = ? WHERE id = 1')
      .bind(JSON.stringify(configuration), nowMillis)
      .run()
    cached = undefined
  }

  /**
   * Where the database stands for the status endpoints, in one round trip when it is healthy: the newest applied
   * migration, or null when none is (no d1_migrations table); 'unreachable' when D1 does not answer at all.
   */
  async newestMigration(): Promise<string | null | 'unreachable'> {
    try {
      return (await this.db.prepare('SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1').first<{ name: string }>())?.name ?? null
    } catch {
      // No d1_migrations table, or no database: a trivial query tells the two apart.
      try {
        await this.db.prepare('SELECT 1').first()
        return null
      } catch {
        return 'unreachable'
      }
    }
  }

  /**
   * Claims the bootstrap: inserts the singleton row naming `defaultTenantId` unless one exists.
   * Of several racing first requests, exactly one row wins; `winsStatement` lets the caller make its
   * other inserts conditional on having won, in the same batch.
   */
  claimStatement(configuration: SystemConfiguration, defaultTenantId: string, nowMillis: number): D1PreparedStatement {
    return this.db
      .prepare(
        'INSERT INTO system_configuration (id, default_tenant_id, data, insert_instant, last_update_instant) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      )
      .bind(defaultTenantId, JSON.stringify(configuration), nowMillis, nowMillis)
  }
}
