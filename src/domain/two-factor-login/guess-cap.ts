import { counterKey } from '../rate-limit'
import type { CountedRequest } from '../../store/rate-limit-store'
import type { CodeCounting } from '../../store/two-factor-completion-store'

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

/** The numbers a request's attempt got when it was counted: its place on the twoFactorId and in the user's window. */
export interface CountedCodeAttempt {
  attempt: number
  user: CountedRequest
}

/**
 * Carries a request's counted attempt from its first decision to a retry at the primary (after a StaleReadError):
 * one request is one attempt, however often it is decided.
 */
export interface CodeAttemptLedger {
  counted?: CountedCodeAttempt
}

/** Whether a counted attempt's code may be checked. */
export type CodeAdmission =
  /** Check it. */
  | 'check'
  /** The twoFactorId has had its attempts: it is spent (404). */
  | 'twoFactorIdSpent'
  /** The user has had their checks for the window: refuse without checking (421). */
  | 'userCapped'

export function admissionOf(counted: CountedCodeAttempt): CodeAdmission {
  if (counted.attempt > MAX_CODE_ATTEMPTS) return 'twoFactorIdSpent'
  if (counted.user.count > MAX_USER_CODE_CHECKS) return 'userCapped'
  return 'check'
}

/**
 * How a completion batch treats this request's attempt: counted in it, before the batch judges the code (count
 * first, then check), on the twoFactorId and on the user, so of any number of concurrent attempts each gets its
 * own numbers and at most MAX_CODE_ATTEMPTS codes of one twoFactorId and MAX_USER_CODE_CHECKS of one user are
 * ever checked; or, once the ledger holds the numbers, as counted already.
 */
export async function codeCounting(
  login: { scope: string; expiresInstant: number; tenantId: string; userId: string; nowMillis: number },
  ledger: CodeAttemptLedger,
): Promise<CodeCounting> {
  const userKey = await counterKey(USER_COUNTER, login.tenantId, { userId: login.userId })
  const counted = ledger.counted
  if (counted === undefined) {
    return {
      kind: 'count',
      scope: login.scope,
      expiresInstant: login.expiresInstant,
      userKey,
      nowMillis: login.nowMillis,
      windowMillis: USER_CODE_WINDOW_SECONDS * 1000,
      maxAttempts: MAX_CODE_ATTEMPTS,
      maxUserChecks: MAX_USER_CODE_CHECKS,
    }
  }
  const admission = admissionOf(counted)
  return {
    kind: 'counted',
    admitted: admission === 'check',
    overAttempts: admission === 'twoFactorIdSpent',
    userKey,
    windowStartInstant: counted.user.windowStartInstant,
  }
}
