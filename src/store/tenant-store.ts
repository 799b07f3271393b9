import type { D1Handle } from './d1-handle'
import type { Tenant } from '../domain/tenant'
import { type DataRow, parseDataColumn } from './json-column'

/** Tenants, keyed by id; names are unique case-insensitively. */
export class TenantStore {
  constructor(private readonly db: D1Handle) {}

  async get(id: string): Promise<Tenant | null> {
    const row = await this.db.prepare('SELECT data FROM tenants WHERE id = ?').bind(id).first<DataRow>()
    return row ? parseDataColumn<Tenant>(row.data) : null
  }

  /** The tenants with these ids that exist, in one round trip however many are named. */
  async getMany(ids: readonly string[]): Promise<Tenant[]> {
    if (ids.length === 0) return []
    const { results } = await this.db
      .prepare('SELECT data FROM tenants WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id')
      .bind(JSON.stringify(ids))
      .all<DataRow>()
    return results.map((row) => parseDataColumn<Tenant>(row.data))
  }

  async list(): Promise<Tenant[]> {
    const { results } = await this.db.prepare('SELECT data FROM tenants ORDER BY name').all<DataRow>()
    return results.map((row) => parseDataColumn<Tenant>(row.data))
  }

  /** The id of the only tenant, or null when there are none or several (then a request must name one). */
  async soleTenantId(): Promise<string | null> {
    const { results } = await this.db.prepare('SELECT id FROM tenants LIMIT 2').all<{ id: string }>()
    return results.length === 1 && results[0] ? results[0].id : null
  }

  /** The only tenant, or null when there are none or several: one query for logins that name no tenant. */
  async soleTenant(): Promise<Tenant | null> {
    const { results } = await this.db.prepare('SELECT data FROM tenants LIMIT 2').all<DataRow>()
    return results.length === 1 && results[0] ? parseDataColumn<Tenant>(results[0].data) : null
  }

  /** Which of the given ids name a tenant, in one query (at most 100 ids: D1's bound-parameter limit). */
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)].slice(0, 100)
    if (unique.length === 0) return new Set()
    const placeholders = unique.map(() => '?').join(', ')
    const { results } = await this.db
      .prepare(`SELECT id FROM tenants WHERE id IN (${placeholders})`)
      .bind(...unique)
      .all<{ id: string }>()
    return new Set(results.map((row) => row.id))
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    const row = await this.db
      .prepare('SELECT 1 AS taken FROM tenants WHERE name = ? COLLATE NOCASE AND id != ?')
      .bind(name, exceptId ?? '')
      .first()
    return row !== null
  }

  insertStatement(tenant: Tenant): D1PreparedStatement {
    return this.db
      .prepare('INSERT INTO tenants (id, name, data, insert_instant, last_update_instant) VALUES (?, ?, ?, ?, ?)')
      .bind(tenant.id, tenant.name, JSON.stringify(tenant), tenant.insertInstant, tenant.lastUpdateInstant)
  }

  async create(tenant: Tenant): Promise<void> {
    await this.insertStatement(tenant).run()
  }

  async update(tenant: Tenant): Promise<void> {
    await this.db
      .prepare('UPDATE tenants SET name = ?, data = ?, last_update_instant = ? WHERE id = ?')
      .bind(tenant.name, JSON.stringify(tenant), tenant.lastUpdateInstant, tenant.id)
      .run()
  }

  /** Deletes the tenant; its applications, users and keys go with it (ON DELETE CASCADE). */
  /** True when any tenant signs its tokens with this key (such a key may not be deleted). */
  async usesSigningKey(keyId: string): Promise<boolean> {
    const row = await this.db
      .prepare(
        "SELECT 1 AS used FROM tenants WHERE json_extract(data, '$.jwtConfiguration.accessTokenKeyId') = ?1 OR json_extract(data, '$.jwtConfiguration.idTokenKeyId') = ?1 LIMIT 1",
      )
      .bind(keyId)
      .first()
    return row !== null
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.prepare('DELETE FROM tenants WHERE id = ?').bind(id).run()
    return result.meta.changes > 0
  }
}
