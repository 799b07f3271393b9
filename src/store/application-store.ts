import type { D1Handle } from './d1-handle'
import type { Application } from '../domain/application'
import type { Tenant } from '../domain/tenant'
import { type DataRow, parseDataColumn } from './json-column'

export class ApplicationStore {
  constructor(private readonly db: D1Handle) {}

  async get(id: string): Promise<Application | null> {
    const row = await this.db.prepare('SELECT data FROM applications WHERE id = ?').bind(id).first<DataRow>()
    return row ? parseDataColumn<Application>(row.data) : null
  }

  /** The application and its tenant in one round trip (the login path needs both). */
  async getWithTenant(id: string): Promise<{ application: Application; tenant: Tenant } | null> {
    const row = await this.db
      .prepare('SELECT a.data AS application, t.data AS tenant FROM applications a JOIN tenants t ON t.id = a.tenant_id WHERE a.id = ?')
      .bind(id)
      .first<{ application: string; tenant: string }>()
    if (!row) return null
    return { application: parseDataColumn<Application>(row.application), tenant: parseDataColumn<Tenant>(row.tenant) }
  }

  /** Applications of one tenant, or of all tenants when tenantId is null. */
  async list(tenantId: string | null): Promise<Application[]> {
    const statement =
      tenantId === null
        ? this.db.prepare('SELECT data FROM applications ORDER BY name')
        : this.db.prepare('SELECT data FROM applications WHERE tenant_id = ? ORDER BY name').bind(tenantId)
    const { results } = await statement.all<DataRow>()
    return results.map((row) => parseDataColumn<Application>(row.data))
  }

  async create(application: Application): Promise<void> {
    await this.db
      .prepare('INSERT INTO applications (id, tenant_id, name, data, insert_instant, last_update_instant) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(
        application.id,
        application.tenantId,
        application.name,
        JSON.stringify(application),
        application.insertInstant,
        application.lastUpdateInstant,
      )
      .run()
  }

  async update(application: Application): Promise<void> {
    await this.db
      .prepare('UPDATE applications SET name = ?, data = ?, last_update_instant = ? WHERE id = ?')
      .bind(application.name, JSON.stringify(application), application.lastUpdateInstant, application.id)
      .run()
  }

  /** True when any application signs its tokens with this key (such a key may not be deleted). */
  async usesSigningKey(keyId: string): Promise<boolean> {
    const row = await this.db
      .prepare(
        "SELECT 1 AS used FROM applications WHERE json_extract(data, '$.jwtConfiguration.accessTokenKeyId') = ?1 OR json_extract(data, '$.jwtConfiguration.idTokenKeyId') = ?1 LIMIT 1",
      )
      .bind(keyId)
      .first()
    return row !== null
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.prepare('DELETE FROM applications WHERE id = ?').bind(id).run()
    return result.meta.changes > 0
  }
}
