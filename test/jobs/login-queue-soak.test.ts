/**
 * Nothing lost, nothing twice: concurrent logins send their records to the queue; the consumer (the real one, on the
 * real local D1) receives them as at-least-once delivery may hand them over: in random batches, with D1 failing on a
 * share of first deliveries (retried), and with delivered messages delivered again. Once the queue has drained, the
 * records equal the successful logins exactly, with no duplicates.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { expect, it } from 'vitest'
import worker from '../../src/index'
import type { LoginQueueMessage } from '../../src/store/login-events'
import { PASSWORD, world } from '../routes/session-fixtures'
import { callWith } from '../support/worker-call'

const QUEUE = 'edge-login-api-logins'
const LOGINS = 60
/** Every third batch that holds a first delivery meets a failing D1. */
const FAILING_EVERY = 3

interface Pending {
  id: string
  body: LoginQueueMessage
  attempts: number
}

/** A producer binding that keeps what the Worker sends, for the test to deliver as it likes. */
function recordingQueue(sent: LoginQueueMessage[]): Queue<LoginQueueMessage> {
  return {
    send: async (body: LoginQueueMessage) => void sent.push(structuredClone(body)),
    sendBatch: async (messages: Iterable<MessageSendRequest<LoginQueueMessage>>) => {
      for (const message of messages) sent.push(structuredClone(message.body))
    },
  } as unknown as Queue<LoginQueueMessage>
}

/** Fault injection over the real binding: its batch fails as an unavailable D1 would. */
const unavailable = Object.assign(Object.create(env.DB) as D1Database, { batch: () => Promise.reject(new Error('D1 is unavailable')) })

async function deliver(batch: Pending[], failing: boolean): Promise<{ acked: Set<string>; retried: Set<string> }> {
  const messages = createMessageBatch(
    QUEUE,
    batch.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts, body: m.body })),
  )
  const context = createExecutionContext()
  await worker.queue(messages, { ...env, ...(failing ? { DB: unavailable } : {}) })
  const result = await getQueueResult(messages, context)
  return { acked: new Set(result.explicitAcks), retried: new Set(result.retryMessages.map((r: { msgId: string }) => r.msgId)) }
}

it(`${LOGINS} concurrent logins leave exactly ${LOGINS} records through failing and repeated deliveries`, async () => {
  const w = await world()
  const sent: LoginQueueMessage[] = []
  const queue = recordingQueue(sent)
  const body = { loginId: w.email, password: PASSWORD, applicationId: w.application.id, noJWT: true }
  const statuses = await Promise.all(
    Array.from({ length: LOGINS }, () => callWith({ LOGIN_QUEUE: queue }, '/api/login', { body }).then((r) => r.status)),
  )
  const successes = statuses.filter((s) => s === 200).length
  expect(successes).toBe(LOGINS)
  expect(sent).toHaveLength(successes)

  let pending: Pending[] = sent.map((message) => ({ id: crypto.randomUUID(), body: message, attempts: 1 }))
  const delivered: Pending[] = []
  let rounds = 0
  let batches = 0
  let failures = 0
  while (pending.length > 0) {
    rounds++
    if (rounds > 50) throw new Error('the queue did not drain')
    const next: Pending[] = []
    for (let offset = 0; offset < pending.length; offset += 17) {
      const batch = pending.slice(offset, offset + 17)
      // A share of first deliveries meets a failing D1; every batch may carry duplicates of delivered messages.
      const failing = batch.some((m) => m.attempts === 1) && batches++ % FAILING_EVERY === 0
      if (failing) failures++
      const duplicates = delivered.filter(() => Math.random() < 0.1).map((m) => ({ ...m, id: crypto.randomUUID() }))
      const { acked, retried } = await deliver([...batch, ...duplicates], failing)
      for (const message of batch) {
        if (acked.has(message.id)) delivered.push(message)
        else if (retried.has(message.id)) next.push({ ...message, attempts: message.attempts + 1 })
        else throw new Error(`message ${message.id} neither acked nor retried`)
      }
    }
    pending = next
  }

  expect(failures).toBeGreaterThan(0)
  const { results } = await env.DB.prepare('SELECT record_id, COUNT(*) AS n FROM login_records WHERE user_id = ? GROUP BY record_id')
    .bind(w.user.id)
    .all<{ record_id: string; n: number }>()
  expect(results).toHaveLength(successes)
  expect(results.every((row) => row.n === 1)).toBe(true)
  expect(new Set(results.map((row) => row.record_id))).toEqual(new Set(sent.map((m) => m.recordId)))
})
