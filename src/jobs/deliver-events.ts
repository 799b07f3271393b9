/**
 * The event queue's consumer (store/event-queue.ts). An `event.publish` message is fanned out into one
 * `event.deliver` message per webhook that takes the event; an `event.deliver` message is sent to its webhook and
 * acked on a 2xx, else retried with growing delays until the queue's max_retries moves it to the dead-letter queue.
 * Delivery is at-least-once: a receiver deduplicates by the event's `id`, the same in every attempt.
 *
 * The webhook is looked up again at each attempt, so a webhook deleted, or no longer taking the type, receives
 * nothing more (the message is acked), and a changed URL, header or key applies to the next attempt.
 *
 * An event stored by reference (too big for a message) is fanned out as the reference and loaded from KV only to be
 * delivered; once its body has expired the message is acked with a log line, as nothing can deliver it any more.
 * Each delivery is bounded by QUEUED_DELIVERY_TIMEOUT_MS and the batch's messages run in parallel, so a batch ends
 * well inside the consumer's wall clock whatever timeouts its webhooks configure.
 */
import { deliverEvent, QUEUED_DELIVERY_TIMEOUT_MS } from '../domain/webhook-delivery'
import type { EventType } from '../domain/events/event-types'
import type { Bindings } from '../env'
import { type DataContext, dataContextFor } from '../store/data-context'
import { type EventDeliverMessage, type EventPublishMessage, eventHeader, isEventQueueMessage } from '../store/event-queue'
import type { DeliverableWebhook } from '../store/webhook-store'
import { retryDelaySeconds } from './write-logins'

/** The queue wrangler.toml binds as EVENT_QUEUE; src/index.ts routes its batches here. */
export const EVENT_QUEUE_NAME = 'edge-login-api-events'

export interface DeliverEventsOptions {
  /** Where delivery requests go; the global fetch unless a test passes its receiver. */
  fetch?: typeof fetch
}

export async function deliverEvents(batch: MessageBatch<unknown>, env: Bindings, options: DeliverEventsOptions = {}): Promise<void> {
  const data = dataContextFor(env, Date.now())
  // One lookup per (tenant, type) in the batch, however many of its messages need it.
  const lookups = new Map<string, Promise<DeliverableWebhook[]>>()
  const webhooksFor = (tenantId: string, type: EventType): Promise<DeliverableWebhook[]> => {
    const key = `${tenantId} ${type}`
    let found = lookups.get(key)
    if (found === undefined) {
      found = data.webhooks.enabledFor(tenantId, type)
      lookups.set(key, found)
    }
    return found
  }

  await Promise.all(
    batch.messages.map(async (message) => {
      const retry = (error: string): void => {
        console.error(JSON.stringify({ job: 'deliver-events', error, id: message.id, attempts: message.attempts }))
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })
      }
      const body = message.body
      if (!isEventQueueMessage(body)) return retry('unreadable message')
      try {
        const done = body.type === 'event.publish' ? await fanOut(data, body, webhooksFor) : await deliver(data, body, webhooksFor, options)
        if (done === true) message.ack()
        else retry(done)
      } catch (error) {
        retry(String(error))
      }
    }),
  )
}

type WebhookLookup = (tenantId: string, type: EventType) => Promise<DeliverableWebhook[]>

/** Queues one delivery per webhook, carrying the event as the message did (a reference stays one); true once queued. */
async function fanOut(data: DataContext, message: EventPublishMessage, webhooksFor: WebhookLookup): Promise<true> {
  const { tenantId, type } = eventHeader(message)
  const webhooks = await webhooksFor(tenantId, type)
  await data.eventQueue.deliverTo(
    message,
    webhooks.map((target) => target.webhook.id),
  )
  return true
}

/** Sends the event to its webhook; true when delivered or nothing is left to deliver to, else why it failed. */
async function deliver(
  data: DataContext,
  message: EventDeliverMessage,
  webhooksFor: WebhookLookup,
  options: DeliverEventsOptions,
): Promise<true | string> {
  const { eventId, tenantId, type } = eventHeader(message)
  const target = (await webhooksFor(tenantId, type)).find((found) => found.webhook.id === message.webhookId)
  if (target === undefined) return true
  const event = await data.eventQueue.eventOf(message)
  if (event === 'expired') {
    console.warn(
      JSON.stringify({ job: 'deliver-events', error: 'event body expired: not delivered', eventId, type, webhookId: message.webhookId }),
    )
    return true
  }
  if (event === 'not visible yet') return `event ${eventId}: body not visible yet`
  const context = { signingKey: (id: string) => data.signingKey(id), timeoutCapMillis: QUEUED_DELIVERY_TIMEOUT_MS, ...options }
  const outcome = await deliverEvent(target, event, context)
  return outcome.delivered ? true : `webhook ${message.webhookId}: ${outcome.reason}`
}
