/**
 * Issue 11, security review defect 2: a webhook's connectTimeout + readTimeout (each up to 2^31-1 ms) bounded its
 * delivery as given, so a receiver that never answers could hold a request with a transactional event for weeks, and
 * a consumer batch past the Worker's wall clock (then every message in it is retried). Delivery now clamps the bound:
 * REQUEST_DELIVERY_TIMEOUT_MS during a request, QUEUED_DELIVERY_TIMEOUT_MS in the consumer, the batch's deliveries
 * in parallel; the stored webhook keeps what the operator set.
 *
 * No clock is read: AbortSignal.timeout is replaced by a signal the test aborts, recording the bound asked for.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { newEvent } from '../../src/domain/events/event'
import { MAX_LIFETIME } from '../../src/domain/tenant-validation'
import { QUEUED_DELIVERY_TIMEOUT_MS, REQUEST_DELIVERY_TIMEOUT_MS } from '../../src/domain/webhook-delivery'
import worker from '../../src/index'
import { EVENT_QUEUE_NAME } from '../../src/jobs/deliver-events'
import { createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { createWebhook, hookUrl, sends } from '../events/delivery-fixtures'

const HUGE = { connectTimeout: MAX_LIFETIME, readTimeout: MAX_LIFETIME }

/**
 * Replaces AbortSignal.timeout: records each bound asked for and, once `started` deliveries have asked, aborts them
 * all as a timeout would. Deliveries made one after another never get there (the first waits on a receiver that
 * never answers), so reaching `started` shows they run in parallel.
 */
function timeoutsOnceStarted(started: number): number[] {
  const asked: number[] = []
  const controllers: AbortController[] = []
  vi.spyOn(AbortSignal, 'timeout').mockImplementation((millis: number) => {
    asked.push(millis)
    const controller = new AbortController()
    controllers.push(controller)
    if (controllers.length >= started) {
      for (const pending of controllers) pending.abort(new DOMException('The operation timed out.', 'TimeoutError'))
    }
    return controller.signal
  })
  return asked
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('webhook timeouts are clamped at delivery', () => {
  it('during a request: a never-answering receiver with huge timeouts is given at most the request bound (504)', async () => {
    const tenant = await createTenant(sends({ 'user.update': 'Any' }))
    const webhookId = await createWebhook({ url: hookUrl('hang').url, eventsEnabled: ['user.update'], tenantIds: [tenant.id], ...HUGE })
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const asked = timeoutsOnceStarted(1)
    await expectEmpty(await call(`/api/user/${user.id}`, { method: 'PATCH', body: { user: { firstName: 'Held' } } }), 504)
    expect(asked).toEqual([REQUEST_DELIVERY_TIMEOUT_MS])
    // The stored configuration keeps what the operator set.
    const stored = await json<{ webhook: typeof HUGE }>(await call(`/api/webhook/${webhookId}`))
    expect(stored.webhook).toMatchObject(HUGE)
  })

  it('in the consumer: each delivery at most the queued bound, the batch delivered in parallel, failures retried', async () => {
    const TYPE = 'user.password.update'
    const tenant = await createTenant()
    const webhookIds = [
      await createWebhook({ url: hookUrl('hang').url, eventsEnabled: [TYPE], tenantIds: [tenant.id], ...HUGE }),
      await createWebhook({ url: hookUrl('hang').url, eventsEnabled: [TYPE], tenantIds: [tenant.id], ...HUGE }),
    ]
    const event = newEvent(TYPE, Date.now(), tenant.id, { user: { id: crypto.randomUUID() } })
    const messages = webhookIds.map((webhookId) => ({
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: 1,
      body: { type: 'event.deliver', event, webhookId },
    }))
    const asked = timeoutsOnceStarted(2)
    const batch = createMessageBatch(EVENT_QUEUE_NAME, messages)
    const context = createExecutionContext()
    await worker.queue(batch, env)
    const result = await getQueueResult(batch, context)
    expect(asked).toEqual([QUEUED_DELIVERY_TIMEOUT_MS, QUEUED_DELIVERY_TIMEOUT_MS])
    expect(result.explicitAcks).toEqual([])
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId).sort()).toEqual(messages.map((m) => m.id).sort())
  })
})
