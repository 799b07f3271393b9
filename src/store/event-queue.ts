/**
 * Non-transactional events leave the request through a Cloudflare Queue (EVENT_QUEUE): the request sends one
 * `event.publish` message per event and the consumer (jobs/deliver-events.ts) fans it out into one `event.deliver`
 * message per webhook, so a retry re-sends only to the receiver that failed. Each event's `id` is the same in every
 * message and attempt.
 *
 * Cloudflare Queues takes at most 128 KB a message and 256 KB (and 100 messages) a sendBatch. An event whose JSON is
 * over INLINE_EVENT_MAX_BYTES (a user with large `data`, user.bulk.create with every imported user) travels by
 * reference: its body is stored in KV under its id for EVENT_BODY_TTL_SECONDS and the messages, the fan-out's
 * included, carry only `ref`. Sends are split so that no sendBatch passes either cap.
 */
import type { FusionAuthEvent } from '../domain/events/event'
import { type EventType, isEventType } from '../domain/events/event-types'
import type { ExpiringValueStore } from './expiring-value-store'

/** An event stored in KV: what the consumer needs to find its webhooks and to tell an expired body from a late one. */
export interface EventRef {
  eventId: string
  type: EventType
  tenantId: string
  /** When the stored body expires: a body missing before then is not visible yet here (KV propagates), not gone. */
  expiresAtMillis: number
}

/** A message carries the event itself or, when it is too big, a reference to it. */
export type CarriedEvent = { event: FusionAuthEvent; ref?: never } | { ref: EventRef; event?: never }

/** An event the request handed over: the consumer finds its webhooks. */
export type EventPublishMessage = { type: 'event.publish' } & CarriedEvent

/** One event for one webhook: retried on its own until it is delivered or reaches the dead-letter queue. */
export type EventDeliverMessage = { type: 'event.deliver'; webhookId: string } & CarriedEvent

export type EventQueueMessage = EventPublishMessage | EventDeliverMessage

/**
 * Largest event JSON sent inline. A message is the event plus a small envelope (type, webhookId or reference) and
 * Cloudflare's ~100 bytes of metadata, under the 128 KB cap with room to spare.
 */
export const INLINE_EVENT_MAX_BYTES = 100_000

/**
 * How long a stored body lives: the whole retry schedule (max_retries 10 at up to 300 s, twice: the publish, then
 * each delivery, under an hour) many times over, and longer than a queue keeps a message by default (4 days), so a
 * message replayed from the dead-letter queue within that still finds its body. Well above KV's 60 s minimum.
 */
export const EVENT_BODY_TTL_SECONDS = 7 * 24 * 60 * 60

/** Cloudflare Queues limits (1 KB = 1000 bytes, as miniflare counts them). */
const MAX_BATCH_MESSAGES = 100
const MAX_BATCH_BYTES = 256_000
/** Counted for each message beside its body: the platform's metadata (~100 bytes), rounded up. */
const MESSAGE_OVERHEAD_BYTES = 256

const encoder = new TextEncoder()
const jsonBytes = (value: unknown): number => encoder.encode(JSON.stringify(value)).byteLength

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

function isRef(value: unknown): value is EventRef {
  return (
    isRecord(value) &&
    typeof value.eventId === 'string' &&
    isEventType(value.type) &&
    typeof value.tenantId === 'string' &&
    typeof value.expiresAtMillis === 'number'
  )
}

/** Checks a delivered body before the consumer acts on it: the queue may hold messages of another version. */
export function isEventQueueMessage(body: unknown): body is EventQueueMessage {
  if (!isRecord(body) || !(isEvent(body.event) || (body.event === undefined && isRef(body.ref)))) return false
  if (body.type === 'event.publish') return true
  return body.type === 'event.deliver' && typeof body.webhookId === 'string'
}

/** What a message says about its event without loading it: enough to find the webhooks, and to log. */
export function eventHeader(carried: CarriedEvent): { eventId: string; type: EventType; tenantId: string } {
  if (carried.ref !== undefined) return { eventId: carried.ref.eventId, type: carried.ref.type, tenantId: carried.ref.tenantId }
  return { eventId: carried.event.id, type: carried.event.type, tenantId: carried.event.tenantId }
}

/** Why a referenced event could not be loaded: its body expired (nothing will bring it back), or is not visible yet. */
export type MissingEvent = 'expired' | 'not visible yet'

/** Splits messages into sendBatch calls within the count and byte caps, in order. */
function sendBatches<T>(messages: readonly T[]): T[][] {
  const batches: T[][] = []
  let current: T[] = []
  let bytes = 0
  for (const message of messages) {
    const size = jsonBytes(message) + MESSAGE_OVERHEAD_BYTES
    if (current.length > 0 && (current.length === MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(message)
    bytes += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/** The producer side. Each send resolves once the queue holds the messages durably. */
export class EventQueue {
  constructor(
    private readonly queue: Queue<EventQueueMessage> | undefined,
    /** Bodies of events too big for a message (KV_PREFIXES.eventBody). */
    private readonly bodies: ExpiringValueStore<FusionAuthEvent>,
    private readonly nowMillis: number,
  ) {}

  /** Queues events for their webhooks, storing the big ones first; a failure rejects (the caller decides what it costs). */
  async publish(events: readonly FusionAuthEvent[]): Promise<void> {
    const carried = await Promise.all(events.map((event) => this.carry(event)))
    await this.send(carried.map((event): EventQueueMessage => ({ type: 'event.publish', ...event })))
  }

  /** One message per (event, webhook), sent by the consumer's fan-out: carrying the event as the publish did (a reference stays one). */
  async deliverTo(carried: CarriedEvent, webhookIds: readonly string[]): Promise<void> {
    const event: CarriedEvent = carried.ref === undefined ? { event: carried.event } : { ref: carried.ref }
    await this.send(webhookIds.map((webhookId): EventQueueMessage => ({ type: 'event.deliver', webhookId, ...event })))
  }

  /** The event a message carries: inline, or loaded from KV by its reference. */
  async eventOf(carried: CarriedEvent): Promise<FusionAuthEvent | MissingEvent> {
    if (carried.ref === undefined) return carried.event
    const event = await this.bodies.get(carried.ref.eventId, this.nowMillis)
    if (event !== null) return event
    // KV is eventually consistent: a body written in another location may take a minute or more to show here.
    return this.nowMillis >= carried.ref.expiresAtMillis ? 'expired' : 'not visible yet'
  }

  private async carry(event: FusionAuthEvent): Promise<CarriedEvent> {
    if (jsonBytes(event) <= INLINE_EVENT_MAX_BYTES) return { event }
    await this.bodies.put(event.id, event, EVENT_BODY_TTL_SECONDS, this.nowMillis)
    const ref = {
      eventId: event.id,
      type: event.type,
      tenantId: event.tenantId,
      expiresAtMillis: this.nowMillis + EVENT_BODY_TTL_SECONDS * 1000,
    }
    return { ref }
  }

  private async send(messages: EventQueueMessage[]): Promise<void> {
    if (messages.length === 0) return
    if (this.queue === undefined) throw new Error('EVENT_QUEUE is not bound: events cannot be delivered')
    for (const batch of sendBatches(messages)) {
      if (batch.length === 1) await this.queue.send(batch[0] as EventQueueMessage, { contentType: 'json' })
      else await this.queue.sendBatch(batch.map((body) => ({ body, contentType: 'json' as const })))
    }
  }
}
