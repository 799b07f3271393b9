/**
 * Set-up for the delivery suites: webhooks pointed at the suite's outbound receiver (test/support/outbound-receiver.ts,
 * a real HTTP peer in Node that every Worker fetch reaches), tenants that send chosen events, signing keys.
 */
import { env } from 'cloudflare:test'
import { expect } from 'vitest'
import type { EventType } from '../../src/domain/events/event-types'
import type { TransactionType } from '../../src/domain/events/transaction-types'
import { dataContextFor } from '../../src/store/data-context'
import type { DeliverableWebhook } from '../../src/store/webhook-store'
import { call, json } from '../helpers'
import { RECEIVER, type ReceivedRequest } from '../support/outbound-receiver'
import { eventually } from '../support/eventually'

export type Mode = 'ok' | 'fail' | 'hang' | 'redirect' | `fail-${number}`

/** A fresh inbox on the receiver and the URL that answers with `mode`. */
export function hookUrl(mode: Mode, inbox = crypto.randomUUID()): { inbox: string; url: string } {
  return { inbox, url: `${RECEIVER}/hook/${inbox}/${mode}` }
}

/** What the receiver recorded for `inbox`, oldest first. */
export async function receivedBy(inbox: string): Promise<ReceivedRequest[]> {
  const response = await fetch(`${RECEIVER}/inbox/${inbox}`)
  return (await response.json()) as ReceivedRequest[]
}

/** The requests of `inbox`, once there are at least `count` (queued delivery arrives through the consumer). */
export function eventuallyReceived(inbox: string, count = 1, timeoutMillis?: number): Promise<ReceivedRequest[]> {
  return eventually(async () => {
    const received = await receivedBy(inbox)
    if (received.length < count) throw new Error(`inbox ${inbox}: ${received.length} of ${count} requests`)
    return received
  }, timeoutMillis)
}

export const eventIn = (request: ReceivedRequest): Record<string, unknown> =>
  (JSON.parse(request.body) as { event: Record<string, unknown> }).event

export interface WebhookOptions {
  url: string
  eventsEnabled: EventType[]
  tenantIds?: string[]
  global?: boolean
  connectTimeout?: number
  readTimeout?: number
  [field: string]: unknown
}

export async function createWebhook(options: WebhookOptions): Promise<string> {
  const { eventsEnabled, ...rest } = options
  const webhook = {
    connectTimeout: 1000,
    readTimeout: 1000,
    ...rest,
    eventsEnabled: Object.fromEntries(eventsEnabled.map((type) => [type, true])),
  }
  const response = await call('/api/webhook', { body: { webhook } })
  expect(response.status, await response.clone().text()).toBe(200)
  return (await json<{ webhook: { id: string } }>(response)).webhook.id
}

/** The tenant's event configuration for `types`: each enabled with its transaction type. */
export const sends = (types: Partial<Record<EventType, TransactionType>>): Record<string, unknown> => ({
  eventConfiguration: {
    events: Object.fromEntries(Object.entries(types).map(([type, transactionType]) => [type, { enabled: true, transactionType }])),
  },
})

/** A tenant's failedAuthenticationConfiguration that locks a user (the prevent-login `actionId`) after two wrong passwords. */
export const lockAfterTwoFailures = (actionId: string): Record<string, unknown> => ({
  failedAuthenticationConfiguration: {
    userActionId: actionId,
    tooManyAttempts: 2,
    resetCountInSeconds: 60,
    actionDuration: 3,
    actionDurationUnit: 'MINUTES',
  },
})

export async function setEvents(tenantId: string, types: Partial<Record<EventType, TransactionType>>): Promise<void> {
  const response = await call(`/api/tenant/${tenantId}`, { method: 'PATCH', body: { tenant: sends(types) } })
  expect(response.status, await response.clone().text()).toBe(200)
}

export async function generateKey(algorithm: string): Promise<{ id: string; kid: string }> {
  const response = await call('/api/key/generate', { body: { key: { algorithm, name: `webhook ${algorithm} ${crypto.randomUUID()}` } } })
  expect(response.status).toBe(200)
  return (await json<{ key: { id: string; kid: string } }>(response)).key
}

/** The webhook as delivery sees it (password decrypted), through the store's own query. */
export async function deliverable(tenantId: string, type: EventType, webhookId: string): Promise<DeliverableWebhook> {
  const found = (await dataContextFor(env, Date.now()).webhooks.enabledFor(tenantId, type)).find((w) => w.webhook.id === webhookId)
  if (found === undefined) throw new Error(`webhook ${webhookId} does not take ${type} for ${tenantId}`)
  return found
}
