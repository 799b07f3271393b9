import { describe, expect, it } from 'vitest'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, createTenant, fieldCodes, generalCodes, uniqueName } from './admin-fixtures'

interface TenantBody {
  tenant: {
    id: string
    name: string
    issuer: string
    jwtConfiguration: { accessTokenKeyId?: string; timeToLiveInSeconds: number }
    passwordEncryptionConfiguration: { encryptionScheme: string; encryptionSchemeFactor: number }
    failedAuthenticationConfiguration: { tooManyAttempts: number }
    data?: Record<string, unknown>
  }
}

describe('POST /api/tenant', () => {
  it('creates a tenant over the defaults with a signing key of its own, and retrieves it', async () => {
    const name = uniqueName('tenant')
    const response = await call('/api/tenant', { body: { tenant: { name, issuer: 'example.com' } } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const { tenant } = await json<TenantBody>(response)
    expect(tenant.name).toBe(name)
    expect(tenant.issuer).toBe('example.com')
    expect(tenant.jwtConfiguration.timeToLiveInSeconds).toBe(3600)
    expect(tenant.passwordEncryptionConfiguration.encryptionScheme).toBe('salted-pbkdf2-hmac-sha256')
    expect(tenant.jwtConfiguration.accessTokenKeyId).toMatch(/^[0-9a-f-]{36}$/)

    const again = await json<TenantBody>(await call(`/api/tenant/${tenant.id}`))
    expect(again.tenant).toEqual(tenant)
  })

  it('uses the id in the path, and refuses it twice', async () => {
    const id = crypto.randomUUID()
    const first = await call(`/api/tenant/${id}`, { body: { tenant: { name: uniqueName('t') } } })
    expect((await json<TenantBody>(first)).tenant.id).toBe(id)
    const second = await call(`/api/tenant/${id}`, { body: { tenant: { name: uniqueName('t') } } })
    expect(await fieldCodes(second)).toContain('[duplicate]tenant.id')
  })

  it('copies sourceTenantId and applies the new name', async () => {
    const source = await createTenant({ issuer: 'copied.example', failedAuthenticationConfiguration: { tooManyAttempts: 9 } })
    const name = uniqueName('copy')
    const response = await call('/api/tenant', { body: { sourceTenantId: source.id, tenant: { name } } })
    const { tenant } = await json<TenantBody>(response)
    expect(tenant.id).not.toBe(source.id)
    expect(tenant.name).toBe(name)
    expect(tenant.issuer).toBe('copied.example')
    expect(tenant.failedAuthenticationConfiguration.tooManyAttempts).toBe(9)
  })

  it('rejects an unknown sourceTenantId', async () => {
    const response = await call('/api/tenant', { body: { sourceTenantId: crypto.randomUUID(), tenant: { name: uniqueName('t') } } })
    expect(await fieldCodes(response)).toContain('[invalid]sourceTenantId')
  })

  it('requires a name and refuses a duplicate one (case-insensitively)', async () => {
    expect(await fieldCodes(await call('/api/tenant', { body: { tenant: {} } }))).toContain('[blank]tenant.name')
    expect(await fieldCodes(await call('/api/tenant', { body: { tenant: { name: '   ' } } }))).toContain('[blank]tenant.name')
    const existing = await createTenant()
    const duplicate = await call('/api/tenant', { body: { tenant: { name: String(existing.name).toUpperCase() } } })
    expect(await fieldCodes(duplicate)).toContain('[duplicate]tenant.name')
  })

  it('holds PBKDF2 factors to at most 100,000 and schemes to supported names', async () => {
    const tooMany = await call('/api/tenant', {
      body: { tenant: { name: uniqueName('t'), passwordEncryptionConfiguration: { encryptionSchemeFactor: 100_001 } } },
    })
    expect(await fieldCodes(tooMany)).toContain('[invalid]tenant.passwordEncryptionConfiguration.encryptionSchemeFactor')
    const atLimit = await call('/api/tenant', {
      body: { tenant: { name: uniqueName('t'), passwordEncryptionConfiguration: { encryptionSchemeFactor: 100_000 } } },
    })
    expect(atLimit.status).toBe(200)
    const unknown = await call('/api/tenant', {
      body: { tenant: { name: uniqueName('t'), passwordEncryptionConfiguration: { encryptionScheme: 'rot13' } } },
    })
    expect(await fieldCodes(unknown)).toContain('[invalid]tenant.passwordEncryptionConfiguration.encryptionScheme')
    const bcrypt = await call('/api/tenant', {
      body: {
        tenant: { name: uniqueName('t'), passwordEncryptionConfiguration: { encryptionScheme: 'bcrypt', encryptionSchemeFactor: 24000 } },
      },
    })
    expect(await fieldCodes(bcrypt)).toContain('[invalid]tenant.passwordEncryptionConfiguration.encryptionSchemeFactor')
  })

  it('validates JWT lifetimes, signing keys and failed-authentication numbers', async () => {
    const response = await call('/api/tenant', {
      body: {
        tenant: {
          name: uniqueName('t'),
          jwtConfiguration: { timeToLiveInSeconds: 0, refreshTokenTimeToLiveInMinutes: 'soon', accessTokenKeyId: crypto.randomUUID() },
          failedAuthenticationConfiguration: { tooManyAttempts: -1, actionDurationUnit: 'FORTNIGHTS' },
        },
      },
    })
    const found = await fieldCodes(response)
    expect(found).toEqual(
      expect.arrayContaining([
        '[invalid]tenant.jwtConfiguration.timeToLiveInSeconds',
        '[invalid]tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes',
        '[invalid]tenant.jwtConfiguration.accessTokenKeyId',
        '[invalid]tenant.failedAuthenticationConfiguration.tooManyAttempts',
        '[invalid]tenant.failedAuthenticationConfiguration.actionDurationUnit',
      ]),
    )
  })

  it('answers bad bodies with 400 Errors JSON', async () => {
    expect(await generalCodes(await call('/api/tenant', { rawBody: '{"tenant": {' }))).toContain('[invalid]')
    expect(await generalCodes(await call('/api/tenant', { method: 'POST' }))).toContain('[missing]')
    expect(await generalCodes(await call('/api/tenant', { body: [1, 2] }))).toContain('[invalid]')
    expect(await fieldCodes(await call('/api/tenant', { body: { tenant: 'Acme' } }))).toContain('[invalid]tenant')
    expect(await fieldCodes(await call('/api/tenant', { body: { tenant: { name: 42 } } }))).toContain('[invalid]tenant.name')
  })
})

describe('GET, PUT, PATCH, DELETE /api/tenant', () => {
  it('lists tenants', async () => {
    const tenant = await createTenant()
    const { tenants } = await json<{ tenants: { id: string }[] }>(await call('/api/tenant'))
    expect(tenants.map((t) => t.id)).toContain(tenant.id)
  })

  it('PATCH merges and PUT replaces over the defaults', async () => {
    const tenant = await createTenant({ issuer: 'before.example', data: { keep: true } })
    const patched = await json<TenantBody>(
      await call(`/api/tenant/${tenant.id}`, { method: 'PATCH', body: { tenant: { jwtConfiguration: { timeToLiveInSeconds: 60 } } } }),
    )
    expect(patched.tenant.jwtConfiguration.timeToLiveInSeconds).toBe(60)
    expect(patched.tenant.issuer).toBe('before.example')
    expect(patched.tenant.data).toEqual({ keep: true })

    const name = uniqueName('replaced')
    const replaced = await json<TenantBody>(await call(`/api/tenant/${tenant.id}`, { method: 'PUT', body: { tenant: { name } } }))
    expect(replaced.tenant.name).toBe(name)
    expect(replaced.tenant.issuer).toBe('acme.com')
    expect(replaced.tenant.jwtConfiguration.timeToLiveInSeconds).toBe(3600)
    expect(replaced.tenant.data).toBeUndefined()
    expect(replaced.tenant.id).toBe(tenant.id)

    expect(await fieldCodes(await call(`/api/tenant/${tenant.id}`, { method: 'PUT', body: { tenant: {} } }))).toContain(
      '[blank]tenant.name',
    )
  })

  it('refuses nulls and wrong types for settings the login path relies on', async () => {
    const tenant = await createTenant()
    const response = await call(`/api/tenant/${tenant.id}`, {
      method: 'PATCH',
      body: {
        tenant: { loginConfiguration: { requireAuthentication: null }, emailConfiguration: 'off', maximumPasswordAge: { days: null } },
      },
    })
    expect(await fieldCodes(response)).toEqual(
      expect.arrayContaining([
        '[blank]tenant.loginConfiguration.requireAuthentication',
        '[invalid]tenant.emailConfiguration',
        '[blank]tenant.maximumPasswordAge.days',
      ]),
    )
    const unchanged = await json<{ tenant: { loginConfiguration: { requireAuthentication: boolean } } }>(
      await call(`/api/tenant/${tenant.id}`),
    )
    expect(unchanged.tenant.loginConfiguration.requireAuthentication).toBe(true)
  })

  it('deletes with an empty 200, then 404s', async () => {
    const tenant = await createTenant()
    const deleted = await call(`/api/tenant/${tenant.id}`, { method: 'DELETE' })
    await expectEmpty(deleted, 200)
    await expectEmpty(await call(`/api/tenant/${tenant.id}`), 404)
    await expectEmpty(await call(`/api/tenant/${tenant.id}`, { method: 'DELETE' }), 404)
  })

  it('refuses to delete the default tenant', async () => {
    const { systemConfiguration } = await json<{ systemConfiguration: unknown }>(await call('/api/system-configuration'))
    expect(systemConfiguration).toBeDefined()
    const { tenants } = await json<{ tenants: { id: string; name: string }[] }>(await call('/api/tenant'))
    const defaultTenant = tenants.find((t) => t.name === 'Default')
    expect(defaultTenant).toBeDefined()
    const response = await call(`/api/tenant/${defaultTenant?.id}`, { method: 'DELETE' })
    expect(await generalCodes(response)).toContain('[cannotDelete]')
  })

  it('404s unknown and non-UUID ids', async () => {
    await expectEmpty(await call(`/api/tenant/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call('/api/tenant/not-a-uuid'), 404)
    await expectEmpty(await call('/api/tenant/not-a-uuid', { method: 'PATCH', body: { tenant: {} } }), 404)
    await expectEmpty(await call(`/api/tenant/${crypto.randomUUID()}`, { method: 'PUT', body: { tenant: { name: 'x' } } }), 404)
  })
})

describe('/api/tenant authentication and tenant isolation', () => {
  it('401s without a key or with a wrong one', async () => {
    await expectEmpty(await call('/api/tenant', { apiKey: null }), 401)
    await expectEmpty(await call('/api/tenant', { apiKey: 'wrong' }), 401)
    await expectEmpty(await call('/api/tenant', { apiKey: null, body: { tenant: { name: 'x' } } }), 401)
  })

  it('a tenant-locked key sees only its own tenant and may not create or list', async () => {
    const mine = await createTenant()
    const other = await createTenant()
    const { key } = await createApiKey({ tenantId: mine.id })

    expect(await generalCodes(await call('/api/tenant', { apiKey: key }))).toContain('[restricted]')
    expect(await generalCodes(await call('/api/tenant', { apiKey: key, body: { tenant: { name: uniqueName('t') } } }))).toContain(
      '[restricted]',
    )
    expect((await call(`/api/tenant/${mine.id}`, { apiKey: key })).status).toBe(200)
    await expectEmpty(await call(`/api/tenant/${other.id}`, { apiKey: key }), 404)
    await expectEmpty(await call(`/api/tenant/${other.id}`, { apiKey: key, method: 'PATCH', body: { tenant: { issuer: 'x' } } }), 404)
    await expectEmpty(await call(`/api/tenant/${other.id}`, { apiKey: key, method: 'DELETE' }), 404)
    // The header may not point a locked key at another tenant.
    await expectEmpty(await call(`/api/tenant/${mine.id}`, { apiKey: key, tenantId: other.id }), 401)
  })

  it('a global key with a tenant header is scoped to that tenant', async () => {
    const mine = await createTenant()
    const other = await createTenant()
    expect(await generalCodes(await call('/api/tenant', { tenantId: mine.id }))).toContain('[restricted]')
    await expectEmpty(await call(`/api/tenant/${other.id}`, { tenantId: mine.id }), 404)
    expect((await call(`/api/tenant/${mine.id}`, { tenantId: mine.id })).status).toBe(200)
  })
})
