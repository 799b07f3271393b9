/**
 * `/api/webhook`: create (with or without an id), retrieve one or all, update (PUT replaces, PATCH merges) and
 * delete webhooks, in FusionAuth's wire format (domain/webhook.ts reads and validates them).
 *
 * Webhooks are global objects: one may serve every tenant, and each names the tenants it serves. FusionAuth's
 * docs moved the Webhook API to global API keys (fusionauth-site PR #4299, after fusionauth-issues #3452), so a
 * tenant-locked key or an X-FusionAuth-TenantId header is 401 with no body, for every method (http/scope.ts).
 *
 * Departure from FusionAuth: `httpAuthenticationPassword` is write-only. It is stored encrypted and no response
 * carries it; a PUT or PATCH that leaves it out keeps the stored one.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { deepMerge } from '../domain/json-merge'
import { readWebhook, type Webhook, type WebhookIdentity } from '../domain/webhook'
import type { AppEnv } from '../env'
import { readJson } from '../http/body'
import { codes, fieldError, notFound } from '../http/errors'
import { FieldReader, type JsonObject } from '../http/fields'
import { pathUuid } from '../http/path'
import { emptyOk } from '../http/responses'
import { requireGlobalScope } from '../http/scope'
import { isUniqueViolation, withoutServerFields } from './admin-common'

export const webhookRoutes = new Hono<AppEnv>()

webhookRoutes.use('/api/webhook', requireGlobalScope)
webhookRoutes.use('/api/webhook/*', requireGlobalScope)

webhookRoutes.get('/api/webhook', async (c) => c.json({ webhooks: await c.var.data.webhooks.list() }))

webhookRoutes.get('/api/webhook/:id', async (c) => c.json({ webhook: await findWebhook(c) }))

webhookRoutes.post('/api/webhook', (c) => createWebhook(c, crypto.randomUUID()))
webhookRoutes.post('/api/webhook/:id', (c) => createWebhook(c, pathUuid(c)))
webhookRoutes.put('/api/webhook/:id', (c) => updateWebhook(c, 'replace'))
webhookRoutes.patch('/api/webhook/:id', (c) => updateWebhook(c, 'merge'))

webhookRoutes.delete('/api/webhook/:id', async (c) => {
  if (!(await c.var.data.webhooks.delete(pathUuid(c)))) throw notFound()
  return emptyOk(c)
})

const duplicateId = (id: string) => codes.duplicate('webhook.id', `A Webhook with Id [${id}] already exists.`)

async function createWebhook(c: Context<AppEnv>, id: string): Promise<Response> {
  const store = c.var.data.webhooks
  const body = FieldReader.body(await readJson(c))
  const reader = new FieldReader(withoutServerFields(body.rawObject('webhook') ?? {}), body.errors, 'webhook')
  if ((await store.get(id)) !== null) body.errors.field('webhook.id', duplicateId(id).code, duplicateId(id).message)
  const now = c.get('nowMillis')
  const { webhook, password } = await readWebhook(c.var.data, reader, { id, insertInstant: now, lastUpdateInstant: now })
  try {
    await store.create(webhook, password)
  } catch (error) {
    // Another request created this id between the check and the write.
    if (isUniqueViolation(error)) throw fieldError('webhook.id', duplicateId(id))
    throw error
  }
  return c.json({ webhook })
}

async function updateWebhook(c: Context<AppEnv>, mode: 'replace' | 'merge'): Promise<Response> {
  const existing = await findWebhook(c)
  const body = FieldReader.body(await readJson(c))
  const input = withoutServerFields(body.rawObject('webhook') ?? {})
  const source: JsonObject = mode === 'merge' ? deepMerge<JsonObject>({ ...existing }, input) : input
  const identity: WebhookIdentity = { id: existing.id, insertInstant: existing.insertInstant, lastUpdateInstant: c.get('nowMillis') }
  const { webhook, password } = await readWebhook(c.var.data, new FieldReader(source, body.errors, 'webhook'), identity)
  if (!(await c.var.data.webhooks.update(webhook, password))) throw notFound()
  return c.json({ webhook })
}

async function findWebhook(c: Context<AppEnv>): Promise<Webhook> {
  const webhook = await c.var.data.webhooks.get(pathUuid(c))
  if (webhook === null) throw notFound()
  return webhook
}
