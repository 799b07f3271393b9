/**
 * The action-event suites' view of the suite's outbound receiver (delivery-fixtures.ts, a real HTTP peer that every
 * Worker fetch reaches): a tenant sending chosen events to webhooks with their own inboxes, and the events an inbox
 * got. Transactional events are there when the response is; queued ones arrive through the consumer: `eventsOf` waits.
 */
import { expect } from 'vitest'
import { type EventType, isEventType } from '../../src/domain/events/event-types'
import type { TransactionType } from '../../src/domain/events/transaction-types'
import type { Tenant } from '../../src/domain/tenant'
import { createTenant } from '../fixtures'
import { call } from '../helpers'
import { eventually } from '../support/eventually'
import { createWebhook, eventIn, hookUrl, type Mode, receivedBy, sends } from './delivery-fixtures'

export interface ReceivedEvent {
  type: EventType
  id: string
  createInstant: number
  tenantId: string
  [field: string]: unknown
}

export interface Receiver {
  inbox: string
  webhookId: string
}

export interface EventTenant {
  tenant: Tenant
  receivers: Receiver[]
}

/** A tenant that sends `types` (each with its transaction type) to one webhook per mode, each with its own inbox. */
export async function eventTenant(types: Partial<Record<EventType, TransactionType>>, modes: Mode[] = ['ok']): Promise<EventTenant> {
  const tenant = await createTenant(sends(types))
  const eventsEnabled = Object.keys(types).filter(isEventType)
  const receivers: Receiver[] = []
  for (const mode of modes) {
    const { inbox, url } = hookUrl(mode)
    receivers.push({ inbox, webhookId: await createWebhook({ url, eventsEnabled, tenantIds: [tenant.id] }) })
  }
  return { tenant, receivers }
}

/** The first receiver of a tenant (most suites need one). */
export function only({ receivers }: EventTenant): Receiver {
  const [receiver] = receivers
  if (receiver === undefined) throw new Error('the tenant has no receiver')
  return receiver
}

/** Points the receiver's webhook at another answer (same inbox): `fail` to refuse from now on, `ok` to accept. */
export async function answerWith(receiver: Receiver, mode: Mode): Promise<void> {
  const response = await call(`/api/webhook/${receiver.webhookId}`, {
    method: 'PATCH',
    body: { webhook: { url: hookUrl(mode, receiver.inbox).url } },
  })
  expect(response.status).toBe(200)
}

/** Every event the receiver has got so far, oldest first. */
export async function received(receiver: Receiver): Promise<ReceivedEvent[]> {
  return (await receivedBy(receiver.inbox)).map((request) => eventIn(request) as ReceivedEvent)
}

/** The types the receiver has got so far, in order. */
export const typesReceived = async (receiver: Receiver): Promise<string[]> => (await received(receiver)).map((event) => event.type)

/** The event of `type` the receiver already has: a transactional one, delivered before the response. */
export async function deliveredNow(receiver: Receiver, type: EventType): Promise<ReceivedEvent> {
  const events = await received(receiver)
  const found = events.find((event) => event.type === type)
  if (found === undefined) throw new Error(`inbox ${receiver.inbox} has no ${type}; it has ${events.map((e) => e.type).join(', ')}`)
  return found
}

/** The events of `type` the receiver got, waiting (for queued delivery) until there are at least `count`. */
export async function eventsOf(receiver: Receiver, type: EventType, count = 1): Promise<ReceivedEvent[]> {
  return eventually(async () => {
    const found = (await received(receiver)).filter((event) => event.type === type)
    if (found.length < count) throw new Error(`inbox ${receiver.inbox} got ${found.length} ${type} (of ${count})`)
    return found
  })
}

/** The one event of `type` the receiver got, waiting for it. */
export async function eventOf(receiver: Receiver, type: EventType): Promise<ReceivedEvent> {
  const [event] = await eventsOf(receiver, type)
  if (event === undefined) throw new Error('unreachable')
  return event
}

/** The keys of an event, sorted: what FusionAuth's shape is compared on. */
export const fieldsOf = (event: object): string[] => Object.keys(event).sort()

/** Keys a rendered user must never carry (password material, secrets). */
export const SECRET_KEYS = /^(password|salt|hash|factor|encryptionScheme|secret|secretBase32Encoded|recoveryCodes)$/

/** Every key in a JSON value, at any depth. */
export function deepKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(deepKeys)
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, inner]) => [key, ...deepKeys(inner)])
}
