import type { D1Handle } from './d1-handle'
import type { PendingWrite } from './data-context'
import type { WriteCondition } from './login-store'
import { REDEMPTION_KINDS } from './names'
import { type CountRow, type CountedRequest, RateLimitStore } from './rate-limit-store'
import type { RedemptionStore } from './redemption-store'
import { type AttemptRow, TwoFactorStore } from './two-factor-store'
import { AFTER_PREVIOUS_WRITE, ALWAYS, NEVER, allOf } from './write-conditions'

/** How a completion batch treats the request's attempt at a code. */
export type CodeCounting =
  /** Count it in this batch (on the twoFactorId, and on the user's window) and admit it only within both caps. */
  | {
      kind: 'count'
      scope: string
      expiresInstant: number
      userKey: string
      nowMillis: number
      windowMillis: number
      maxAttempts: number
      maxUserChecks: number
    }
  /** An earlier batch of the same request counted it already: admitted or not, it is not counted again. */
  | { kind: 'counted'; admitted: boolean; overAttempts: boolean; userKey: string; windowStartInstant: number }

/** The factor a batch spends when the twoFactorId is redeemed. */
export type SpentFactor =
  /** An emailed code: its hash is checked here, after the count. */
  | { kind: 'oneTime'; scope: string; codeHash: string }
  /** A recovery code: its hash is checked here, after the count. */
  | { kind: 'recovery'; userId: string; codeHash: string }
  /**
   * A TOTP step the Worker matched before the batch (local work: the secret's codes for the window). The batch judges
   * it after its count like any factor: admitted within the caps, then spent only if the step is still fresh.
   */
  | { kind: 'totp'; userId: string; methodId: string; step: number }

export interface CompletionBatch {
  twoFactorId: string
  nowMillis: number
  /** How long the twoFactorId could still be used: how long its redemption row must be kept. */
  validForSeconds: number
  counting: CodeCounting
  /** The user as the decision read them (when read at a replica): nothing but the counts is written unless it holds. */
  unchanged?: WriteCondition
  /** Null when the code can be nothing SQL checks (the batch then only counts and reports). */
  factor: SpentFactor | null
  /** The login's own writes (the refresh token), each made on AFTER_PREVIOUS_WRITE so it follows the factor's spending. */
  completion: readonly PendingWrite[]
}

/** What one completion batch found and did, read from its result sets. */
export interface CompletionResult {
  /** The numbers this batch counted (null when it counted nothing: kind `counted`). */
  counted: { attempt: number; user: CountedRequest } | null
  /** The user state guard held at the primary. */
  unchanged: boolean
  /** The twoFactorId had been redeemed before this batch. */
  spentBefore: boolean
  /** The factor held (SQL's check, only for an admitted attempt; for a matched TOTP step, whether it was admitted). */
  matched: boolean
  /** This batch redeemed the twoFactorId for a completion. */
  redeemed: boolean
  /** ...and spent the factor; then the completion's writes and the give-back of the user's count followed. */
  consumed: boolean
}

/**
 * POST /api/two-factor/login's writes as one batch: one round trip to the primary, one transaction, run in order:
 *
 *   1. (kind `count`) the attempt on the twoFactorId and on the user's hourly window, each an upsert RETURNING its number;
 *   2. a SELECT reporting, as the primary has it after 1: the user guard, whether the twoFactorId was spent before, and
 *      (only within the caps, so a capped attempt's code is never looked at) whether the factor holds;
 *   3. the twoFactorId's redemption, if within the caps as 1 left them, the guard holds and the factor holds;
 *   4. the factor's spending, 5. the login's writes and 6. the give-back of the user's count (a right code is not a
 *      guess), each only if the statement before it changed a row (AFTER_PREVIOUS_WRITE): a lost race stops the chain;
 *   7. past the twoFactorId's attempts, its redemption without a completion (spent: further guesses get 404).
 */
export class TwoFactorCompletionStore {
  /** The stores whose statements the batch combines, built over the same handle (DataContext passes its own). */
  constructor(
    private readonly db: D1Handle,
    private readonly attempts: TwoFactorStore,
    private readonly counters: RateLimitStore,
    private readonly redemptions: RedemptionStore,
  ) {}

  async commit(batch: CompletionBatch): Promise<CompletionResult> {
    const { counting, factor } = batch
    const kind = REDEMPTION_KINDS.twoFactorId
    const redeem = (onlyIf: WriteCondition) =>
      this.redemptions.redeemStatement(kind, batch.twoFactorId, batch.nowMillis, batch.validForSeconds, onlyIf)
    const unchanged = batch.unchanged ?? ALWAYS

    const statements: D1PreparedStatement[] = []
    let admitted: WriteCondition
    if (counting.kind === 'count') {
      statements.push(
        this.attempts.countAttemptStatement(counting.scope, counting.expiresInstant),
        this.counters.countStatement(counting.userKey, counting.nowMillis, counting.windowMillis),
      )
      admitted = allOf(
        this.attempts.attemptsAtMostCondition(counting.scope, counting.maxAttempts),
        this.counters.countAtMostCondition(counting.userKey, counting.maxUserChecks),
      )
    } else {
      admitted = counting.admitted ? ALWAYS : NEVER
    }

    const check = factor === null ? NEVER : this.check(factor, batch.nowMillis)
    const spent = await this.redemptions.redeemedCondition(kind, batch.twoFactorId)
    const reportAt = statements.length
    statements.push(
      this.db
        .prepare(
          `SELECT (${unchanged.sql}) AS unchanged, (${spent.sql}) AS spent, CASE WHEN (${admitted.sql}) THEN (${check.sql}) ELSE 0 END AS matched`,
        )
        .bind(...unchanged.binds, ...spent.binds, ...admitted.binds, ...check.binds),
    )

    let redeemAt: number | null = null
    let consumeAt: number | null = null
    if (factor !== null) {
      redeemAt = statements.length
      statements.push(await redeem(allOf(admitted, unchanged, check)))
      consumeAt = statements.length
      statements.push(this.spend(factor, batch.nowMillis), ...batch.completion)
      const windowStart = counting.kind === 'count' ? null : counting.windowStartInstant
      statements.push(this.counters.releaseStatement(counting.userKey, windowStart, AFTER_PREVIOUS_WRITE))
    }
    if (counting.kind === 'count')
      statements.push(await redeem(allOf(this.attempts.attemptsOverCondition(counting.scope, counting.maxAttempts), unchanged)))
    else if (counting.overAttempts) statements.push(await redeem(unchanged))

    const results = await this.db.batch(statements)
    // The rows of this method's own statements: the two counts' RETURNING, the report's columns, the RETURNINGs of 3 and 4.
    const report = results[reportAt]?.results[0] as { unchanged: number; spent: number; matched: number } | undefined
    const returned = (at: number | null): boolean => at !== null && (results[at]?.results.length ?? 0) > 0
    return {
      counted:
        counting.kind === 'count'
          ? {
              attempt: TwoFactorStore.attemptNumber(results[0]?.results[0] as AttemptRow | undefined),
              user: RateLimitStore.counted(results[1]?.results[0] as CountRow | undefined),
            }
          : null,
      unchanged: report?.unchanged === 1,
      spentBefore: report?.spent === 1,
      matched: report?.matched === 1,
      redeemed: returned(redeemAt),
      consumed: returned(consumeAt),
    }
  }

  private check(factor: SpentFactor, nowMillis: number): WriteCondition {
    switch (factor.kind) {
      case 'oneTime':
        return this.attempts.hasCodeCondition(factor.scope, factor.codeHash, nowMillis)
      case 'recovery':
        return this.attempts.hasRecoveryCodeCondition(factor.userId, factor.codeHash)
      case 'totp':
        // Matched by the caller; admitted only as the count allows (the CASE in the report and the redemption's
        // condition), and whether the step is still fresh is the spending's own condition (a lost race: 421).
        return ALWAYS
    }
  }

  /** The factor's single-use write, only right after this batch's redemption inserted its row. */
  private spend(factor: SpentFactor, nowMillis: number): D1PreparedStatement {
    switch (factor.kind) {
      case 'oneTime':
        return this.attempts.redeemCodeStatement(factor.scope, factor.codeHash, nowMillis, AFTER_PREVIOUS_WRITE)
      case 'recovery':
        return this.attempts.redeemRecoveryCodeStatement(factor.userId, factor.codeHash, AFTER_PREVIOUS_WRITE)
      case 'totp':
        return this.attempts.advanceStepStatement(factor.userId, factor.methodId, factor.step, AFTER_PREVIOUS_WRITE)
    }
  }
}
