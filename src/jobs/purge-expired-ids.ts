import type { Bindings } from '../env'
import { dataContextFor } from '../store/data-context'

/** Rows per statement: one bounded DELETE per table keeps each query far from D1's 30 s limit. */
const BATCH = 5000

export interface PurgedIds {
  redemptions: number
  codes: number
  attempts: number
  rateLimits: number
}

/**
 * Deletes bookkeeping that can no longer matter: redemptions of ids past their deadline (an expired id is
 * refused anyway), emailed two-factor codes and attempt counters past theirs, and rate-limit counters whose
 * window has ended (the next request starts a new window anyway). Bounded per run; the next hourly run
 * continues where this one stopped.
 */
export async function purgeExpiredIds(env: Bindings, nowMillis: number): Promise<PurgedIds> {
  const data = dataContextFor(env, nowMillis)
  return {
    redemptions: await data.redemptions.purgeExpired(nowMillis, BATCH),
    codes: await data.twoFactor.purgeExpiredCodes(nowMillis, BATCH),
    attempts: await data.twoFactor.purgeExpiredAttempts(nowMillis, BATCH),
    rateLimits: await data.rateLimits.purgeExpired(nowMillis, BATCH),
  }
}
