import { EventType, TransactionType, type Webhook } from '@fusionauth/typescript-client'
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES } from '../../src/domain/events/event-types'
import { TRANSACTION_TYPES } from '../../src/domain/events/transaction-types'
import { NO_ID, client, createFixture, fieldCode, ok, rejection, superuserKey, unique } from './support'

const webhookOf = (tenantId: string, fields: Webhook = {}): Webhook => ({
  url: `https://hooks.example.com/${unique()}`,
  connectTimeout: 1000,
  readTimeout: 2000,
  description: 'e2e webhook',
  eventsEnabled: { [EventType.UserLoginSuccess]: true, [EventType.UserLoginFailed]: false } as Record<EventType, boolean>,
  tenantIds: [tenantId],
  headers: { 'X-API-Key': 'e2e' },
  httpAuthenticationUsername: 'hook-user',
  httpAuthenticationPassword: 'hook-password',
  ...fields,
})

describe('webhooks through the official client', () => {
  it('createWebhook, retrieveWebhook, retrieveWebhooks, updateWebhook, patchWebhook, deleteWebhook', async () => {
    const { tenantId } = await createFixture({ register: false })
    const api = client()

    const created = await ok(api.createWebhook(NO_ID, { webhook: webhookOf(tenantId) }))
    const id = created.webhook?.id ?? ''
    expect(created.webhook).toMatchObject({
      description: 'e2e webhook',
      tenantIds: [tenantId],
      global: false,
      eventsEnabled: { 'user.login.success': true, 'user.login.failed': false },
    })
    // Write-only: the client gets no password back (FusionAuth would return it in clear).
    expect(created.webhook?.httpAuthenticationPassword).toBeUndefined()
    expect(created.webhook?.httpAuthenticationUsername).toBe('hook-user')

    const chosen = crypto.randomUUID()
    expect((await ok(api.createWebhook(chosen, { webhook: webhookOf(tenantId) }))).webhook?.id).toBe(chosen)

    expect((await ok(api.retrieveWebhook(id))).webhook).toEqual(created.webhook)
    const all = await ok(api.retrieveWebhooks())
    expect(all.webhooks?.map((webhook) => webhook.id)).toEqual(expect.arrayContaining([id, chosen]))

    const updated = await ok(
      api.updateWebhook(id, { webhook: webhookOf(tenantId, { description: 'updated', global: true, tenantIds: [] }) }),
    )
    expect(updated.webhook).toMatchObject({ id, description: 'updated', global: true, tenantIds: [] })
    const patched = await ok(api.patchWebhook(id, { webhook: { readTimeout: 4000 } }))
    expect(patched.webhook).toMatchObject({ id, description: 'updated', readTimeout: 4000 })

    const deleted = await api.deleteWebhook(id)
    expect(deleted.statusCode).toBe(200)
    expect((await rejection(api.retrieveWebhook(id))).statusCode).toBe(404)
    await ok(api.deleteWebhook(chosen))
  })

  it('reports bad input as a 400 with Errors the client can read', async () => {
    const { tenantId } = await createFixture({ register: false })
    const refused = await rejection(
      client().createWebhook(NO_ID, {
        webhook: webhookOf(tenantId, {
          url: 'ftp://hooks.example.com/',
          signatureConfiguration: { enabled: true, signingKeyId: crypto.randomUUID() },
        }),
      }),
    )
    expect(refused.statusCode).toBe(400)
    expect(fieldCode(refused, 'webhook.url')).toBe('[invalid]webhook.url')
    expect(fieldCode(refused, 'webhook.signatureConfiguration.signingKeyId')).toBe('[invalid]webhook.signatureConfiguration.signingKeyId')
  })

  it('is a global API: a client scoped to a tenant gets 401', async () => {
    const { tenantId } = await createFixture({ register: false })
    const scoped = client(superuserKey(), tenantId)
    expect((await rejection(scoped.retrieveWebhooks())).statusCode).toBe(401)
    expect((await rejection(scoped.createWebhook(NO_ID, { webhook: webhookOf(tenantId) }))).statusCode).toBe(401)
  })

  it("patchTenant sets a tenant's eventConfiguration with the client's enums", async () => {
    const { tenantId } = await createFixture({ register: false })
    const events = { [EventType.UserLoginSuccess]: { enabled: true, transactionType: TransactionType.SimpleMajority } } as Record<
      EventType,
      { enabled: boolean; transactionType: TransactionType }
    >
    const tenant = await ok(client().patchTenant(tenantId, { tenant: { eventConfiguration: { events } } }))
    expect(tenant.tenant?.eventConfiguration?.events?.[EventType.UserLoginSuccess]).toEqual({
      enabled: true,
      transactionType: 'SimpleMajority',
    })
    expect(tenant.tenant?.eventConfiguration?.events?.[EventType.UserCreate]).toEqual({ enabled: false, transactionType: 'None' })
  })

  it("knows every EventType and TransactionType of the client's enums", () => {
    expect(Object.keys(EVENT_TYPES).sort()).toEqual(Object.values(EventType).sort())
    expect([...TRANSACTION_TYPES].sort()).toEqual(Object.values(TransactionType).sort())
  })
})
