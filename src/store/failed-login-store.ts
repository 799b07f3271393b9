/** Failed-login counters in D1: counted atomically, so racing wrong passwords all count (KV could not). */
export class FailedLoginStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Counts one failure and returns the new count. The count restarts at 1 when the previous failure
   * is older than `resetAfterMillis` (a window sliding from the last failure, as FusionAuth's).
   */
  async recordFailure(tenantId: string, userId: string, nowMillis: number, resetAfterMillis: number): Promise<number> {
    const row = await this.db
      .prepare(
        `INSERT INTO failed_logins (user_id, tenant_id, count, last_failed_instant) VALUES (?1, ?2, 1, ?3)
         ON CONFLICT (user_id) DO UPDATE SET
           count = CASE WHEN failed_logins.last_failed_instant + ?4 < ?3 THEN 1 ELSE failed_logins.count + 1 END,
           last_failed_instant = ?3
         RETURNING count`,
      )
      .bind(userId, tenantId, nowMillis, resetAfterMillis)
      .first<{ count: number }>()
    return row?.count ?? 1
  }

  /**
   * The write a wrong password costs, for a login id that names no user: the same upsert against a key no user
   * can have, so an unknown user's 404 takes the round trip a counted failure takes. One row per tenant.
   */
  async recordMiss(tenantId: string, nowMillis: number): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO failed_login_misses (tenant_id, count, last_failed_instant) VALUES (?1, 1, ?2)
         ON CONFLICT (tenant_id) DO UPDATE SET count = failed_login_misses.count + 1, last_failed_instant = ?2
         RETURNING count`,
      )
      .bind(tenantId, nowMillis)
      .first()
  }

  resetStatement(userId: string): D1PreparedStatement {
    return this.db.prepare('DELETE FROM failed_logins WHERE user_id = ?').bind(userId)
  }

  async reset(userId: string): Promise<void> {
    await this.resetStatement(userId).run()
  }
}
