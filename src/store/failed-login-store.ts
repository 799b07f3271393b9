/** Failed-login counters in D1: counted atomically, so racing wrong passwords all count (KV could not). */
import type { D1Handle } from './d1-handle'
import type { WriteCondition } from './login-store'

export class FailedLoginStore {
  constructor(private readonly db: D1Handle) {}

  /**
   * Counts one failure and returns the new count. The count restarts at 1 when the previous failure
   * is older than `resetAfterMillis` (a window sliding from the last failure, as FusionAuth's). With `onlyIf`, nothing
   * is counted unless the condition holds (the user is as a replica said), and the answer is null.
   */
  async recordFailure(
    tenantId: string,
    userId: string,
    nowMillis: number,
    resetAfterMillis: number,
    onlyIf?: WriteCondition,
  ): Promise<number | null> {
    // Plain placeholders in text order: the condition's own values sit between the row's and the update's.
    const row = await this.db
      .prepare(
        `INSERT INTO failed_logins (user_id, tenant_id, count, last_failed_instant) SELECT ?, ?, 1, ? WHERE ${onlyIf?.sql ?? 'true'}
         ON CONFLICT (user_id) DO UPDATE SET
           count = CASE WHEN failed_logins.last_failed_instant + ? < ? THEN 1 ELSE failed_logins.count + 1 END,
           last_failed_instant = ?
         RETURNING count`,
      )
      .bind(userId, tenantId, nowMillis, ...(onlyIf?.binds ?? []), resetAfterMillis, nowMillis, nowMillis)
      .first<{ count: number }>()
    return row?.count ?? null
  }

  /**
   * The write a wrong password costs, for a login id that names no user: the same upsert against a key no user
   * can have, so an unknown user's 404 takes the round trip a counted failure takes. One row per tenant. With
   * `onlyIf`, nothing is written unless it holds (false).
   */
  async recordMiss(tenantId: string, nowMillis: number, onlyIf?: WriteCondition): Promise<boolean> {
    const row = await this.db
      .prepare(
        `INSERT INTO failed_login_misses (tenant_id, count, last_failed_instant) SELECT ?, 1, ? WHERE ${onlyIf?.sql ?? 'true'}
         ON CONFLICT (tenant_id) DO UPDATE SET count = failed_login_misses.count + 1, last_failed_instant = ?
         RETURNING count`,
      )
      .bind(tenantId, nowMillis, ...(onlyIf?.binds ?? []), nowMillis)
      .first()
    return row !== null
  }

  resetStatement(userId: string): D1PreparedStatement {
    return this.db.prepare('DELETE FROM failed_logins WHERE user_id = ?').bind(userId)
  }

  async reset(userId: string): Promise<void> {
    await this.resetStatement(userId).run()
  }
}
