import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { NewLoginRecord } from '../../src/domain/login-record'
import worker from '../../src/index'
import { retryDelaySeconds } from '../../src/jobs/write-logins'
import type { LoginQueueMessage } from '../../src/store/login-events'
import { UserStore } from '../../src/store/user-store'
import { world } from '../routes/session-fixtures'

const QUEUE = 'edge-login-api-logins'

const message = (recordId: string, record: NewLoginRecord, attempts = 1) => ({
  id: crypto.randomUUID(),
  timestamp: new Date(),
  attempts,
  body: { type: 'login.recorded', recordId, record } satisfies LoginQueueMessage,
})

async function deliver(
  messages: { id: string; timestamp: Date; attempts: number; body: unknown }[],
  bindings: Partial<Cloudflare.Env> = {},
) {
  const batch = createMessageBatch(QUEUE, messages)
  const context = createExecutionContext()
  await worker.queue(batch, { ...env, ...bindings })
  return getQueueResult(batch, context)
}

async function recordsOf(userId: string): Promise<{ record_id: string; instant: number }[]> {
  const { results } = await env.DB.prepare('SELECT record_id, instant FROM login_records WHERE user_id = ? ORDER BY instant')
    .bind(userId)
    .all<{ record_id: string; instant: number }>()
  return results
}

describe('the login queue consumer', () => {
  it('writes each login once, however often it is delivered, and moves lastLoginInstant only forward', async () => {
    const w = await world()
    const base = {
      tenantId: w.tenant.id,
      userId: w.user.id,
      applicationId: w.application.id,
      loginId: w.email,
      ipAddress: null,
      authenticationType: 'PASSWORD',
    }
    const early = message(crypto.randomUUID(), { ...base, instant: 1_000 })
    const late = message(crypto.randomUUID(), { ...base, instant: 2_000 })
    expect((await deliver([late, early])).explicitAcks.length).toBe(2)
    // The same logins again, as at-least-once delivery may hand them over (the older one last).
    await deliver([late])
    await deliver([early])
    expect((await recordsOf(w.user.id)).map((r) => r.instant)).toEqual([1_000, 2_000])
    const stored = await new UserStore(env.DB).get(w.user.id)
    expect(stored?.user.lastLoginInstant).toBe(2_000)
    expect(stored?.user.registrations?.[0]?.lastLoginInstant).toBe(2_000)
  })

  it('retries the whole batch with backoff when D1 fails, writing nothing twice once it recovers', async () => {
    const w = await world()
    const record = {
      tenantId: w.tenant.id,
      userId: w.user.id,
      applicationId: null,
      loginId: w.email,
      ipAddress: null,
      authenticationType: 'PING',
      instant: 5_000,
    }
    const first = message(crypto.randomUUID(), record)
    // Fault injection over the real binding: its batch, and its sessions' (the consumer writes through a DataContext), fail as an unavailable D1 would.
    const unavailable = () => Promise.reject(new Error('D1 is unavailable'))
    const failing = Object.assign(Object.create(env.DB) as D1Database, {
      batch: unavailable,
      withSession: (constraint?: D1SessionBookmark | D1SessionConstraint) =>
        Object.assign(Object.create(env.DB.withSession(constraint)) as D1DatabaseSession, { batch: unavailable }),
    })
    const failed = await deliver([first], { DB: failing })
    expect(failed.explicitAcks).toEqual([])
    expect(failed.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([first.id])
    expect(await recordsOf(w.user.id)).toEqual([])
    const retried = await deliver([{ ...first, attempts: 2 }])
    expect(retried.explicitAcks).toEqual([first.id])
    expect(await recordsOf(w.user.id)).toHaveLength(1)
  })

  it('retries a message it cannot read on its own (towards the dead-letter queue) and writes the rest', async () => {
    const w = await world()
    const good = message(crypto.randomUUID(), {
      tenantId: w.tenant.id,
      userId: w.user.id,
      applicationId: null,
      loginId: w.email,
      ipAddress: null,
      authenticationType: 'PING',
      instant: 7_000,
    })
    const bad = {
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: 3,
      body: { type: 'login.recorded', recordId: 'x', record: { userId: 42 } },
    }
    const result = await deliver([good, bad])
    expect(result.explicitAcks).toEqual([good.id])
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([bad.id])
    expect(await recordsOf(w.user.id)).toHaveLength(1)
  })
})

describe('retryDelaySeconds', () => {
  it('backs off exponentially from 2 s and stops growing at 5 minutes', () => {
    expect([1, 2, 3, 4, 8, 9, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 16, 256, 300, 300])
  })
})
