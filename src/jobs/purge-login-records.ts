/**
 * The scheduled purge of old login records (`loginRecordConfiguration.delete` in the system configuration).
 * Deletes in batches so that each statement stays far inside D1's limits (two bound values, a bounded index range,
 * well under the 30 s query limit) and the whole run inside the cron's budget. Whatever is left when the budget
 * runs out is still older than the cutoff at the next hourly run, so the purge resumes there by itself.
 */
import type { Bindings } from '../env'
import { type DataContext, dataContextFor } from '../store/data-context'
import type { LoginRecordStore } from '../store/login-record-store'

const MILLIS_PER_DAY = 86_400_000

export interface PurgeBudget {
  /** Rows per DELETE. */
  batchSize: number
  /** DELETE statements per run. */
  maxBatches: number
  /** Wall-clock time per run; checked between batches. */
  maxElapsedMillis: number
  /** Reads the wall clock for the time budget (tests replace it); defaults to Date.now. */
  clock?: () => number
}

/**
 * A D1 database runs one statement at a time, so every purge DELETE holds up the logins behind it. The bench measured
 * about 140 ms per 5,000-row DELETE (three indexes to update) and about 40 ms per 1,000 rows, so with 1,000 a login
 * waits at most about 40 ms behind the purge. 2,000 of them (2,000,000 rows an hour) or five minutes, whichever comes
 * first, still leaves most of an hourly cron's 15 minutes of CPU unused.
 */
export const DEFAULT_PURGE_BUDGET: PurgeBudget = { batchSize: 1000, maxBatches: 2000, maxElapsedMillis: 5 * 60_000 }

export interface PurgeResult {
  /** False when deletion is disabled in the system configuration. */
  enabled: boolean
  /** Records strictly older than this instant are deleted; null when disabled. */
  cutoffMillis: number | null
  deleted: number
  batches: number
  /** True when no expired record was left; false when the budget ran out first. */
  complete: boolean
}

/** Deletes records older than `cutoffMillis` within `budget`. */
export async function purgeOlderThan(
  store: LoginRecordStore,
  cutoffMillis: number,
  budget: PurgeBudget,
): Promise<Omit<PurgeResult, 'enabled'>> {
  const clock = budget.clock ?? Date.now
  const startedMillis = clock()
  let deleted = 0
  let batches = 0
  let complete = false
  while (batches < budget.maxBatches && clock() - startedMillis < budget.maxElapsedMillis) {
    const count = await store.purgeBatch(cutoffMillis, budget.batchSize)
    batches++
    deleted += count
    if (count < budget.batchSize) {
      complete = true
      break
    }
  }
  return { cutoffMillis, deleted, batches, complete }
}

/**
 * Reads the retention settings and purges what they expire as of `nowMillis` (the cron's scheduled time).
 * Does nothing when deletion is disabled or the retention is not a positive whole number of days.
 */
export async function purgeLoginRecords(data: DataContext, budget: PurgeBudget = DEFAULT_PURGE_BUDGET): Promise<PurgeResult> {
  const stored = await data.systemConfiguration.get()
  const retention = stored?.configuration.loginRecordConfiguration?.delete
  const days = retention?.numberOfDaysToRetain
  if (retention?.enabled !== true || typeof days !== 'number' || !Number.isSafeInteger(days) || days <= 0) {
    return { enabled: false, cutoffMillis: null, deleted: 0, batches: 0, complete: true }
  }
  const result = await purgeOlderThan(data.loginRecords, data.nowMillis - days * MILLIS_PER_DAY, budget)
  return { enabled: true, ...result }
}

/** The cron entry point: runs the purge and logs one line when it did something or stopped short. */
export async function runScheduledPurge(env: Bindings, scheduledTimeMillis: number): Promise<void> {
  const result = await purgeLoginRecords(dataContextFor(env, scheduledTimeMillis))
  if (result.deleted > 0 || !result.complete) console.log(JSON.stringify({ job: 'purge-login-records', ...result }))
}
