/**
 * Issue 11, security review defect 1: an event too big for a queue message (Cloudflare Queues: 128 KB a message,
 * 256 KB and 100 messages a sendBatch; miniflare enforces them too) answered 500 after the action was committed,
 * and the consumer's fan-out copied the event into every per-webhook message, past the batch cap. Now an event over
 * INLINE_EVENT_MAX_BYTES travels by reference (its body in KV), sends are split by bytes, and a failed post-commit
 * send is logged, never a 500: the action is committed, the client must not retry it.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type FusionAuthEvent, newEvent } from '../../src/domain/events/event'
import { WebhookEventPublisher } from '../../src/domain/events/webhook-publisher'
import worker from '../../src/index'
import { EVENT_QUEUE_NAME } from '../../src/jobs/deliver-events'
import { dataContextFor } from '../../src/store/data-context'
import type { EventQueue, EventQueueMessage, EventRef } from '../../src/store/event-queue'
import { createTenant, createUser, uniqueEmail } from '../fixtures'
import { call } from '../helpers'
import { createWebhook, eventIn, eventuallyReceived, hookUrl, sends } from '../events/delivery-fixtures'
import { eventOf, eventTenant, only } from '../events/receiver'

/** Cloudflare Queues' limits (bytes, as miniflare counts them: 1 KB = 1000). */
const MESSAGE_CAP = 128_000
const BATCH_CAP = 256_000
const BATCH_COUNT_CAP = 100

const bytesOf = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).byteLength

/** An EVENT_QUEUE that records every send and sendBatch call (each call's message bodies), instead of queueing. */
function recordingQueue() {
  const calls: EventQueueMessage[][] = []
  const queue = {
    send: async (body: EventQueueMessage) => {
      calls.push([body])
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<EventQueueMessage>>) => {
      calls.push([...messages].map((request) => request.body))
    },
  } as unknown as Queue<EventQueueMessage> // only the two methods the producer calls
  return { calls, queue }
}

function expectWithinCaps(calls: EventQueueMessage[][]): void {
  for (const sent of calls) {
    expect(sent.length).toBeLessThanOrEqual(BATCH_COUNT_CAP)
    for (const body of sent) expect(bytesOf(body)).toBeLessThan(MESSAGE_CAP)
    expect(sent.reduce((total, body) => total + bytesOf(body), 0)).toBeLessThan(BATCH_CAP)
  }
}

const message = (body: unknown) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })

async function consume(bodies: unknown[], bindings: Partial<Cloudflare.Env> = {}) {
  const batch = createMessageBatch(EVENT_QUEUE_NAME, bodies.map(message))
  const context = createExecutionContext()
  await worker.queue(batch, { ...env, ...bindings })
  return getQueueResult(batch, context)
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('events too big for one queue message', () => {
  it('PATCH /api/user with 200 KB of data answers 200 and the receiver gets user.update and user.update.complete', async () => {
    const world = await eventTenant({ 'user.update': 'None', 'user.update.complete': 'None' })
    const user = await createUser({ tenantId: world.tenant.id, email: uniqueEmail() })
    const big = 'x'.repeat(200_000)
    const response = await call(`/api/user/${user.id}`, { method: 'PATCH', body: { user: { data: { big } } } })
    expect(response.status, await response.clone().text()).toBe(200)
    for (const type of ['user.update', 'user.update.complete'] as const) {
      const event = await eventOf(only(world), type)
      expect((event.user as { data: { big: string } }).data.big).toBe(big)
      expect(event.tenantId).toBe(world.tenant.id)
    }
  })

  it('an import of 500 users with user.bulk.create enabled answers 200 and the event reaches the receiver whole', async () => {
    const world = await eventTenant({ 'user.bulk.create': 'None' })
    const users = Array.from({ length: 500 }, (_, index) => ({
      email: uniqueEmail(`bulk${index}`),
      firstName: 'Bulk',
      data: { note: 'n'.repeat(100) },
    }))
    const response = await call('/api/user/import', { tenantId: world.tenant.id, body: { users } })
    expect(response.status, await response.clone().text()).toBe(200)
    const event = await eventOf(only(world), 'user.bulk.create')
    expect(bytesOf(event)).toBeGreaterThan(MESSAGE_CAP)
    expect((event.users as { email: string }[]).map((u) => u.email)).toEqual(users.map((u) => u.email))
  })

  it('a consumer fanning an event out to several webhooks stays under the caps, inline or by reference', async () => {
    const TYPE = 'user.password.update'
    const tenant = await createTenant()
    const inboxes: string[] = []
    for (let index = 0; index < 4; index++) {
      const { inbox, url } = hookUrl('ok')
      inboxes.push(inbox)
      await createWebhook({ url, eventsEnabled: [TYPE], tenantIds: [tenant.id] })
    }
    // Just under the inline threshold, and well over it: four copies of either are past a sendBatch's 256 KB.
    const events: FusionAuthEvent[] = [90_000, 300_000].map((size) =>
      newEvent(TYPE, Date.now(), tenant.id, { user: { id: crypto.randomUUID(), data: { pad: 'p'.repeat(size) } } }),
    )

    const producer = recordingQueue()
    await dataContextFor({ ...env, EVENT_QUEUE: producer.queue }, Date.now()).eventQueue.publish(events)
    expectWithinCaps(producer.calls)
    const published = producer.calls.flat()
    expect(published).toHaveLength(2)

    const fanOut = recordingQueue()
    const result = await consume(published, { EVENT_QUEUE: fanOut.queue })
    expect(result.retryMessages).toEqual([])
    expect(result.explicitAcks).toHaveLength(2)
    expectWithinCaps(fanOut.calls)

    expect(fanOut.calls.flat()).toHaveLength(8)

    // Through the real queue (miniflare enforces the caps): the fan-out is acked, and every receiver gets both
    // events whole, the by-reference one loaded from KV by the consumer.
    const real = await consume(published)
    expect(real.retryMessages).toEqual([])
    expect(real.explicitAcks).toHaveLength(2)
    for (const inbox of inboxes) {
      const received = (await eventuallyReceived(inbox, 2)).map(eventIn)
      expect(received.sort((a, b) => bytesOf(a) - bytesOf(b))).toEqual(events)
    }
  })

  it('a delivery whose stored body has expired is acked with a log line; one not visible yet is retried', async () => {
    const TYPE = 'user.password.update'
    const tenant = await createTenant()
    const webhookId = await createWebhook({ url: hookUrl('ok').url, eventsEnabled: [TYPE], tenantIds: [tenant.id] })
    const ref = (expiresAtMillis: number): EventRef => ({ eventId: crypto.randomUUID(), type: TYPE, tenantId: tenant.id, expiresAtMillis })
    const expired = { type: 'event.deliver', webhookId, ref: ref(Date.now() - 1) } satisfies EventQueueMessage
    const late = { type: 'event.deliver', webhookId, ref: ref(Date.now() + 60_000) } satisfies EventQueueMessage
    const logged = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const batch = createMessageBatch(EVENT_QUEUE_NAME, [expired, late].map(message))
    const context = createExecutionContext()
    await worker.queue(batch, env)
    const result = await getQueueResult(batch, context)
    expect(result.explicitAcks).toEqual([batch.messages[0]?.id])
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual([batch.messages[1]?.id])
    expect(logged.mock.calls.some(([line]) => String(line).includes(expired.ref.eventId))).toBe(true)
  })

  it('a send that still fails after the commit is logged with the event ids, and the action answers its success', async () => {
    const tenant = await createTenant(sends({ 'user.update': 'None', 'user.update.complete': 'None' }))
    const events = (['user.update', 'user.update.complete'] as const).map((type) => newEvent(type, Date.now(), tenant.id, { user: {} }))
    const refusing = { publish: () => Promise.reject(new Error('Unknown Internal Error (15000)')) } as unknown as EventQueue // only publish is called
    const publisher = new WebhookEventPublisher({ webhooksFor: async () => [], signingKey: async () => null, queue: refusing })
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    let committed = 0
    const result = await publisher.around(tenant, events, async () => ++committed)
    expect(result).toBe(1)
    const lines = logged.mock.calls.map(([line]) => String(line))
    expect(lines.some((line) => events.every((event) => line.includes(event.id)))).toBe(true)
  })
})
