import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SystemConfiguration } from '../../src/domain/system-configuration'
import worker from '../../src/index'
import { DEFAULT_PURGE_BUDGET, purgeLoginRecords } from '../../src/jobs/purge-login-records'
import { dataContextFor } from '../../src/store/data-context'
import { LoginRecordStore } from '../../src/store/login-record-store'
import { SystemConfigurationStore } from '../../src/store/system-configuration-store'
import { defaultTenant } from '../fixtures'
import { loginRecord, seedLoginRecords, storedInstants } from '../routes/login-records-seed'

const DAY = 86_400_000
const RETAIN_DAYS = 30

// Each test gets its own "now" in the 1970s-1990s, lower than the previous test's, with its records at most 900
// days older. Records other test files write (real clock, or the years past 2096) are newer than every cutoff here,
// and records an earlier test left behind are newer than a later test's cutoff, so batch counts stay exact.
const WINDOW_DAYS = 1000
let window = 0
const nowInThe1970s = (): number => (10_000 - WINDOW_DAYS * ++window) * DAY

const configurations = new SystemConfigurationStore(env.DB)
let saved: SystemConfiguration

async function setRetention(enabled: boolean, numberOfDaysToRetain = RETAIN_DAYS): Promise<void> {
  await configurations.update({ ...saved, loginRecordConfiguration: { delete: { enabled, numberOfDaysToRetain } } }, Date.now())
}

/** Records for one fresh user at the given ages (in milliseconds before now). */
async function userWithRecordsAged(now: number, agesMillis: number[]): Promise<string> {
  const userId = crypto.randomUUID()
  await seedLoginRecords(agesMillis.map((age) => loginRecord(now - age, { userId })))
  return userId
}

beforeEach(async () => {
  await defaultTenant()
  const stored = await configurations.get()
  if (stored === null) throw new Error('no system configuration')
  saved = stored.configuration
})

afterEach(async () => {
  await configurations.update(saved, Date.now())
})

describe('purgeLoginRecords', () => {
  it('deletes nothing while deletion is disabled', async () => {
    const now = nowInThe1970s()
    const userId = await userWithRecordsAged(now, [400 * DAY, 31 * DAY])
    await setRetention(false)
    expect(await purgeLoginRecords(dataContextFor(env, now))).toEqual({
      enabled: false,
      cutoffMillis: null,
      deleted: 0,
      batches: 0,
      complete: true,
    })
    expect(await storedInstants(userId)).toHaveLength(2)
  })

  it('deletes only records strictly older than the retention period', async () => {
    const now = nowInThe1970s()
    const cutoff = now - RETAIN_DAYS * DAY
    const userId = await userWithRecordsAged(now, [365 * DAY, RETAIN_DAYS * DAY + 1, RETAIN_DAYS * DAY, RETAIN_DAYS * DAY - 1, 0])
    await setRetention(true)
    const result = await purgeLoginRecords(dataContextFor(env, now))
    expect(result).toMatchObject({ enabled: true, cutoffMillis: cutoff, complete: true })
    expect(result.deleted).toBe(2)
    expect(await storedInstants(userId)).toEqual([now, cutoff + 1, cutoff])
  })

  it('honours the configured number of days', async () => {
    const now = nowInThe1970s()
    const userId = await userWithRecordsAged(now, [8 * DAY, 6 * DAY])
    await setRetention(true, 7)
    await purgeLoginRecords(dataContextFor(env, now))
    expect(await storedInstants(userId)).toEqual([now - 6 * DAY])
  })

  it('stops at the batch budget and resumes on the next run', async () => {
    const now = nowInThe1970s()
    const userId = await userWithRecordsAged(now, [...Array.from({ length: 25 }, (_, i) => 40 * DAY + i), DAY])
    await setRetention(true)
    const budget = { ...DEFAULT_PURGE_BUDGET, batchSize: 10, maxBatches: 2 }
    const first = await purgeLoginRecords(dataContextFor(env, now), budget)
    expect(first).toMatchObject({ batches: 2, deleted: 20, complete: false })
    expect(await storedInstants(userId)).toHaveLength(6)
    const second = await purgeLoginRecords(dataContextFor(env, now), budget)
    expect(second.complete).toBe(true)
    expect(await storedInstants(userId)).toEqual([now - DAY])
  })

  it('stops when the time budget is spent', async () => {
    const now = nowInThe1970s()
    const userId = await userWithRecordsAged(
      now,
      Array.from({ length: 12 }, (_, i) => 40 * DAY + i),
    )
    await setRetention(true)
    let wallClock = 0
    // Every reading moves the wall clock 1 s: the start, then one check before each batch.
    const clock = (): number => (wallClock += 1000)
    const result = await purgeLoginRecords(dataContextFor(env, now), { batchSize: 3, maxBatches: 100, maxElapsedMillis: 2500, clock })
    expect(result).toMatchObject({ batches: 2, deleted: 6, complete: false })
    expect(await storedInstants(userId)).toHaveLength(6)
  })

  it('purgeBatch deletes at most the batch size, oldest first', async () => {
    const now = nowInThe1970s()
    const userId = await userWithRecordsAged(now, [50 * DAY, 49 * DAY, 48 * DAY])
    expect(await new LoginRecordStore(env.DB).purgeBatch(now - 48 * DAY, 1)).toBe(1)
    expect(await storedInstants(userId)).toEqual([now - 48 * DAY, now - 49 * DAY])
  })
})

describe('scheduled()', () => {
  it('purges through the cron handler, judging age by the scheduled time', async () => {
    const now = nowInThe1970s()
    const userId = await userWithRecordsAged(now, [RETAIN_DAYS * DAY + 5, RETAIN_DAYS * DAY - 5])
    await setRetention(true)
    const controller = createScheduledController({ scheduledTime: now, cron: '17 * * * *' })
    const ctx = createExecutionContext()
    await worker.scheduled(controller, env, ctx)
    await waitOnExecutionContext(ctx)
    expect(await storedInstants(userId)).toEqual([now - RETAIN_DAYS * DAY + 5])
  })

  it('leaves records alone when deletion is disabled', async () => {
    const now = nowInThe1970s()
    const userId = await userWithRecordsAged(now, [800 * DAY])
    await setRetention(false)
    const ctx = createExecutionContext()
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: '17 * * * *' }), env, ctx)
    await waitOnExecutionContext(ctx)
    expect(await storedInstants(userId)).toHaveLength(1)
  })
})
