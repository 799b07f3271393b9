import type { D1Handle } from './d1-handle'
/** Tables whose rows expire, with the column holding their deadline. Fixed here: never built from input. */
const EXPIRING = {
  redemptions: 'expires_instant',
  two_factor_codes: 'expires_instant',
  two_factor_attempts: 'expires_instant',
  rate_limits: 'expires_instant',
  login_records: 'instant',
} as const

export type ExpiringTable = keyof typeof EXPIRING

/**
 * Deletes at most `limit` rows of `table` whose deadline is strictly before `beforeMillis`, oldest first, and
 * returns how many it deleted. Every column above is indexed, so the subquery walks one index range and each
 * statement stays well inside D1's per-query time limit; callers loop or leave the rest to the next cron run.
 */
export async function deleteExpiredRows(db: D1Handle, table: ExpiringTable, beforeMillis: number, limit: number): Promise<number> {
  const column = EXPIRING[table]
  const result = await db
    .prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? ORDER BY ${column} LIMIT ?)`)
    .bind(beforeMillis, limit)
    .run()
  return result.meta.changes
}
