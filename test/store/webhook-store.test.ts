/**
 * WebhookStore.enabledFor: the one query event delivery makes, "the enabled webhooks of tenant T for event E",
 * answered correctly and by index lookups only.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Webhook } from '../../src/domain/webhook'
import { ENABLED_WEBHOOKS_SQL, WebhookStore } from '../../src/store/webhook-store'
import { createTenant } from '../fixtures'

const store = () => new WebhookStore(env.DB, env.ENCRYPTION_KEY)

let clock = Date.now()

function webhook(fields: Partial<Webhook>): Webhook {
  clock += 1
  return {
    id: crypto.randomUUID(),
    url: 'https://hooks.example.com/',
    connectTimeout: 1000,
    readTimeout: 2000,
    eventsEnabled: {},
    global: false,
    tenantIds: [],
    headers: {},
    signatureConfiguration: { enabled: false },
    data: {},
    insertInstant: clock,
    lastUpdateInstant: clock,
    ...fields,
  }
}

async function created(fields: Partial<Webhook>, password?: string): Promise<Webhook> {
  const value = webhook(fields)
  await store().create(value, password === undefined ? { kind: 'keep' } : { kind: 'set', password })
  return value
}

const ids = (found: { webhook: Webhook }[]) => found.map((entry) => entry.webhook.id)

describe('WebhookStore.enabledFor', () => {
  it("returns the tenant's webhooks and the global ones that enable the type, oldest first, passwords decrypted", async () => {
    const a = await createTenant()
    const b = await createTenant()
    // A type no other test file enables, so global webhooks created elsewhere cannot show up here.
    const type = 'entity.update.complete'
    const global = await created({ global: true, eventsEnabled: { [type]: true } }, 'global-secret')
    const forA = await created({ tenantIds: [b.id, a.id], eventsEnabled: { [type]: true, 'user.create': false } })
    await created({ tenantIds: [b.id], eventsEnabled: { [type]: true } })
    await created({ tenantIds: [a.id], eventsEnabled: { [type]: false } })
    await created({ tenantIds: [a.id] })

    const found = await store().enabledFor(a.id, type)
    expect(ids(found)).toEqual([global.id, forA.id])
    expect(found[0]?.httpAuthenticationPassword).toBe('global-secret')
    expect(found[1]).not.toHaveProperty('httpAuthenticationPassword')
    expect(found[1]?.webhook).toEqual(forA)

    expect(ids(await store().enabledFor(null, type))).toEqual([global.id])
    expect(ids(await store().enabledFor(a.id, 'user.create'))).not.toContain(forA.id)
  })

  it('follows updates and deletes', async () => {
    const tenant = await createTenant()
    const type = 'entity.delete.complete'
    const hook = await created({ tenantIds: [tenant.id], eventsEnabled: { [type]: true } })
    expect(ids(await store().enabledFor(tenant.id, type))).toEqual([hook.id])
    expect(await store().update({ ...hook, eventsEnabled: { [type]: false } }, { kind: 'keep' })).toBe(true)
    expect(await store().enabledFor(tenant.id, type)).toEqual([])
    expect(await store().update({ ...hook, eventsEnabled: { [type]: true }, tenantIds: [] }, { kind: 'keep' })).toBe(true)
    expect(await store().enabledFor(tenant.id, type)).toEqual([])
    expect(await store().update({ ...hook, eventsEnabled: { [type]: true }, global: true }, { kind: 'keep' })).toBe(true)
    expect(ids(await store().enabledFor(tenant.id, type))).toEqual([hook.id])
    expect(await store().delete(hook.id)).toBe(true)
    expect(await store().enabledFor(tenant.id, type)).toEqual([])
    expect(await store().update(hook, { kind: 'keep' })).toBe(false)
  })

  it('reads by index only: no step scans a table', async () => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${ENABLED_WEBHOOKS_SQL}`)
      .bind('user.login.success', crypto.randomUUID())
      .all<{ detail: string }>()
    const plan = results.map((step) => step.detail)
    // `SCAN (subquery-n)` walks one webhook's own links, already found by primary key, to order its tenantIds.
    expect(
      plan.filter((step) => step.startsWith('SCAN') && !step.startsWith('SCAN (subquery-')),
      plan.join('\n'),
    ).toEqual([])
    expect(
      plan.some((step) => /SEARCH t USING PRIMARY KEY \(webhook_id=\? AND tenant_id=\?\)/.test(step)),
      plan.join('\n'),
    ).toBe(true)
    expect(
      plan.some((step) => /SEARCH e USING PRIMARY KEY \(event_type=\?\)/.test(step)),
      plan.join('\n'),
    ).toBe(true)
  })
})
