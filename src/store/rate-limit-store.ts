import { deleteExpiredRows } from './bounded-delete'
import type { D1Handle } from './d1-handle'
import type { WriteCondition } from './login-store'

/** One counted request: its place in the window, and which window (so a release cannot reach a later one). */
export interface CountedRequest {
  count: number
  windowStartInstant: number
}

/** What countStatement returns. */
export interface CountRow {
  count: number
  window_start_instant: number
}

/**
 * Request counters in fixed windows (migration 0006). A window starts with the first request counted after the
 * previous one ended and lasts `windowMillis`; requests refused inside it still count but never extend it.
 */
export class RateLimitStore {
  constructor(private readonly db: D1Handle) {}

  /**
   * Counts one request and returns its number within the current window. One upsert with RETURNING: of any
   * number of racing requests each gets a distinct number, so "count first, then check" is exact.
   * (SQLite evaluates every SET expression against the row as it was, so the three CASEs agree.)
   */
  countStatement(key: string, nowMillis: number, windowMillis: number): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO rate_limits (key, count, window_start_instant, expires_instant) VALUES (?1, 1, ?2, ?2 + ?3)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_limits.expires_instant <= ?2 THEN 1 ELSE rate_limits.count + 1 END,
           window_start_instant = CASE WHEN rate_limits.expires_instant <= ?2 THEN ?2 ELSE rate_limits.window_start_instant END,
           expires_instant = CASE WHEN rate_limits.expires_instant <= ?2 THEN ?2 + ?3 ELSE rate_limits.expires_instant END
         RETURNING count, window_start_instant`,
      )
      .bind(key, nowMillis, windowMillis)
  }

  async count(key: string, nowMillis: number, windowMillis: number): Promise<CountedRequest> {
    return RateLimitStore.counted(await this.countStatement(key, nowMillis, windowMillis).first<CountRow>())
  }

  /** Reads what countStatement returned (through `first()` or a batch result); no row counts as over every limit. */
  static counted(row: CountRow | null | undefined): CountedRequest {
    return { count: row?.count ?? Number.MAX_SAFE_INTEGER, windowStartInstant: row?.window_start_instant ?? 0 }
  }

  /** Takes back one counted request (it turned out not to be what is limited, e.g. a right password), in its own window only. */
  async release(key: string, counted: CountedRequest): Promise<void> {
    await this.db
      .prepare('UPDATE rate_limits SET count = count - 1 WHERE key = ? AND window_start_instant = ? AND count > 0')
      .bind(key, counted.windowStartInstant)
      .run()
  }

  /**
   * release() for a caller's batch, made only if `onlyIf` holds too. `windowStartInstant` null: the window the same
   * batch just counted in (it cannot have ended in between).
   */
  releaseStatement(key: string, windowStartInstant: number | null, onlyIf: WriteCondition): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE rate_limits SET count = count - 1 WHERE key = ? AND (? IS NULL OR window_start_instant = ?) AND count > 0 AND (${onlyIf.sql})`,
      )
      .bind(key, windowStartInstant, windowStartInstant, ...onlyIf.binds)
  }

  /** True at the primary while the key's count is at most `max` (read after countStatement in one batch). */
  countAtMostCondition(key: string, max: number): WriteCondition {
    return { sql: '(SELECT count FROM rate_limits WHERE key = ?) <= ?', binds: [key, max] }
  }

  /** Deletes counters whose window has ended, in a bounded batch (for the scheduled purge). */
  async purgeExpired(nowMillis: number, limit = 5000): Promise<number> {
    return deleteExpiredRows(this.db, 'rate_limits', nowMillis, limit)
  }
}
