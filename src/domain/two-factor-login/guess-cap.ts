import type { LoginEnvironment } from '../login/complete-login'
import { counterKey } from '../rate-limit'
import { type CountRow, RateLimitStore } from '../../store/rate-limit-store'
import { type AttemptRow, TwoFactorStore } from '../../store/two-factor-store'

/**
 * Codes one twoFactorId may have checked. With 10^6 six-digit codes, five per challenge keep a guessed login
 * unlikely even when the tenant configures no lockout action (better-auth caps attempts likewise).
 */
export const MAX_CODE_ATTEMPTS = 5

/**
 * Codes one user may have checked across all their twoFactorIds in a fixed window of an hour, right codes given
 * back. A fresh password login gives a fresh twoFactorId, so the cap per id alone let a holder of the password
 * guess without end; this bounds them to 10 guesses an hour (about 0.07% of finding a TOTP code in a day, with
 * three codes valid at a time), while a user who mistypes has ten tries before waiting. An hour rather than the
 * twoFactorId's lifetime (300 s by default): at that lifetime the cap would still allow 120 guesses an hour.
 */
export const MAX_USER_CODE_CHECKS = 10
export const USER_CODE_WINDOW_SECONDS = 3600
const USER_COUNTER = 'twoFactorCode'

/** Whether a submitted code may be checked. */
export type CodeAdmission =
  /** Check it; `attempt` is its number on this twoFactorId; `giveBack` returns the user's count when the code was right. */
  | { kind: 'check'; attempt: number; giveBack: () => Promise<void> }
  /** The twoFactorId has had its attempts: spend it (404). */
  | { kind: 'twoFactorIdSpent' }
  /** The user has had their checks for the window: refuse without checking (421). */
  | { kind: 'userCapped' }

/**
 * Counts the attempt before the code is looked at (count first, then check), on the twoFactorId and on the user,
 * in one D1 batch: one round trip, and of any number of concurrent attempts each gets its own numbers, so at
 * most MAX_CODE_ATTEMPTS codes of one twoFactorId and MAX_USER_CODE_CHECKS of one user are ever checked.
 */
export async function admitCodeCheck(
  env: Pick<LoginEnvironment, 'db' | 'nowMillis'>,
  login: { scope: string; expiresInstant: number; tenantId: string; userId: string },
): Promise<CodeAdmission> {
  const attempts = new TwoFactorStore(env.db)
  const counters = new RateLimitStore(env.db)
  const userKey = await counterKey(USER_COUNTER, login.tenantId, { userId: login.userId })
  const [onId, onUser] = await env.db.batch<AttemptRow & CountRow>([
    attempts.countAttemptStatement(login.scope, login.expiresInstant),
    counters.countStatement(userKey, env.nowMillis, USER_CODE_WINDOW_SECONDS * 1000),
  ])
  const attempt = TwoFactorStore.attemptNumber(onId?.results[0])
  const userCount = RateLimitStore.counted(onUser?.results[0])
  if (attempt > MAX_CODE_ATTEMPTS) return { kind: 'twoFactorIdSpent' }
  if (userCount.count > MAX_USER_CODE_CHECKS) return { kind: 'userCapped' }
  return { kind: 'check', attempt, giveBack: () => counters.release(userKey, userCount) }
}
