/**
 * Issue 8, defect 2: the development outbox holds every tenant's two-factor codes, so only a global key
 * (no tenant lock, no X-FusionAuth-TenantId) may read it, and only where ENVIRONMENT is development or test.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import type { Bindings } from '../../src/env'
import { DevOutboxMailer } from '../../src/mail/dev-outbox'
import { SUPERUSER_KEY, call, expectEmpty, json } from '../helpers'
import { createApiKey } from '../routes/admin-fixtures'
import { world } from '../routes/session-fixtures'

const outbox = (email: string) => `/api/dev/outbox?email=${encodeURIComponent(email)}`

/** Tenant B's user has a code in the outbox; tenant A has a locked key. */
async function setUp(): Promise<{ aTenantId: string; aKey: string; bEmail: string }> {
  const a = await world()
  const b = await world()
  await new DevOutboxMailer(env.KV).send({ to: b.email, subject: 'Your code', text: 'Your code is 123456' })
  const { key } = await createApiKey({ tenantId: a.tenant.id })
  return { aTenantId: a.tenant.id, aKey: key, bEmail: b.email }
}

describe('GET /api/dev/outbox', () => {
  it('refuses a tenant-locked key, with or without its tenant header', async () => {
    const { aTenantId, aKey, bEmail } = await setUp()
    await expectEmpty(await call(outbox(bEmail), { apiKey: aKey }), 401)
    await expectEmpty(await call(outbox(bEmail), { apiKey: aKey, tenantId: aTenantId }), 401)
  })

  it('refuses a global key that names a tenant', async () => {
    const { aTenantId, bEmail } = await setUp()
    await expectEmpty(await call(outbox(bEmail), { tenantId: aTenantId }), 401)
  })

  it('serves a global key', async () => {
    const { bEmail } = await setUp()
    const body = await json<{ messages: { text: string }[] }>(await call(outbox(bEmail)))
    expect(body.messages.map((m) => m.text)).toEqual(['Your code is 123456'])
  })

  it('does not exist outside development and test, whatever the key', async () => {
    const { bEmail } = await setUp()
    for (const environment of ['production', 'staging', undefined]) {
      const bindings: Bindings = { ...env, ENVIRONMENT: environment }
      const response = await createApp().request(outbox(bEmail), { headers: { Authorization: SUPERUSER_KEY } }, bindings)
      await expectEmpty(response, 404)
      const anonymous = await createApp().request(outbox(bEmail), {}, bindings)
      await expectEmpty(anonymous, 404)
    }
  })
})
