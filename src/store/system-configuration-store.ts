import type { D1Handle } from './d1-handle'
import type { SystemConfiguration } from '../domain/system-configuration'
import { parseDataColumn } from './json-column'

export class SystemConfigurationStore {
  constructor(private readonly db: D1Handle) {}

  async get(): Promise<{ configuration: SystemConfiguration; defaultTenantId: string } | null> {
    const row = await this.db
      .prepare('SELECT data, default_tenant_id FROM system_configuration WHERE id = 1')
      .first<{ data: string; default_tenant_id: string }>()
    return row ? { configuration: parseDataColumn<SystemConfiguration>(row.data), defaultTenantId: row.default_tenant_id } : null
  }

  async update(configuration: SystemConfiguration, nowMillis: number): Promise<void> {
    await this.db
      .prepare('UPDATE system_configuration SET data = ?, last_update_instant = ? WHERE id = 1')
      .bind(JSON.stringify(configuration), nowMillis)
      .run()
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
