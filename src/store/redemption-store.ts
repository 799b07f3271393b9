import type { D1Handle } from './d1-handle'
import type { WriteCondition } from './login-store'
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
      .prepare(
        'INSERT INTO redemptions (token_hash, kind, redeemed_instant, expires_instant) VALUES (?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING',
      )
      .bind(await tokenHash(kind, token), kind, nowMillis, nowMillis + validForSeconds * 1000)
  }

  /** True for the one request that redeems the token; false when it was redeemed before. */
  async redeem(kind: string, token: string, nowMillis: number, validForSeconds: number): Promise<boolean> {
    const result = await (await this.statement(kind, token, nowMillis, validForSeconds)).run()
    return result.meta.changes === 1
  }

  async wasRedeemed(kind: string, token: string): Promise<boolean> {
    const row = await this.db
      .prepare('SELECT 1 FROM redemptions WHERE token_hash = ?')
      .bind(await tokenHash(kind, token))
      .first()
    return row !== null
  }

  /**
   * The redemption as a statement for a caller's batch, made only if `onlyIf` holds when it runs; RETURNING names
   * the row for the one request that inserted it (none when the condition failed or the token was redeemed before).
   */
  async redeemStatement(
    kind: string,
    token: string,
    nowMillis: number,
    validForSeconds: number,
    onlyIf: WriteCondition,
  ): Promise<D1PreparedStatement> {
    // The WHERE is what lets SQLite parse ON CONFLICT after INSERT ... SELECT.
    return this.db
      .prepare(
        `INSERT INTO redemptions (token_hash, kind, redeemed_instant, expires_instant) SELECT ?, ?, ?, ? WHERE ${onlyIf.sql}
         ON CONFLICT (token_hash) DO NOTHING RETURNING token_hash`,
      )
      .bind(await tokenHash(kind, token), kind, nowMillis, nowMillis + validForSeconds * 1000, ...onlyIf.binds)
  }

  /** True at the primary once the token has been redeemed: for a statement of the same batch to read. */
  async redeemedCondition(kind: string, token: string): Promise<WriteCondition> {
    return { sql: 'EXISTS (SELECT 1 FROM redemptions WHERE token_hash = ?)', binds: [await tokenHash(kind, token)] }
  }

  /** Deletes rows whose tokens have expired anyway; bounded so it fits a cron run. */
  async purgeExpired(nowMillis: number, limit = 5000): Promise<number> {
    return deleteExpiredRows(this.db, 'redemptions', nowMillis, limit)
  }
}

/** A redeemed token's key: its kind and hash, so a token of one kind never spends another kind's. */
const tokenHash = async (kind: string, token: string): Promise<string> => `${kind}:${await sha256Base64Url(token)}`
