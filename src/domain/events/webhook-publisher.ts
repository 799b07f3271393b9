/**
 * The EventPublisher (publisher.ts) that delivers to the tenant's webhooks. Transactional events go out during the
 * request, in parallel to every enabled webhook, before the action's commit; the others go to the event queue after
 * it (a send that fails then is logged, never answered: the action is committed). A tenant that enables none of the
 * events costs nothing: the decision uses the eventConfiguration already read with the tenant, and webhooks are
 * looked up (a replica read) only for an event about to be delivered now.
 */
import { ApiError } from '../../http/errors'
import type { EventQueue } from '../../store/event-queue'
import type { DeliverableWebhook } from '../../store/webhook-store'
import type { Tenant } from '../tenant'
import { type DeliveryContext, type DeliveryOutcome, deliverEvent, REQUEST_DELIVERY_TIMEOUT_MS } from '../webhook-delivery'
import type { FusionAuthEvent } from './event'
import { eventSetting } from './event-configuration'
import { eventTypeInfo } from './event-types'
import type { EventPublisher } from './publisher'
import { type TransactionType, transactionSatisfied } from './transaction-types'

/**
 * FusionAuth's answer when the webhooks do not satisfy the transaction type: 504 and no body (the Login API's
 * status list: "One or more Webhook endpoints returned an invalid response or were unreachable").
 */
export const webhookTransactionFailed = (): ApiError => new ApiError(504)

export interface WebhookPublisherDeps extends DeliveryContext {
  webhooksFor(tenantId: string, type: FusionAuthEvent['type']): Promise<DeliverableWebhook[]>
  queue: EventQueue
}

/** How the enabled events of an action split: delivered now (with the type they wait for) or queued after the commit. */
export interface EventPlan {
  now: { event: FusionAuthEvent; transactionType: Exclude<TransactionType, 'None'> }[]
  later: FusionAuthEvent[]
}

export function planEvents(tenant: Pick<Tenant, 'eventConfiguration'>, events: readonly FusionAuthEvent[]): EventPlan {
  const plan: EventPlan = { now: [], later: [] }
  for (const event of events) {
    const setting = eventSetting(tenant.eventConfiguration, event.type)
    if (!setting.enabled) continue
    const { transactionType } = setting
    if (transactionType !== 'None' && deliversDuringRequest(tenant, event.type)) plan.now.push({ event, transactionType })
    else plan.later.push(event)
  }
  return plan
}

/** Whether the tenant sends `type` at all: an emitter may skip building an event nobody receives. */
export const tenantSends = (tenant: Pick<Tenant, 'eventConfiguration'>, type: FusionAuthEvent['type']): boolean =>
  eventSetting(tenant.eventConfiguration, type).enabled

/**
 * Whether the tenant has events of `type` delivered during the request (enabled, transactional, a transaction type
 * other than None): for an action whose writes must then wait for the webhooks' answers (two-factor completion).
 */
export function deliversDuringRequest(tenant: Pick<Tenant, 'eventConfiguration'>, type: FusionAuthEvent['type']): boolean {
  const setting = eventSetting(tenant.eventConfiguration, type)
  return setting.enabled && setting.transactionType !== 'None' && eventTypeInfo(type).transactional
}

/**
 * Whether the answers satisfy the transaction type. No webhook at all satisfies every type: the event reaches
 * nobody, and FusionAuth sends nothing and fails nothing then (only a sent event has answers to count).
 */
export function transactionHolds(type: TransactionType, outcomes: readonly DeliveryOutcome[]): boolean {
  if (outcomes.length === 0) return true
  return transactionSatisfied(type, outcomes.length, outcomes.filter((outcome) => outcome.delivered).length)
}

export class WebhookEventPublisher implements EventPublisher {
  constructor(private readonly deps: WebhookPublisherDeps) {}

  around<T>(tenant: Tenant, events: readonly FusionAuthEvent[], commit: () => Promise<T>): Promise<T>
  around<T, R>(
    tenant: Tenant,
    events: readonly FusionAuthEvent[],
    commit: () => Promise<T>,
    afterCommit: (committed: T) => Promise<R>,
  ): Promise<R>
  async around<T, R>(
    tenant: Tenant,
    events: readonly FusionAuthEvent[],
    commit: () => Promise<T>,
    afterCommit?: (committed: T) => Promise<R>,
  ): Promise<T | R> {
    const plan = planEvents(tenant, events)
    if (plan.now.length > 0) {
      // One webhook lookup per event type, however many events of it the action sends (a member request: one per group).
      const lookups = new Map<FusionAuthEvent['type'], Promise<DeliverableWebhook[]>>()
      const webhooksFor = (type: FusionAuthEvent['type']) => {
        const known = lookups.get(type)
        if (known !== undefined) return known
        const lookup = this.deps.webhooksFor(tenant.id, type)
        lookups.set(type, lookup)
        return lookup
      }
      const held = await Promise.all(
        plan.now.map(async ({ event, transactionType }) => this.deliverNow(await webhooksFor(event.type), event, transactionType)),
      )
      if (held.includes(false)) throw webhookTransactionFailed()
    }
    const committed = await commit()
    // The queueing and the caller's own post-commit step go out together: neither waits for the other's send.
    const queued = plan.later.length > 0 ? this.queueAfterCommit(plan.later) : undefined
    try {
      return afterCommit === undefined ? committed : await afterCommit(committed)
    } finally {
      await queued
    }
  }

  /**
   * Queues the non-transactional events; never throws. The action is committed by now: an error answer would have
   * the client retry an action already taken (a second import of the same users, a repeated change), so a send that
   * still fails (the queue unavailable) is logged, one line naming the events, and the action answers its success.
   */
  private async queueAfterCommit(events: readonly FusionAuthEvent[]): Promise<void> {
    try {
      await this.deps.queue.publish(events)
    } catch (error) {
      const lost = events.map((event) => ({ eventId: event.id, type: event.type, tenantId: event.tenantId }))
      console.error(JSON.stringify({ error: 'events not queued after commit', reason: String(error), events: lost }))
    }
  }

  /** Sends one transactional event to all its webhooks at once; true when the answers satisfy its transaction type. */
  private async deliverNow(
    webhooks: readonly DeliverableWebhook[],
    event: FusionAuthEvent,
    transactionType: TransactionType,
  ): Promise<boolean> {
    const context = { ...this.deps, timeoutCapMillis: REQUEST_DELIVERY_TIMEOUT_MS }
    const outcomes = await Promise.all(webhooks.map((target) => deliverEvent(target, event, context)))
    const holds = transactionHolds(transactionType, outcomes)
    if (!holds) {
      const failures = outcomes.flatMap((outcome, index) =>
        outcome.delivered ? [] : [{ webhookId: webhooks[index]?.webhook.id, reason: outcome.reason }],
      )
      console.warn(JSON.stringify({ event: event.type, eventId: event.id, transactionType, failures }))
    }
    return holds
  }
}
