/**
 * Non-transactional events leave the request through a Cloudflare Queue (EVENT_QUEUE): the request sends one
 * `event.publish` message per event (one sendBatch for several) and the consumer (jobs/deliver-events.ts) fans it
 * out into one `event.deliver` message per webhook, so a retry re-sends only to the receiver that failed. The event,
 * its `id` included, travels whole in every message: each attempt sends the same bytes' worth of event.
 */
import type { FusionAuthEvent } from '../domain/events/event'
import { isEventType } from '../domain/events/event-types'

/** An event the request handed over: the consumer finds its webhooks. */
export interface EventPublishMessage {
  type: 'event.publish'
  event: FusionAuthEvent
}

/** One event for one webhook: retried on its own until it is delivered or reaches the dead-letter queue. */
export interface EventDeliverMessage {
  type: 'event.deliver'
  event: FusionAuthEvent
  webhookId: string
}

export type EventQueueMessage = EventPublishMessage | EventDeliverMessage

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function isEvent(value: unknown): value is FusionAuthEvent {
  return (
    isRecord(value) &&
    isEventType(value.type) &&
    typeof value.id === 'string' &&
    typeof value.createInstant === 'number' &&
    typeof value.tenantId === 'string'
  )
}

/** Checks a delivered body before the consumer acts on it: the queue may hold messages of another version. */
export function isEventQueueMessage(body: unknown): body is EventQueueMessage {
  if (!isRecord(body) || !isEvent(body.event)) return false
  if (body.type === 'event.publish') return true
  return body.type === 'event.deliver' && typeof body.webhookId === 'string'
}

/** sendBatch takes at most this many messages (Cloudflare Queues limits). */
const MAX_BATCH = 100

/** The producer side. Each send resolves once the queue holds the messages durably. */
export class EventQueue {
  constructor(private readonly queue: Queue<EventQueueMessage> | undefined) {}

  /** Queues events for their webhooks; a failure rejects, so the caller answers 500 rather than lose them silently. */
  async publish(events: readonly FusionAuthEvent[]): Promise<void> {
    await this.send(events.map((event) => ({ type: 'event.publish', event })))
  }

  /** One message per (event, webhook), sent by the consumer's fan-out. */
  async deliverTo(event: FusionAuthEvent, webhookIds: readonly string[]): Promise<void> {
    await this.send(webhookIds.map((webhookId) => ({ type: 'event.deliver', event, webhookId })))
  }

  private async send(messages: EventQueueMessage[]): Promise<void> {
    if (messages.length === 0) return
    if (this.queue === undefined) throw new Error('EVENT_QUEUE is not bound: events cannot be delivered')
    if (messages.length === 1) {
      await this.queue.send(messages[0] as EventQueueMessage, { contentType: 'json' })
      return
    }
    for (let start = 0; start < messages.length; start += MAX_BATCH) {
      await this.queue.sendBatch(messages.slice(start, start + MAX_BATCH).map((body) => ({ body, contentType: 'json' as const })))
    }
  }
}
