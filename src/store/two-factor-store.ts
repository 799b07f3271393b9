import type { D1Handle } from './d1-handle'
import type { WriteCondition } from './login-store'
import { type PublicTwoFactorMethod, type TwoFactorMethodKind, isTwoFactorMethodKind, toPublicMethod } from '../domain/two-factor/methods'
import { parseDataColumn } from './json-column'
import { deleteExpiredRows } from './bounded-delete'

/** A method as stored: the public view plus what never leaves the server. */
export interface StoredTwoFactorMethod {
  id: string
  method: TwoFactorMethodKind
  view: PublicTwoFactorMethod
  /** Authenticator only: the TOTP key, SecretBox ciphertext. */
  secretEncrypted: string | null
  /** Authenticator only: the last accepted TOTP time step. */
  lastStep: number | null
}

/** Two parameters (user id, instant) plus one per code: 98 codes fill the 100 D1 allows. */
const RECOVERY_CODES_PER_INSERT = 98

interface MethodRow {
  id: string
  method: string
  secret_encrypted: string | null
  last_step: number | null
  data: string
}

/** What countAttemptStatement returns. */
export interface AttemptRow {
  count: number
}

/** A method to insert; `lastStep` is the step of the code that enabled it, so that code cannot log in later. */
export interface NewTwoFactorMethod {
  view: PublicTwoFactorMethod
  secretEncrypted: string | null
  lastStep: number | null
}

/**
 * Two-factor methods, recovery codes and emailed codes in D1 (migration 0003). Every write that changes a
 * user's methods returns statements, so the caller batches them with `userViewStatement`, which rebuilds
 * the user's `twoFactor.methods` JSON (the public copy the user APIs show) from this table in the same transaction.
 */
export class TwoFactorStore {
  constructor(private readonly db: D1Handle) {}

  async listMethods(userId: string): Promise<StoredTwoFactorMethod[]> {
    const { results } = await this.db
      .prepare('SELECT id, method, secret_encrypted, last_step, data FROM two_factor_methods WHERE user_id = ? ORDER BY insert_instant, id')
      .bind(userId)
      .all<MethodRow>()
    return results.flatMap((row) => {
      if (!isTwoFactorMethodKind(row.method)) return []
      // `data` was written by insertMethodStatement from a PublicTwoFactorMethod; re-derive it through the allow-list.
      const data = parseDataColumn<Record<string, unknown>>(row.data)
      const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)
      const view = toPublicMethod({
        id: row.id,
        method: row.method,
        email: text(data.email),
        mobilePhone: text(data.mobilePhone),
        name: text(data.name),
      })
      return [{ id: row.id, method: row.method, view, secretEncrypted: row.secret_encrypted, lastStep: row.last_step }]
    })
  }

  insertMethodStatement(userId: string, method: NewTwoFactorMethod, nowMillis: number): D1PreparedStatement {
    return this.db
      .prepare(
        'INSERT INTO two_factor_methods (user_id, id, method, secret_encrypted, last_step, data, insert_instant) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .bind(userId, method.view.id, method.view.method, method.secretEncrypted, method.lastStep, JSON.stringify(method.view), nowMillis)
  }

  deleteMethodStatement(userId: string, methodId: string): D1PreparedStatement {
    return this.db.prepare('DELETE FROM two_factor_methods WHERE user_id = ? AND id = ?').bind(userId, methodId)
  }

  deleteAllMethodsStatement(userId: string): D1PreparedStatement {
    return this.db.prepare('DELETE FROM two_factor_methods WHERE user_id = ?').bind(userId)
  }

  /**
   * Rebuilds `users.data -> $.twoFactor` from two_factor_methods (removed when none are left). Reading
   * the table inside the UPDATE keeps the copy right even when two changes to one user race.
   */
  userViewStatement(userId: string): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE users SET data = CASE
           WHEN EXISTS (SELECT 1 FROM two_factor_methods WHERE user_id = ?1)
           THEN json_set(data, '$.twoFactor', json_object('methods', json((
             SELECT json_group_array(json(d)) FROM (SELECT data AS d FROM two_factor_methods WHERE user_id = ?1 ORDER BY insert_instant, id)))))
           ELSE json_remove(data, '$.twoFactor') END
         WHERE id = ?1`,
      )
      .bind(userId)
  }

  /**
   * Records `step` as the method's last accepted TOTP step. Only a step later than the stored one is
   * written, so of two requests with one code (or a replay of an older code) exactly one gets true.
   */
  async advanceStep(userId: string, methodId: string, step: number): Promise<boolean> {
    const result = await this.db
      .prepare('UPDATE two_factor_methods SET last_step = ?1 WHERE user_id = ?2 AND id = ?3 AND (last_step IS NULL OR last_step < ?1)')
      .bind(step, userId, methodId)
      .run()
    return result.meta.changes === 1
  }

  /**
   * advanceStep for a caller's batch, made only if `onlyIf` holds too; RETURNING the method's id when the step
   * moved (anonymous placeholders, so `onlyIf` may carry its own).
   */
  advanceStepStatement(userId: string, methodId: string, step: number, onlyIf: WriteCondition): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE two_factor_methods SET last_step = ? WHERE user_id = ? AND id = ? AND (last_step IS NULL OR last_step < ?) AND (${onlyIf.sql}) RETURNING id`,
      )
      .bind(step, userId, methodId, step, ...onlyIf.binds)
  }

  /** Replaces the user's recovery codes with these hashes (a new set invalidates the old one). */
  replaceRecoveryCodesStatements(userId: string, codeHashes: readonly string[], nowMillis: number): D1PreparedStatement[] {
    return [
      this.deleteRecoveryCodesStatement(userId),
      ...codeHashes.map((hash) =>
        this.db
          .prepare('INSERT INTO two_factor_recovery_codes (user_id, code_hash, insert_instant) VALUES (?, ?, ?)')
          .bind(userId, hash, nowMillis),
      ),
    ]
  }

  /**
   * Adds recovery code hashes without touching existing ones (user import). Multi-row INSERTs binding the
   * user id and instant once, so each statement stays under D1's 100 bound parameters.
   */
  insertRecoveryCodesStatements(userId: string, codeHashes: readonly string[], nowMillis: number): D1PreparedStatement[] {
    const statements: D1PreparedStatement[] = []
    for (let start = 0; start < codeHashes.length; start += RECOVERY_CODES_PER_INSERT) {
      const chunk = codeHashes.slice(start, start + RECOVERY_CODES_PER_INSERT)
      const rows = chunk.map((_, i) => `(?1, ?${i + 3}, ?2)`).join(', ')
      statements.push(
        this.db
          .prepare(`INSERT INTO two_factor_recovery_codes (user_id, code_hash, insert_instant) VALUES ${rows}`)
          .bind(userId, nowMillis, ...chunk),
      )
    }
    return statements
  }

  deleteRecoveryCodesStatement(userId: string): D1PreparedStatement {
    return this.db.prepare('DELETE FROM two_factor_recovery_codes WHERE user_id = ?').bind(userId)
  }

  /** Drops the recovery codes once no method is left (batched after a method's delete). */
  deleteRecoveryCodesIfNoMethodsStatement(userId: string): D1PreparedStatement {
    return this.db
      .prepare(
        'DELETE FROM two_factor_recovery_codes WHERE user_id = ?1 AND NOT EXISTS (SELECT 1 FROM two_factor_methods WHERE user_id = ?1)',
      )
      .bind(userId)
  }

  async hasRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const row = await this.db
      .prepare('SELECT 1 FROM two_factor_recovery_codes WHERE user_id = ? AND code_hash = ?')
      .bind(userId, codeHash)
      .first()
    return row !== null
  }

  /** Spends a recovery code: true for the one request whose DELETE removed it. */
  async redeemRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const row = await this.db
      .prepare('DELETE FROM two_factor_recovery_codes WHERE user_id = ? AND code_hash = ? RETURNING code_hash')
      .bind(userId, codeHash)
      .first()
    return row !== null
  }

  /** True at the primary while the user has this recovery code: the check of a recovery code, inside a batch. */
  hasRecoveryCodeCondition(userId: string, codeHash: string): WriteCondition {
    return { sql: 'EXISTS (SELECT 1 FROM two_factor_recovery_codes WHERE user_id = ? AND code_hash = ?)', binds: [userId, codeHash] }
  }

  /** redeemRecoveryCode for a caller's batch, made only if `onlyIf` holds too. */
  redeemRecoveryCodeStatement(userId: string, codeHash: string, onlyIf: WriteCondition): D1PreparedStatement {
    return this.db
      .prepare(`DELETE FROM two_factor_recovery_codes WHERE user_id = ? AND code_hash = ? AND (${onlyIf.sql}) RETURNING code_hash`)
      .bind(userId, codeHash, ...onlyIf.binds)
  }

  async countRecoveryCodes(userId: string): Promise<number> {
    const row = await this.db
      .prepare('SELECT COUNT(*) AS n FROM two_factor_recovery_codes WHERE user_id = ?')
      .bind(userId)
      .first<{ n: number }>()
    return row?.n ?? 0
  }

  /** Stores the newest code for a scope, replacing (and so invalidating) any earlier one. */
  async putCode(scope: string, codeHash: string, target: string, expiresInstant: number): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO two_factor_codes (scope, code_hash, target, expires_instant) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (scope) DO UPDATE SET code_hash = ?2, target = ?3, expires_instant = ?4`,
      )
      .bind(scope, codeHash, target, expiresInstant)
      .run()
  }

  /** The target of the scope's current code when it has this hash and has not expired, else null. Does not spend it. */
  async findCode(scope: string, codeHash: string, nowMillis: number): Promise<string | null> {
    const row = await this.db
      .prepare('SELECT target FROM two_factor_codes WHERE scope = ? AND code_hash = ? AND expires_instant > ?')
      .bind(scope, codeHash, nowMillis)
      .first<{ target: string }>()
    return row?.target ?? null
  }

  /** Spends the scope's code if it still has this hash and target: true for the one request that deleted it. */
  async redeemCode(scope: string, codeHash: string, target: string, nowMillis: number): Promise<boolean> {
    const row = await this.db
      .prepare('DELETE FROM two_factor_codes WHERE scope = ? AND code_hash = ? AND target = ? AND expires_instant > ? RETURNING scope')
      .bind(scope, codeHash, target, nowMillis)
      .first()
    return row !== null
  }

  /** True at the primary while the scope's current, unexpired code has this hash (any target): the check of an emailed code, inside a batch. */
  hasCodeCondition(scope: string, codeHash: string, nowMillis: number): WriteCondition {
    return {
      sql: 'EXISTS (SELECT 1 FROM two_factor_codes WHERE scope = ? AND code_hash = ? AND expires_instant > ?)',
      binds: [scope, codeHash, nowMillis],
    }
  }

  /** Spends the scope's code (any target) in a caller's batch, only if `onlyIf` holds too. */
  redeemCodeStatement(scope: string, codeHash: string, nowMillis: number, onlyIf: WriteCondition): D1PreparedStatement {
    return this.db
      .prepare(`DELETE FROM two_factor_codes WHERE scope = ? AND code_hash = ? AND expires_instant > ? AND (${onlyIf.sql}) RETURNING scope`)
      .bind(scope, codeHash, nowMillis, ...onlyIf.binds)
  }

  async deleteCode(scope: string): Promise<void> {
    await this.db.prepare('DELETE FROM two_factor_codes WHERE scope = ?').bind(scope).run()
  }

  /** Deletes expired codes in bounded batches (for the scheduled purge). */
  async purgeExpiredCodes(nowMillis: number, limit = 5000): Promise<number> {
    return deleteExpiredRows(this.db, 'two_factor_codes', nowMillis, limit)
  }

  /**
   * Counts one code attempt for a pending login and returns its number (atomic under races: of any number of
   * concurrent attempts each gets a distinct number). Counted before the code is checked.
   */
  countAttemptStatement(scope: string, expiresInstant: number): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO two_factor_attempts (scope, count, expires_instant) VALUES (?1, 1, ?2)
         ON CONFLICT (scope) DO UPDATE SET count = two_factor_attempts.count + 1 RETURNING count`,
      )
      .bind(scope, expiresInstant)
  }

  async countAttempt(scope: string, expiresInstant: number): Promise<number> {
    return TwoFactorStore.attemptNumber(await this.countAttemptStatement(scope, expiresInstant).first<AttemptRow>())
  }

  /** True at the primary while the scope has had at most `max` attempts counted (read after countAttemptStatement in one batch). */
  attemptsAtMostCondition(scope: string, max: number): WriteCondition {
    return { sql: '(SELECT count FROM two_factor_attempts WHERE scope = ?) <= ?', binds: [scope, max] }
  }

  /** True at the primary once the scope has had more than `max` attempts counted. */
  attemptsOverCondition(scope: string, max: number): WriteCondition {
    return { sql: '(SELECT count FROM two_factor_attempts WHERE scope = ?) > ?', binds: [scope, max] }
  }

  /** Reads what countAttemptStatement returned; no row counts as over every cap. */
  static attemptNumber(row: AttemptRow | null | undefined): number {
    return row?.count ?? Number.MAX_SAFE_INTEGER
  }

  async purgeExpiredAttempts(nowMillis: number, limit = 5000): Promise<number> {
    return deleteExpiredRows(this.db, 'two_factor_attempts', nowMillis, limit)
  }
}
