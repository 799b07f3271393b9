import type { D1Handle } from './d1-handle'
import { sha256Base64Url } from '../domain/crypto/secrets'
import { deleteExpiredRows } from './bounded-delete'

/**
 * Single use, enforced in D1: redeeming inserts the token's hash under a primary key, so of two racing
 * redemptions exactly one inserts a row. Rows are kept until the token could no longer be valid.
 */
export class RedemptionStore {
  constructor(private readonly db: D1Handle) {}

  private async statement(kind: string, token: string, nowMillis: number, validForSeconds: number): Promise<D1PreparedStatement> {
    return this.db
      .prepare('INSERT INTO redemptions (token_hash, kind, redeemed_instant, expires_instant) VALUES (?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING')
      .bind(`${kind}:${await sha256Base64Url(token)}`, kind, nowMillis, nowMillis + validForSeconds * 1000)
  }

  /** True for the one request that redeems the token; false when it was redeemed before. */
  async redeem(kind: string, token: string, nowMillis: number, validForSeconds: number): Promise<boolean> {
    const result = await (await this.statement(kind, token, nowMillis, validForSeconds)).run()
    return result.meta.changes === 1
  }

  async wasRedeemed(kind: string, token: string): Promise<boolean> {
    const row = await this.db.prepare('SELECT 1 FROM redemptions WHERE token_hash = ?').bind(`${kind}:${await sha256Base64Url(token)}`).first()
    return row !== null
  }

  /** Deletes rows whose tokens have expired anyway; bounded so it fits a cron run. */
  async purgeExpired(nowMillis: number, limit = 5000): Promise<number> {
    return deleteExpiredRows(this.db, 'redemptions', nowMillis, limit)
  }
}
