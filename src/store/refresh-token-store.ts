import type { D1Handle } from './d1-handle'
import { sha256Base64Url } from '../domain/crypto/secrets'
import type { JsonObject } from '../http/fields'
import { parseDataColumn } from './json-column'
import type { WriteCondition } from './login-store'

/** A refresh token as FusionAuth shows it (never the token itself, of which only a SHA-256 is kept). */
export interface RefreshTokenRecord extends JsonObject {
  id: string
  tenantId: string
  userId: string
  applicationId?: string
  startInstant: number
  insertInstant: number
  expirationInstant: number
  metaData: JsonObject
}

export class RefreshTokenStore {
  constructor(private readonly db: D1Handle) {}

  /** The INSERT of a new token; with `onlyIf`, it inserts nothing unless the condition holds at the primary (changes = 0). */
  async insertStatement(token: string, record: RefreshTokenRecord, onlyIf?: WriteCondition): Promise<D1PreparedStatement> {
    return this.db
      .prepare(
        `INSERT INTO refresh_tokens (id, token_hash, tenant_id, user_id, application_id, start_instant, expiration_instant, data) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ${onlyIf?.sql ?? '1'}`,
      )
      .bind(
        record.id,
        await sha256Base64Url(token),
        record.tenantId,
        record.userId,
        record.applicationId ?? null,
        record.startInstant,
        record.expirationInstant,
        JSON.stringify(record),
        ...(onlyIf?.binds ?? []),
      )
  }

  /** The record for a presented token, or null when unknown (expiry is the caller's decision). */
  async findByToken(token: string): Promise<RefreshTokenRecord | null> {
    const row = await this.db
      .prepare('SELECT data FROM refresh_tokens WHERE token_hash = ?')
      .bind(await sha256Base64Url(token))
      .first<{ data: string }>()
    return row ? parseDataColumn<RefreshTokenRecord>(row.data) : null
  }

  async get(id: string): Promise<RefreshTokenRecord | null> {
    const row = await this.db.prepare('SELECT data FROM refresh_tokens WHERE id = ?').bind(id).first<{ data: string }>()
    return row ? parseDataColumn<RefreshTokenRecord>(row.data) : null
  }

  async listForUser(userId: string): Promise<RefreshTokenRecord[]> {
    const { results } = await this.db
      .prepare('SELECT data FROM refresh_tokens WHERE user_id = ? ORDER BY start_instant')
      .bind(userId)
      .all<{ data: string }>()
    return results.map((row) => parseDataColumn<RefreshTokenRecord>(row.data))
  }

  async revoke(id: string): Promise<boolean> {
    return (await this.db.prepare('DELETE FROM refresh_tokens WHERE id = ?').bind(id).run()).meta.changes > 0
  }

  async revokeByToken(token: string): Promise<RefreshTokenRecord | null> {
    const row = await this.db
      .prepare('DELETE FROM refresh_tokens WHERE token_hash = ? RETURNING data')
      .bind(await sha256Base64Url(token))
      .first<{ data: string }>()
    return row ? parseDataColumn<RefreshTokenRecord>(row.data) : null
  }

  revokeAllForUserStatement(userId: string, applicationId?: string): D1PreparedStatement {
    return applicationId === undefined
      ? this.db.prepare('DELETE FROM refresh_tokens WHERE user_id = ?').bind(userId)
      : this.db.prepare('DELETE FROM refresh_tokens WHERE user_id = ? AND application_id = ?').bind(userId, applicationId)
  }

  async revokeAllForUser(userId: string, applicationId?: string): Promise<number> {
    return (await this.revokeAllForUserStatement(userId, applicationId).run()).meta.changes
  }

  /**
   * Swaps the stored token for a new value (OneTimeUse) and saves the record, only while the old value is
   * still stored: of two racing exchanges of one token exactly one swaps. False when the old value is gone.
   */
  async replaceToken(oldToken: string, newToken: string, record: RefreshTokenRecord): Promise<boolean> {
    const result = await this.db
      .prepare('UPDATE refresh_tokens SET token_hash = ?, expiration_instant = ?, data = ? WHERE token_hash = ?')
      .bind(await sha256Base64Url(newToken), record.expirationInstant, JSON.stringify(record), await sha256Base64Url(oldToken))
      .run()
    return result.meta.changes === 1
  }

  /** Saves a record whose expiry moved (sliding-window refresh tokens). */
  updateStatement(record: RefreshTokenRecord): D1PreparedStatement {
    return this.db
      .prepare('UPDATE refresh_tokens SET expiration_instant = ?, data = ? WHERE id = ?')
      .bind(record.expirationInstant, JSON.stringify(record), record.id)
  }

  async revokeAllForApplication(applicationId: string): Promise<number> {
    return (await this.db.prepare('DELETE FROM refresh_tokens WHERE application_id = ?').bind(applicationId).run()).meta.changes
  }
}
