/**
 * /api/webhook: FusionAuth's Webhook API. Each operation, the write-only encrypted password, the global scope,
 * and every kind of bad input as a 400 with Errors JSON.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, createTenant, fieldCodes, generalCodes } from './admin-fixtures'

interface WebhookJson {
  id: string
  url: string
  connectTimeout: number
  readTimeout: number
  eventsEnabled: Record<string, boolean>
  global: boolean
  tenantIds: string[]
  headers: Record<string, string>
  httpAuthenticationUsername?: string
  httpAuthenticationPassword?: string
  signatureConfiguration: { enabled: boolean; signingKeyId?: string }
  sslCertificate?: string
  sslCertificateKeyId?: string
  description?: string
  data: Record<string, unknown>
  insertInstant: number
  lastUpdateInstant: number
}

const PASSWORD = 'basic-auth-secret-7f3a'

const minimal = (overrides: Record<string, unknown> = {}) => ({
  url: 'https://hooks.example.com/fusionauth',
  connectTimeout: 1000,
  readTimeout: 2000,
  ...overrides,
})

async function createWebhook(webhook: Record<string, unknown> = {}, path = '/api/webhook'): Promise<WebhookJson> {
  const response = await call(path, { body: { webhook: minimal(webhook) } })
  expect(response.status).toBe(200)
  return (await json<{ webhook: WebhookJson }>(response)).webhook
}

async function retrieve(id: string): Promise<WebhookJson> {
  const response = await call(`/api/webhook/${id}`)
  expect(response.status).toBe(200)
  return (await json<{ webhook: WebhookJson }>(response)).webhook
}

async function signingKeyId(): Promise<string> {
  const response = await call('/api/key/generate', { body: { key: { algorithm: 'HS256', name: `webhook key ${crypto.randomUUID()}` } } })
  expect(response.status).toBe(200)
  return (await json<{ key: { id: string } }>(response)).key.id
}

interface StoredRow {
  data: string
  http_authentication_password: string | null
  global: number
}

const storedRow = (id: string) =>
  env.DB.prepare('SELECT data, http_authentication_password, global FROM webhooks WHERE id = ?').bind(id).first<StoredRow>()

describe('POST /api/webhook', () => {
  it('creates a webhook in FusionAuth shape and retrieves it', async () => {
    const tenant = await createTenant()
    const keyId = await signingKeyId()
    const webhook = await createWebhook({
      description: 'The standard game Webhook',
      eventsEnabled: { 'user.create': true, 'user.delete': false },
      global: false,
      tenantIds: [tenant.id],
      headers: { 'X-API-Key': ' abc ' },
      httpAuthenticationUsername: 'username',
      httpAuthenticationPassword: PASSWORD,
      signatureConfiguration: { enabled: true, signingKeyId: keyId },
      data: { updatedBy: 'richard' },
    })
    expect(webhook).toMatchObject({
      url: 'https://hooks.example.com/fusionauth',
      connectTimeout: 1000,
      readTimeout: 2000,
      description: 'The standard game Webhook',
      eventsEnabled: { 'user.create': true, 'user.delete': false },
      global: false,
      tenantIds: [tenant.id],
      headers: { 'X-API-Key': 'abc' },
      httpAuthenticationUsername: 'username',
      signatureConfiguration: { enabled: true, signingKeyId: keyId },
      data: { updatedBy: 'richard' },
    })
    expect(webhook.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(webhook.insertInstant).toBeGreaterThan(0)
    expect(webhook.lastUpdateInstant).toBe(webhook.insertInstant)
    expect(await retrieve(webhook.id)).toEqual(webhook)
  })

  it('fills FusionAuth defaults for what it leaves out', async () => {
    const webhook = await createWebhook()
    expect(webhook).toMatchObject({
      eventsEnabled: {},
      global: false,
      tenantIds: [],
      headers: {},
      signatureConfiguration: { enabled: false },
      data: {},
    })
    expect(webhook).not.toHaveProperty('httpAuthenticationUsername')
  })

  it('uses the id in the path, and refuses it twice with [duplicate]webhook.id', async () => {
    const id = crypto.randomUUID()
    expect((await createWebhook({}, `/api/webhook/${id}`)).id).toBe(id)
    const again = await call(`/api/webhook/${id}`, { body: { webhook: minimal() } })
    expect(await fieldCodes(again)).toEqual(['[duplicate]webhook.id'])
  })

  it('ignores client values for id and instants', async () => {
    const id = crypto.randomUUID()
    const webhook = await createWebhook({ id, insertInstant: 1, lastUpdateInstant: 2 })
    expect(webhook.id).not.toBe(id)
    expect(webhook.insertInstant).toBeGreaterThan(2)
  })

  it('accepts the FusionAuth kickstart example: every event type, instance events included', async () => {
    const events = [
      'jwt.public-key.update',
      'audit-log.create',
      'event-log.create',
      'kickstart.success',
      'user.action',
      'user.login.success',
      'user.two-factor.method.add',
      'user.update.complete',
    ]
    const webhook = await createWebhook({
      global: true,
      eventsEnabled: Object.fromEntries(events.map((e) => [e, true])),
      headers: { 'X-API-Key': '...' },
    })
    expect(Object.keys(webhook.eventsEnabled).sort()).toEqual([...events].sort())
    expect(webhook.global).toBe(true)
  })
})

describe('GET /api/webhook', () => {
  it('lists every webhook, and 404s an unknown or malformed id with no body', async () => {
    const a = await createWebhook({ description: 'a' })
    const b = await createWebhook({ description: 'b' })
    const { webhooks } = await json<{ webhooks: WebhookJson[] }>(await call('/api/webhook'))
    const ids = webhooks.map((w) => w.id)
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]))
    expect(webhooks.find((w) => w.id === b.id)).toEqual(b)
    await expectEmpty(await call(`/api/webhook/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call('/api/webhook/not-a-uuid'), 404)
  })
})

describe('PUT and PATCH /api/webhook/{id}', () => {
  it('PUT replaces the webhook: what it leaves out returns to the defaults', async () => {
    const tenant = await createTenant()
    const created = await createWebhook({
      description: 'before',
      tenantIds: [tenant.id],
      eventsEnabled: { 'user.create': true },
      headers: { 'X-A': '1' },
    })
    const response = await call(`/api/webhook/${created.id}`, {
      method: 'PUT',
      body: { webhook: minimal({ url: 'http://hooks.example.com/v2', readTimeout: 5000 }) },
    })
    expect(response.status).toBe(200)
    const { webhook } = await json<{ webhook: WebhookJson }>(response)
    expect(webhook).toMatchObject({
      id: created.id,
      url: 'http://hooks.example.com/v2',
      readTimeout: 5000,
      eventsEnabled: {},
      tenantIds: [],
      headers: {},
      insertInstant: created.insertInstant,
    })
    expect(webhook).not.toHaveProperty('description')
    expect(webhook.lastUpdateInstant).toBeGreaterThanOrEqual(created.lastUpdateInstant)
    expect(await retrieve(created.id)).toEqual(webhook)
  })

  it('PATCH merges into the stored webhook', async () => {
    const created = await createWebhook({ description: 'kept', eventsEnabled: { 'user.create': true }, headers: { 'X-A': '1' } })
    const response = await call(`/api/webhook/${created.id}`, {
      method: 'PATCH',
      body: { webhook: { eventsEnabled: { 'user.delete': true }, headers: { 'X-B': '2' } } },
    })
    expect(response.status).toBe(200)
    const { webhook } = await json<{ webhook: WebhookJson }>(response)
    expect(webhook).toMatchObject({
      description: 'kept',
      url: created.url,
      eventsEnabled: { 'user.create': true, 'user.delete': true },
      headers: { 'X-A': '1', 'X-B': '2' },
    })
    expect(await retrieve(created.id)).toEqual(webhook)
  })

  it('404s an unknown webhook, with no body', async () => {
    const id = crypto.randomUUID()
    await expectEmpty(await call(`/api/webhook/${id}`, { method: 'PUT', body: { webhook: minimal() } }), 404)
    await expectEmpty(await call(`/api/webhook/${id}`, { method: 'PATCH', body: { webhook: { description: 'x' } } }), 404)
  })
})

describe('DELETE /api/webhook/{id}', () => {
  it('deletes the webhook and its links; a second delete is 404', async () => {
    const tenant = await createTenant()
    const webhook = await createWebhook({ tenantIds: [tenant.id], eventsEnabled: { 'user.create': true } })
    const response = await call(`/api/webhook/${webhook.id}`, { method: 'DELETE' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
    await expectEmpty(await call(`/api/webhook/${webhook.id}`), 404)
    await expectEmpty(await call(`/api/webhook/${webhook.id}`, { method: 'DELETE' }), 404)
    const links = await env.DB.prepare(
      'SELECT (SELECT COUNT(*) FROM webhook_tenants WHERE webhook_id = ?1) + (SELECT COUNT(*) FROM webhook_events WHERE webhook_id = ?1) AS n',
    )
      .bind(webhook.id)
      .first<{ n: number }>()
    expect(links?.n).toBe(0)
  })

  it('deleting a tenant takes it off its webhooks', async () => {
    const kept = await createTenant()
    const deleted = await createTenant()
    const webhook = await createWebhook({ tenantIds: [deleted.id, kept.id] })
    expect((await call(`/api/tenant/${deleted.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await retrieve(webhook.id)).tenantIds).toEqual([kept.id])
  })
})

describe('signing keys a webhook uses', () => {
  it('cannot be deleted while a webhook names them ([KeyInUse]); can once it no longer does', async () => {
    const signing = await signingKeyId()
    const certificate = await signingKeyId()
    const webhook = await createWebhook({
      signatureConfiguration: { enabled: true, signingKeyId: signing },
      sslCertificateKeyId: certificate,
    })
    expect(await generalCodes(await call(`/api/key/${signing}`, { method: 'DELETE' }))).toEqual(['[KeyInUse]'])
    expect(await generalCodes(await call(`/api/key/${certificate}`, { method: 'DELETE' }))).toEqual(['[KeyInUse]'])
    expect((await call(`/api/webhook/${webhook.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await call(`/api/key/${signing}`, { method: 'DELETE' })).status).toBe(200)
    expect((await call(`/api/key/${certificate}`, { method: 'DELETE' })).status).toBe(200)
  })
})

describe('httpAuthenticationPassword is write-only and encrypted at rest', () => {
  const expectNoPassword = async (response: Response) => {
    const text = await response.text()
    expect(text).not.toContain(PASSWORD)
    expect(text).not.toContain('httpAuthenticationPassword')
  }

  it('is in no response and not in clear in the D1 row', async () => {
    const created = await call('/api/webhook', {
      body: { webhook: minimal({ httpAuthenticationUsername: 'user', httpAuthenticationPassword: PASSWORD }) },
    })
    expect(created.status).toBe(200)
    const { webhook } = await json<{ webhook: WebhookJson }>(created.clone())
    await expectNoPassword(created)
    await expectNoPassword(await call(`/api/webhook/${webhook.id}`))
    await expectNoPassword(await call('/api/webhook'))
    await expectNoPassword(await call(`/api/webhook/${webhook.id}`, { method: 'PATCH', body: { webhook: { description: 'patched' } } }))

    const row = await storedRow(webhook.id)
    expect(row?.http_authentication_password).toMatch(/^v1\./)
    expect(JSON.stringify(row)).not.toContain(PASSWORD)
    expect(row?.data).not.toContain('httpAuthenticationPassword')
  })

  it('is kept when a write leaves it out, replaced when given, removed by null, "" or no username', async () => {
    const webhook = await createWebhook({ httpAuthenticationUsername: 'user', httpAuthenticationPassword: PASSWORD })
    const first = (await storedRow(webhook.id))?.http_authentication_password
    const put = (body: Record<string, unknown>) => call(`/api/webhook/${webhook.id}`, { method: 'PUT', body: { webhook: minimal(body) } })
    const patch = (body: Record<string, unknown>) => call(`/api/webhook/${webhook.id}`, { method: 'PATCH', body: { webhook: body } })

    expect((await put({ httpAuthenticationUsername: 'user' })).status).toBe(200)
    expect((await storedRow(webhook.id))?.http_authentication_password).toBe(first)
    expect((await patch({ description: 'd' })).status).toBe(200)
    expect((await storedRow(webhook.id))?.http_authentication_password).toBe(first)

    expect((await patch({ httpAuthenticationPassword: 'another-secret' })).status).toBe(200)
    const second = (await storedRow(webhook.id))?.http_authentication_password
    expect(second).toMatch(/^v1\./)
    expect(second).not.toBe(first)

    expect((await patch({ httpAuthenticationPassword: null })).status).toBe(200)
    expect((await storedRow(webhook.id))?.http_authentication_password).toBeNull()

    expect((await patch({ httpAuthenticationPassword: PASSWORD })).status).toBe(200)
    expect((await put({ httpAuthenticationUsername: 'user', httpAuthenticationPassword: '' })).status).toBe(200)
    expect((await storedRow(webhook.id))?.http_authentication_password).toBeNull()

    expect((await patch({ httpAuthenticationPassword: PASSWORD })).status).toBe(200)
    expect((await put({})).status).toBe(200)
    expect((await storedRow(webhook.id))?.http_authentication_password).toBeNull()
  })
})

describe('webhooks are global objects', () => {
  it('a tenant-locked key, or the superuser key with X-FusionAuth-TenantId, gets 401 with no body for every method', async () => {
    const tenant = await createTenant()
    const { key } = await createApiKey({ tenantId: tenant.id })
    const webhook = await createWebhook({ tenantIds: [tenant.id] })
    for (const scope of [{ apiKey: key }, { tenantId: tenant.id }]) {
      await expectEmpty(await call('/api/webhook', scope), 401)
      await expectEmpty(await call(`/api/webhook/${webhook.id}`, scope), 401)
      await expectEmpty(await call('/api/webhook', { ...scope, body: { webhook: minimal({ tenantIds: [tenant.id] }) } }), 401)
      await expectEmpty(await call(`/api/webhook/${crypto.randomUUID()}`, { ...scope, body: { webhook: minimal() } }), 401)
      await expectEmpty(await call(`/api/webhook/${webhook.id}`, { ...scope, method: 'PUT', body: { webhook: minimal() } }), 401)
      await expectEmpty(
        await call(`/api/webhook/${webhook.id}`, { ...scope, method: 'PATCH', body: { webhook: { url: 'https://evil.example' } } }),
        401,
      )
      await expectEmpty(await call(`/api/webhook/${webhook.id}`, { ...scope, method: 'DELETE' }), 401)
    }
    expect(await retrieve(webhook.id)).toEqual(webhook)
  })

  it('no API key is 401', async () => {
    await expectEmpty(await call('/api/webhook', { apiKey: null }), 401)
    await expectEmpty(await call('/api/webhook', { apiKey: 'not-a-key', body: { webhook: minimal() } }), 401)
  })
})

describe('bad input is a 400 with Errors JSON, never a 500', () => {
  const post = (body: unknown) => call('/api/webhook', { body })
  const codesOf = async (webhook: Record<string, unknown>) => fieldCodes(await post({ webhook: minimal(webhook) }))

  it('malformed JSON, a missing body, a body that is not an object', async () => {
    expect(await generalCodes(await call('/api/webhook', { rawBody: '{"webhook": {' }))).toEqual(['[invalid]'])
    expect(await generalCodes(await call('/api/webhook', { method: 'POST' }))).toEqual(['[missing]'])
    expect(await generalCodes(await post([1, 2]))).toEqual(['[invalid]'])
  })

  it('a missing url, timeouts and a body without a webhook', async () => {
    expect((await fieldCodes(await post({}))).sort()).toEqual([
      '[blank]webhook.connectTimeout',
      '[blank]webhook.readTimeout',
      '[blank]webhook.url',
    ])
    expect(await codesOf({ url: '   ' })).toEqual(['[blank]webhook.url'])
  })

  it.each([
    ['ftp://hooks.example.com/x', 'ftp'],
    ['file:///etc/passwd', 'file'],
    ['javascript:alert(1)', 'javascript'],
    ['hooks.example.com/no-scheme', 'relative'],
    ['https://user:secret@hooks.example.com/', 'credentials'],
    [`https://hooks.example.com/${'a'.repeat(2100)}`, 'too long'],
  ])('a url that is not an absolute http(s) URL: %s (%s)', async (url) => {
    expect(await codesOf({ url })).toEqual(['[invalid]webhook.url'])
  })

  it('timeouts below 1 or not integers', async () => {
    expect((await codesOf({ connectTimeout: 0, readTimeout: -5 })).sort()).toEqual([
      '[invalid]webhook.connectTimeout',
      '[invalid]webhook.readTimeout',
    ])
    expect(await codesOf({ connectTimeout: '1000' })).toEqual(['[invalid]webhook.connectTimeout'])
    expect(await codesOf({ readTimeout: 1.5 })).toEqual(['[invalid]webhook.readTimeout'])
  })

  it('wrong types everywhere', async () => {
    const codes = await codesOf({
      url: 42,
      global: 'yes',
      eventsEnabled: ['user.create'],
      tenantIds: 'abc',
      headers: 'X-A: 1',
      description: {},
      data: [],
      signatureConfiguration: 'on',
      httpAuthenticationUsername: 7,
      sslCertificateKeyId: 'not-a-uuid',
    })
    expect(codes.sort()).toEqual(
      [
        '[invalid]webhook.url',
        '[invalid]webhook.global',
        '[invalid]webhook.eventsEnabled',
        '[invalid]webhook.tenantIds',
        '[invalid]webhook.headers',
        '[invalid]webhook.description',
        '[invalid]webhook.data',
        '[invalid]webhook.signatureConfiguration',
        '[invalid]webhook.httpAuthenticationUsername',
        '[invalid]webhook.sslCertificateKeyId',
      ].sort(),
    )
    expect(await fieldCodes(await post({ webhook: 'not an object' }))).toContain('[invalid]webhook')
  })

  it('an unknown event type, or an event value that is not a boolean', async () => {
    const response = await post({ webhook: minimal({ eventsEnabled: { 'user.create': true, 'user.explode': true } }) })
    const body = await json<{ fieldErrors: Record<string, { code: string; message: string }[]> }>(response.clone())
    expect(await fieldCodes(response)).toEqual(['[invalid]webhook.eventsEnabled'])
    expect(body.fieldErrors['webhook.eventsEnabled']?.[0]?.message).toContain('[user.explode]')
    expect(await codesOf({ eventsEnabled: { 'user.create': 'yes' } })).toEqual(['[invalid]webhook.eventsEnabled'])
  })

  it('a signing key that does not exist, or signing without a key', async () => {
    expect(await codesOf({ signatureConfiguration: { enabled: true, signingKeyId: crypto.randomUUID() } })).toEqual([
      '[invalid]webhook.signatureConfiguration.signingKeyId',
    ])
    expect(await codesOf({ signatureConfiguration: { enabled: true } })).toEqual(['[blank]webhook.signatureConfiguration.signingKeyId'])
    expect(await codesOf({ signatureConfiguration: { enabled: true, signingKeyId: 'nope' } })).toEqual([
      '[invalid]webhook.signatureConfiguration.signingKeyId',
    ])
    expect(await codesOf({ sslCertificateKeyId: crypto.randomUUID() })).toEqual(['[invalid]webhook.sslCertificateKeyId'])
  })

  it('a certificate that is not PEM, or one given with a key id', async () => {
    expect(await codesOf({ sslCertificate: 'not a certificate' })).toEqual(['[invalid]webhook.sslCertificate'])
    const keyId = await signingKeyId()
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
    expect(await codesOf({ sslCertificate: pem, sslCertificateKeyId: keyId })).toEqual(['[invalid]webhook.sslCertificate'])
    expect((await createWebhook({ sslCertificate: pem })).sslCertificate).toBe(pem)
  })

  it('an unknown tenant, or a tenant id that is not a UUID', async () => {
    const tenant = await createTenant()
    const missing = crypto.randomUUID()
    const response = await post({ webhook: minimal({ tenantIds: [tenant.id, missing] }) })
    const body = await json<{ fieldErrors: Record<string, { code: string; message: string }[]> }>(response.clone())
    expect(await fieldCodes(response)).toEqual(['[invalid]webhook.tenantIds'])
    expect(body.fieldErrors['webhook.tenantIds']?.[0]?.message).toContain(missing)
    expect(await codesOf({ tenantIds: [tenant.id, 'not-a-uuid'] })).toEqual(['[invalid]webhook.tenantIds'])
    expect(await codesOf({ tenantIds: Array.from({ length: 101 }, () => crypto.randomUUID()) })).toEqual(['[invalid]webhook.tenantIds'])
  })

  it.each([
    ['a name with a space (FusionAuth docs example)', { 'Header 1': 'value 1' }],
    ['a name with a colon', { 'X-A:': '1' }],
    ['a value with a line break', { 'X-A': 'one\r\nX-Injected: two' }],
    ['a value that is not a string', { 'X-A': 1 }],
    ['a value beyond Latin-1', { 'X-A': 'snowman \u2603' }],
    ['the same name twice', { 'X-A': '1', 'x-a': '2' }],
    ['a framing header', { 'Content-Length': '10' }],
    ['the host', { Host: 'internal.example' }],
    ['the signature header', { 'X-FusionAuth-Signature-JWT': 'forged' }],
    ['too many headers', Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`X-H${i}`, 'v']))],
    ['oversized headers', { 'X-Big': 'a'.repeat(9000) }],
    ['oversized in total', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-H${i}`, 'a'.repeat(500)]))],
  ])('headers: %s', async (_name, headers) => {
    expect(await codesOf({ headers })).toEqual(['[invalid]webhook.headers'])
  })

  it('an Authorization header beside HTTP basic authentication', async () => {
    expect(
      await codesOf({ headers: { Authorization: 'Bearer x' }, httpAuthenticationUsername: 'u', httpAuthenticationPassword: 'p' }),
    ).toEqual(['[invalid]webhook.headers'])
    expect((await createWebhook({ headers: { Authorization: 'Bearer x' } })).headers).toEqual({ Authorization: 'Bearer x' })
  })

  it('PUT and PATCH validate the same way, and change nothing on a 400', async () => {
    const webhook = await createWebhook({ description: 'unchanged' })
    const put = await call(`/api/webhook/${webhook.id}`, { method: 'PUT', body: { webhook: minimal({ url: 'ftp://x.example' }) } })
    expect(await fieldCodes(put)).toEqual(['[invalid]webhook.url'])
    const patch = await call(`/api/webhook/${webhook.id}`, {
      method: 'PATCH',
      body: { webhook: { connectTimeout: 0, eventsEnabled: { nope: true } } },
    })
    expect((await fieldCodes(patch)).sort()).toEqual(['[invalid]webhook.connectTimeout', '[invalid]webhook.eventsEnabled'])
    const nulled = await call(`/api/webhook/${webhook.id}`, { method: 'PATCH', body: { webhook: { url: null } } })
    expect(await fieldCodes(nulled)).toEqual(['[blank]webhook.url'])
    expect(await retrieve(webhook.id)).toEqual(webhook)
  })
})
