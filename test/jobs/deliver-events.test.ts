/**
 * The event queue's consumer (src/jobs/deliver-events.ts) through the Worker's queue handler: a published event
 * fans out into one message per webhook; a delivery is acked on 2xx and retried with growing delays otherwise (the
 * queue moves it to the dead-letter queue after max_retries), with the same event id every attempt; a webhook gone
 * or no longer taking the type ends its deliveries; an unreadable message is retried, never dropped.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { type FusionAuthEvent, newEvent } from '../../src/domain/events/event'
import worker from '../../src/index'
import { EVENT_QUEUE_NAME } from '../../src/jobs/deliver-events'
import { retryDelaySeconds } from '../../src/jobs/write-logins'
import type { EventQueueMessage } from '../../src/store/event-queue'
import { createTenant } from '../fixtures'
import { call } from '../helpers'
import { createWebhook, eventIn, hookUrl, receivedBy } from '../events/delivery-fixtures'

const TYPE = 'user.password.update'

const message = (body: unknown, attempts = 1) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts, body })

/** An EVENT_QUEUE that records what the consumer sends (the fan-out), instead of queueing it. */
function capturingQueue() {
  const sent: EventQueueMessage[] = []
  const queue = {
    send: async (body: EventQueueMessage) => {
      sent.push(body)
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<EventQueueMessage>>) => {
      for (const request of messages) sent.push(request.body)
    },
  } as unknown as Queue<EventQueueMessage> // only the two methods the producer calls
  return { sent, queue }
}

/** Runs a batch through the Worker's queue handler: what it acked and retried, and each retry's delay. */
async function consume(messages: ReturnType<typeof message>[], bindings: Partial<Cloudflare.Env> = {}) {
  const batch = createMessageBatch(EVENT_QUEUE_NAME, messages)
  // getQueueResult reports which messages were retried, not with what delay: the delays are read off retry().
  const delays: Record<string, number | undefined> = {}
  for (const delivered of batch.messages) {
    const retry = delivered.retry.bind(delivered)
    vi.spyOn(delivered, 'retry').mockImplementation((options) => {
      delays[delivered.id] = options?.delaySeconds
      retry(options)
    })
  }
  const context = createExecutionContext()
  await worker.queue(batch, { ...env, ...bindings })
  return { ...(await getQueueResult(batch, context)), delays }
}

async function tenantWithHook(mode: Parameters<typeof hookUrl>[0]) {
  const tenant = await createTenant()
  const { inbox, url } = hookUrl(mode)
  const webhookId = await createWebhook({ url, eventsEnabled: [TYPE], tenantIds: [tenant.id] })
  const event = newEvent(TYPE, Date.now(), tenant.id, { user: { id: crypto.randomUUID() } })
  return { tenant, inbox, webhookId, event }
}

const deliverMessage = (event: FusionAuthEvent, webhookId: string, attempts = 1) =>
  message({ type: 'event.deliver', event, webhookId } satisfies EventQueueMessage, attempts)

describe('the event queue consumer', () => {
  it('fans a published event out into one delivery per webhook that takes it, and acks it', async () => {
    const { tenant, webhookId, event } = await tenantWithHook('ok')
    const second = await createWebhook({ url: hookUrl('ok').url, eventsEnabled: [TYPE], tenantIds: [tenant.id] })
    await createWebhook({ url: hookUrl('ok').url, eventsEnabled: ['user.create'], tenantIds: [tenant.id] }) // another type
    const { sent, queue } = capturingQueue()
    const published = message({ type: 'event.publish', event } satisfies EventQueueMessage)
    const result = await consume([published], { EVENT_QUEUE: queue })
    expect(result.explicitAcks).toEqual([published.id])
    expect(result.retryMessages).toEqual([])
    expect(sent).toEqual([
      { type: 'event.deliver', event, webhookId },
      { type: 'event.deliver', event, webhookId: second },
    ])
  })

  it('acks a delivery its receiver answered 2xx; the receiver gets the event, id and all', async () => {
    const { inbox, webhookId, event } = await tenantWithHook('ok')
    const delivery = deliverMessage(event, webhookId)
    const result = await consume([delivery])
    expect(result.explicitAcks).toEqual([delivery.id])
    const received = await receivedBy(inbox)
    expect(received.map(eventIn)).toEqual([event])
  })

  it('retries a failed delivery with a delay that grows with its attempts, the same event each time', async () => {
    const { inbox, webhookId, event } = await tenantWithHook('fail')
    for (const attempts of [1, 2, 3]) {
      const delivery = deliverMessage(event, webhookId, attempts)
      const result = await consume([delivery])
      expect(result.explicitAcks).toEqual([])
      expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual([delivery.id])
      expect(result.delays).toEqual({ [delivery.id]: retryDelaySeconds(attempts) })
    }
    expect(retryDelaySeconds(1) < retryDelaySeconds(3)).toBe(true)
    const ids = (await receivedBy(inbox)).map((request) => eventIn(request).id)
    expect(ids).toEqual([event.id, event.id, event.id])
  })

  it('a failing receiver does not hold back the others of the batch', async () => {
    const failing = await tenantWithHook('fail')
    const healthy = await tenantWithHook('ok')
    const [bad, good] = [deliverMessage(failing.event, failing.webhookId), deliverMessage(healthy.event, healthy.webhookId)]
    const result = await consume([bad, good])
    expect(result.explicitAcks).toEqual([good.id])
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual([bad.id])
  })

  it('ends the deliveries of a webhook deleted since, or that no longer takes the type', async () => {
    const { inbox, webhookId, event } = await tenantWithHook('fail')
    expect((await call(`/api/webhook/${webhookId}`, { method: 'DELETE' })).status).toBe(200)
    const delivery = deliverMessage(event, webhookId, 4)
    const result = await consume([delivery])
    expect(result.explicitAcks).toEqual([delivery.id])
    expect(await receivedBy(inbox)).toEqual([])
  })

  it('retries a message it cannot read (towards the dead-letter queue) and handles the rest', async () => {
    const { webhookId, event } = await tenantWithHook('ok')
    const unreadable = message({ type: 'event.deliver', webhookId }, 2)
    const good = deliverMessage(event, webhookId)
    const result = await consume([unreadable, good])
    expect(result.explicitAcks).toEqual([good.id])
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual([unreadable.id])
    expect(result.delays).toEqual({ [unreadable.id]: retryDelaySeconds(2) })
  })

  it('dispatches by queue name: an event message on the login queue is not delivered (the login consumer retries it)', async () => {
    const { inbox, webhookId, event } = await tenantWithHook('ok')
    const misrouted = deliverMessage(event, webhookId)
    const batch = createMessageBatch('edge-login-api-logins', [misrouted])
    const context = createExecutionContext()
    await worker.queue(batch, env)
    const result = await getQueueResult(batch, context)
    expect(result.explicitAcks).toEqual([])
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual([misrouted.id])
    expect(await receivedBy(inbox)).toEqual([])
  })
})
