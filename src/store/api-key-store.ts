import type { D1Handle } from './d1-handle'
import type { JsonObject } from '../http/fields'
import { parseDataColumn } from './json-column'

/** A FusionAuth API key as stored: everything but the key itself, of which only a SHA-256 is kept. */
export interface StoredApiKey extends JsonObject {
  id: string
  tenantId?: string
  description?: string
  keyManager: boolean
  permissions: { endpoints: Record<string, string[]> }
  metaData?: JsonObject
  insertInstant: number
  lastUpdateInstant: number
}

export class ApiKeyStore {
  constructor(private readonly db: D1Handle) {}

  async findByKeyHash(keyHash: string): Promise<StoredApiKey | null> {
    const row = await this.db.prepare('SELECT data FROM api_keys WHERE key_hash = ?').bind(keyHash).first<{ data: string }>()
    return row ? parseDataColumn<StoredApiKey>(row.data) : null
  }

  async get(id: string): Promise<StoredApiKey | null> {
    const row = await this.db.prepare('SELECT data FROM api_keys WHERE id = ?').bind(id).first<{ data: string }>()
    return row ? parseDataColumn<StoredApiKey>(row.data) : null
  }

  async list(tenantId: string | null): Promise<StoredApiKey[]> {
    const statement =
      tenantId === null
        ? this.db.prepare('SELECT data FROM api_keys ORDER BY insert_instant')
        : this.db.prepare('SELECT data FROM api_keys WHERE tenant_id = ? ORDER BY insert_instant').bind(tenantId)
    const { results } = await statement.all<{ data: string }>()
    return results.map((row) => parseDataColumn<StoredApiKey>(row.data))
  }

  async keyHashTaken(keyHash: string): Promise<boolean> {
    return (await this.db.prepare('SELECT 1 FROM api_keys WHERE key_hash = ?').bind(keyHash).first()) !== null
  }

  async create(apiKey: StoredApiKey, keyHash: string): Promise<void> {
    await this.db
      .prepare('INSERT INTO api_keys (id, key_hash, tenant_id, data, insert_instant, last_update_instant) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(apiKey.id, keyHash, apiKey.tenantId ?? null, JSON.stringify(apiKey), apiKey.insertInstant, apiKey.lastUpdateInstant)
      .run()
  }

  async update(apiKey: StoredApiKey): Promise<void> {
    await this.db
      .prepare('UPDATE api_keys SET tenant_id = ?, data = ?, last_update_instant = ? WHERE id = ?')
      .bind(apiKey.tenantId ?? null, JSON.stringify(apiKey), apiKey.lastUpdateInstant, apiKey.id)
      .run()
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.prepare('DELETE FROM api_keys WHERE id = ?').bind(id).run()).meta.changes > 0
  }
}
