import type { D1Handle } from './d1-handle'
import type { PendingWrite } from './data-context'
import type { WriteCondition } from './login-store'
import { sha256Base64Url } from '../domain/crypto/secrets'
import { deleteExpiredRows } from './bounded-delete'
import { ALWAYS } from './write-conditions'

/**
 * The token had been redeemed before (or by a racing batch that committed first): the batch that meant to spend it
 * was rolled back whole. Thrown, so that an action's `data.events.around` queues none of its events.
 */
export class RedeemedBeforeError extends Error {
  constructor(kind: string) {
    super(`${kind} redeemed before`)
    this.name = 'RedeemedBeforeError'
  }
}

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

  /**
   * Spends the token together with the writes it authorizes, in one batch (one round trip, one transaction). The
   * redemption goes first as a plain INSERT: a token redeemed before fails it on the primary key, and D1 rolls the whole
   * batch back, so of racing batches exactly one writes anything, and that one is decided by the batch, not before it
   * (an action that refuses before its commit, a 504, spends nothing). Throws RedeemedBeforeError then.
   *
   * With `onlyIf` (the user as a replica showed them), a failed condition inserts nothing and raises nothing: the
   * result is false, and each of `writes` must then carry AFTER_PREVIOUS_WRITE to be skipped with it.
   */
  async redeemWith(
    kind: string,
    token: string,
    redemption: { nowMillis: number; validForSeconds: number; onlyIf?: WriteCondition },
    writes: readonly PendingWrite[],
  ): Promise<boolean> {
    const { nowMillis, validForSeconds, onlyIf = ALWAYS } = redemption
    const redeem = this.db
      .prepare(
        `INSERT INTO redemptions (token_hash, kind, redeemed_instant, expires_instant) SELECT ?, ?, ?, ? WHERE ${onlyIf.sql} RETURNING token_hash`,
      )
      .bind(await tokenHash(kind, token), kind, nowMillis, nowMillis + validForSeconds * 1000, ...onlyIf.binds)
    try {
      const [redeemed] = await this.db.batch([redeem, ...writes])
      return (redeemed?.results.length ?? 0) > 0
    } catch (error) {
      if (error instanceof Error && REDEEMED_BEFORE.test(error.message)) throw new RedeemedBeforeError(kind)
      throw error
    }
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

/** SQLite's primary-key failure on a redemption's row (D1 reports it in the error's message, locally and deployed). */
const REDEEMED_BEFORE = /UNIQUE constraint failed: redemptions\.token_hash/

/** A redeemed token's key: its kind and hash, so a token of one kind never spends another kind's. */
const tokenHash = async (kind: string, token: string): Promise<string> => `${kind}:${await sha256Base64Url(token)}`
