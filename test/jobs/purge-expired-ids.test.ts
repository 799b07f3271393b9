import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { RedemptionStore } from '../../src/store/redemption-store'
import { TwoFactorStore } from '../../src/store/two-factor-store'

describe('scheduled purge of expired single-use bookkeeping', () => {
  it('deletes expired redemptions and two-factor attempt counters, keeps live ones', async () => {
    const now = Date.now()
    const redemptions = new RedemptionStore(env.DB)
    const expired = crypto.randomUUID()
    const live = crypto.randomUUID()
    await redemptions.redeem('purge-job', expired, now - 3_600_000, 60)
    await redemptions.redeem('purge-job', live, now, 3600)
    const attempts = new TwoFactorStore(env.DB)
    const oldScope = `login:${crypto.randomUUID()}`
    const liveScope = `login:${crypto.randomUUID()}`
    await attempts.countAttempt(oldScope, now - 1000)
    await attempts.countAttempt(liveScope, now + 300_000)

    const controller = createScheduledController({ scheduledTime: now, cron: '17 * * * *' })
    const ctx = createExecutionContext()
    await worker.scheduled(controller, env, ctx)
    await waitOnExecutionContext(ctx)

    expect(await redemptions.wasRedeemed('purge-job', expired)).toBe(false)
    expect(await redemptions.wasRedeemed('purge-job', live)).toBe(true)
    // A purged counter starts again from one; a live one keeps counting.
    expect(await attempts.countAttempt(oldScope, now + 300_000)).toBe(1)
    expect(await attempts.countAttempt(liveScope, now + 300_000)).toBe(2)
  })
})
