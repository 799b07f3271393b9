import { describe, expect, it } from 'vitest'
import { SUPERUSER_KEY, call, expectEmpty, json } from '../helpers'
import { createApiKey, createTenant, fieldCodes, generalCodes } from './admin-fixtures'

interface ApiKeyBody {
  apiKey: {
    id: string
    key?: string
    tenantId?: string
    keyManager: boolean
    permissions: { endpoints: Record<string, string[]> }
    description?: string
  }
}

describe('POST /api/api-key', () => {
  it('generates a 43-character key, returns it once, and the key authenticates', async () => {
    const response = await call('/api/api-key', {
      body: { apiKey: { description: 'generated', permissions: { endpoints: { '/api/tenant': ['get'] } } } },
    })
    expect(response.status).toBe(200)
    const { apiKey } = await json<ApiKeyBody>(response)
    expect(apiKey.key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(apiKey.permissions.endpoints).toEqual({ '/api/tenant': ['GET'] })
    expect(apiKey.keyManager).toBe(false)

    const retrieved = await json<ApiKeyBody>(await call(`/api/api-key/${apiKey.id}`))
    expect(retrieved.apiKey.key).toBeUndefined()
    expect(retrieved.apiKey.description).toBe('generated')
    const listed = await json<{ apiKeys: ApiKeyBody['apiKey'][] }>(await call('/api/api-key'))
    const mine = listed.apiKeys.find((k) => k.id === apiKey.id)
    expect(mine).toBeDefined()
    expect(mine?.key).toBeUndefined()

    // Its permissions apply: GET /api/tenant is allowed, POST is not.
    expect((await call('/api/tenant', { apiKey: apiKey.key })).status).toBe(200)
    await expectEmpty(await call('/api/tenant', { apiKey: apiKey.key, body: { tenant: { name: 'x' } } }), 401)
  })

  it('accepts a given key and id, and refuses duplicates of either (and of the superuser key)', async () => {
    const id = crypto.randomUUID()
    const key = `given-${crypto.randomUUID()}`
    const created = await json<ApiKeyBody>(await call(`/api/api-key/${id}`, { body: { apiKey: { key } } }))
    expect(created.apiKey).toMatchObject({ id, key })
    expect(await fieldCodes(await call('/api/api-key', { body: { apiKey: { key } } }))).toContain('[duplicate]apiKey.key')
    expect(await fieldCodes(await call('/api/api-key', { body: { apiKey: { key: SUPERUSER_KEY } } }))).toContain('[duplicate]apiKey.key')
    expect(await fieldCodes(await call(`/api/api-key/${id}`, { body: { apiKey: {} } }))).toContain('[duplicate]apiKey.id')
  })

  it('validates the body', async () => {
    expect(await generalCodes(await call('/api/api-key', { rawBody: '{' }))).toContain('[invalid]')
    expect(await generalCodes(await call('/api/api-key', { method: 'POST' }))).toContain('[missing]')
    const wrong = await call('/api/api-key', {
      body: {
        apiKey: { key: 7, keyManager: 'yes', tenantId: crypto.randomUUID(), permissions: { endpoints: { '/api/user': ['FETCH'] } } },
      },
    })
    expect(await fieldCodes(wrong)).toEqual(
      expect.arrayContaining([
        '[invalid]apiKey.key',
        '[invalid]apiKey.keyManager',
        '[invalid]apiKey.tenantId',
        '[invalid]apiKey.permissions.endpoints',
      ]),
    )
    expect(await fieldCodes(await call('/api/api-key', { body: { apiKey: { key: '  ' } } }))).toContain('[invalid]apiKey.key')
    expect(await fieldCodes(await call('/api/api-key', { body: { apiKey: { expirationInstant: 1 } } }))).toContain(
      '[invalid]apiKey.expirationInstant',
    )
  })
})

describe('key managers and tenant-locked keys', () => {
  it('only the superuser or a key manager may use the API', async () => {
    const plain = await createApiKey({})
    await expectEmpty(await call('/api/api-key', { apiKey: plain.key }), 401)
    await expectEmpty(await call('/api/api-key', { apiKey: plain.key, body: { apiKey: {} } }), 401)
    await expectEmpty(await call('/api/api-key', { apiKey: null }), 401)
    await expectEmpty(await call('/api/api-key', { apiKey: 'wrong', body: { apiKey: {} } }), 401)
  })

  it('a key manager may not grant more than it has', async () => {
    const manager = await createApiKey({
      keyManager: true,
      permissions: { endpoints: { '/api/api-key': ['GET', 'POST'], '/api/user': ['GET'] } },
    })
    const narrower = await call('/api/api-key', {
      apiKey: manager.key,
      body: { apiKey: { permissions: { endpoints: { '/api/user': ['GET'] } } } },
    })
    expect(narrower.status).toBe(200)
    const wider = await call('/api/api-key', {
      apiKey: manager.key,
      body: { apiKey: { permissions: { endpoints: { '/api/user': ['DELETE'] } } } },
    })
    expect(await fieldCodes(wider)).toContain('[invalid]apiKey.permissions')
    const superKey = await call('/api/api-key', { apiKey: manager.key, body: { apiKey: {} } })
    expect(await fieldCodes(superKey)).toContain('[invalid]apiKey.permissions')
    // A key of greater authority is out of its reach.
    const strong = await createApiKey({})
    await expectEmpty(await call(`/api/api-key/${strong.id}`, { apiKey: manager.key }), 401)
    await expectEmpty(await call(`/api/api-key/${strong.id}`, { apiKey: manager.key, method: 'DELETE' }), 401)
  })

  it('a tenant-locked manager creates keys only for its tenant and sees only them', async () => {
    const a = await createTenant()
    const b = await createTenant()
    const manager = await createApiKey({ tenantId: a.id, keyManager: true })
    const otherKey = await createApiKey({ tenantId: b.id })

    const created = await json<ApiKeyBody>(await call('/api/api-key', { apiKey: manager.key, body: { apiKey: { description: 'x' } } }))
    expect(created.apiKey.tenantId).toBe(a.id)
    const foreign = await call('/api/api-key', { apiKey: manager.key, body: { apiKey: { tenantId: b.id } } })
    expect(await fieldCodes(foreign)).toContain('[invalid]apiKey.tenantId')

    await expectEmpty(await call(`/api/api-key/${otherKey.id}`, { apiKey: manager.key }), 404)
    await expectEmpty(await call(`/api/api-key/${otherKey.id}`, { apiKey: manager.key, method: 'DELETE' }), 404)
    const listed = await json<{ apiKeys: { tenantId?: string }[] }>(await call('/api/api-key', { apiKey: manager.key }))
    expect(listed.apiKeys.length).toBeGreaterThan(0)
    expect(listed.apiKeys.every((k) => k.tenantId === a.id)).toBe(true)
    await expectEmpty(await call('/api/api-key', { apiKey: manager.key, tenantId: b.id }), 401)
  })
})

describe('PUT, PATCH, DELETE /api/api-key/{id}', () => {
  it('updates metadata and permissions but never the key value', async () => {
    const created = await createApiKey({ description: 'before', permissions: { endpoints: { '/api/user': ['GET'] } } })
    const patched = await json<ApiKeyBody>(
      await call(`/api/api-key/${created.id}`, { method: 'PATCH', body: { apiKey: { description: 'after', key: 'new-value' } } }),
    )
    expect(patched.apiKey.description).toBe('after')
    expect(patched.apiKey.permissions.endpoints).toEqual({ '/api/user': ['GET'] })
    expect(patched.apiKey.key).toBeUndefined()
    expect((await call('/api/user/nothing', { apiKey: created.key })).status).not.toBe(401)
    await expectEmpty(await call('/api/tenant', { apiKey: 'new-value' }), 401)

    const put = await json<ApiKeyBody>(
      await call(`/api/api-key/${created.id}`, {
        method: 'PUT',
        body: { apiKey: { permissions: { endpoints: { '/api/tenant': ['GET'] } } } },
      }),
    )
    expect(put.apiKey.description).toBeUndefined()
    expect((await call('/api/tenant', { apiKey: created.key })).status).toBe(200)
  })

  it('deletes with an empty 200; the key stops working; unknown ids 404', async () => {
    const created = await createApiKey({})
    expect((await call('/api/tenant', { apiKey: created.key })).status).toBe(200)
    await expectEmpty(await call(`/api/api-key/${created.id}`, { method: 'DELETE' }), 200)
    await expectEmpty(await call('/api/tenant', { apiKey: created.key }), 401)
    await expectEmpty(await call(`/api/api-key/${created.id}`), 404)
    await expectEmpty(await call('/api/api-key/bootstrap'), 404)
    await expectEmpty(await call(`/api/api-key/${crypto.randomUUID()}`, { method: 'PUT', body: { apiKey: {} } }), 404)
  })
})
