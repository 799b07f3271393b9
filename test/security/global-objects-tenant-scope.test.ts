/**
 * Issue 8, defect 1: a tenant-scoped request (a tenant-locked API key, or any key with X-FusionAuth-TenantId)
 * must not change objects other tenants depend on, and every id it names must belong to its tenant.
 * FusionAuth classes user actions, signing keys and the system configuration as "global" endpoints
 * (api-endpoints.json, apiKeyType "global"; fusionauth-issues #3452): any tenant context is 401, empty.
 */
import { describe, expect, it } from 'vitest'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, fieldCodes } from '../routes/admin-fixtures'
import { type LoginBody, PASSWORD, type World, createPreventLoginAction, errorCodes, login, world } from '../routes/session-fixtures'

interface DefinitionBody {
  userAction: { id: string; name: string; preventLogin: boolean; temporal: boolean; active: boolean }
}

/** Tenant B locks its users after 3 failures with a global user action; tenant A has a locked key. */
async function twoTenants(): Promise<{ a: World; b: World; actionId: string; aKey: string }> {
  const actionId = await createPreventLoginAction()
  const b = await world({
    tenant: {
      failedAuthenticationConfiguration: {
        userActionId: actionId,
        tooManyAttempts: 3,
        resetCountInSeconds: 60,
        actionDuration: 3,
        actionDurationUnit: 'MINUTES',
      },
    },
  })
  const a = await world()
  const { key } = await createApiKey({ tenantId: a.tenant.id })
  return { a, b, actionId, aKey: key }
}

/** The two ways a request is tenant-scoped: A's locked key, or the superuser key naming A in the header. */
const scopes = (a: World, aKey: string) => [
  { name: 'tenant-locked key', apiKey: aKey },
  { name: 'global key with X-FusionAuth-TenantId', tenantId: a.tenant.id },
]

async function expectLockoutFires(b: World): Promise<void> {
  const t0 = Date.now() + 1000
  const attempt = (password: string, offset: number) => login({ loginId: b.email, password, applicationId: b.application.id }, t0 + offset)
  await expectEmpty(await attempt('wrong-1', 0), 404)
  await expectEmpty(await attempt('wrong-2', 1000), 404)
  expect((await attempt('wrong-3', 2000)).status).toBe(409)
  expect((await attempt(PASSWORD, 3000)).status).toBe(409)
}

describe('user action definitions are global', () => {
  it('a tenant-scoped request cannot update, soft-delete or hard-delete the action another tenant locks with', async () => {
    const { a, b, actionId, aKey } = await twoTenants()
    for (const scope of scopes(a, aKey)) {
      const put = await call(`/api/user-action/${actionId}`, {
        ...scope,
        method: 'PUT',
        body: { userAction: { name: `renamed-${crypto.randomUUID()}` } },
      })
      await expectEmpty(put, 401)
      await expectEmpty(await call(`/api/user-action/${actionId}?hardDelete=true`, { ...scope, method: 'DELETE' }), 401)
      await expectEmpty(await call(`/api/user-action/${actionId}`, { ...scope, method: 'DELETE' }), 401)
    }
    const stored = await json<DefinitionBody>(await call(`/api/user-action/${actionId}`))
    expect(stored.userAction).toMatchObject({ id: actionId, preventLogin: true, temporal: true, active: true })
    await expectLockoutFires(b)
  })

  it('a tenant-scoped request cannot create, reactivate or read definitions', async () => {
    const { a, actionId, aKey } = await twoTenants()
    expect((await call(`/api/user-action/${actionId}`, { method: 'DELETE' })).status).toBe(200)
    for (const scope of scopes(a, aKey)) {
      await expectEmpty(await call('/api/user-action', { ...scope, body: { userAction: { name: `new-${crypto.randomUUID()}` } } }), 401)
      await expectEmpty(
        await call(`/api/user-action/${crypto.randomUUID()}`, { ...scope, body: { userAction: { name: `new-${crypto.randomUUID()}` } } }),
        401,
      )
      await expectEmpty(await call(`/api/user-action/${actionId}?reactivate=true`, { ...scope, method: 'PUT' }), 401)
      await expectEmpty(await call('/api/user-action', scope), 401)
      await expectEmpty(await call(`/api/user-action/${actionId}`, scope), 401)
    }
    expect((await json<DefinitionBody>(await call(`/api/user-action/${actionId}`))).userAction.active).toBe(false)
  })
})

describe('actions taken on users name only ids of the request tenant', () => {
  it("refuses another tenant's user as actioner and another tenant's applications, storing nothing", async () => {
    const { a, b, actionId, aKey } = await twoTenants()
    const expiry = Date.now() + 600_000
    for (const scope of scopes(a, aKey)) {
      const actioner = await call('/api/user/action', {
        ...scope,
        body: { action: { actioneeUserId: a.user.id, actionerUserId: b.user.id, userActionId: actionId, expiry } },
      })
      expect(await fieldCodes(actioner)).toEqual(['[invalid]action.actionerUserId'])
      const applications = await call('/api/user/action', {
        ...scope,
        body: {
          action: { actioneeUserId: a.user.id, userActionId: actionId, expiry, applicationIds: [a.application.id, b.application.id] },
        },
      })
      expect(await fieldCodes(applications)).toEqual(['[invalid]action.applicationIds'])
    }
    const taken = await json<{ actions: unknown[] }>(await call(`/api/user/action?userId=${a.user.id}`))
    expect(taken.actions).toEqual([])
    expect((await login({ loginId: a.email, password: PASSWORD, applicationId: a.application.id })).status).toBe(200)
  })

  it("an action's applications belong to the actionee's tenant even with a global key", async () => {
    const { a, b, actionId } = await twoTenants()
    const response = await call('/api/user/action', {
      body: {
        action: { actioneeUserId: a.user.id, userActionId: actionId, expiry: Date.now() + 600_000, applicationIds: [b.application.id] },
      },
    })
    expect(await fieldCodes(response)).toEqual(['[invalid]action.applicationIds'])
    // A global key may still name an actioner of any tenant (FusionAuth: the actioner must exist).
    const admin = await call('/api/user/action', {
      body: { action: { actioneeUserId: a.user.id, actionerUserId: b.user.id, userActionId: actionId, expiry: Date.now() + 600_000 } },
    })
    expect(admin.status).toBe(200)
  })

  it("a modification or cancel by a tenant-scoped request cannot name another tenant's actioner", async () => {
    const { a, b, actionId, aKey } = await twoTenants()
    const created = await call('/api/user/action', {
      apiKey: aKey,
      body: { action: { actioneeUserId: a.user.id, actionerUserId: a.user.id, userActionId: actionId, expiry: Date.now() + 600_000 } },
    })
    expect(created.status).toBe(200)
    const id = (await json<{ action: { id: string } }>(created)).action.id
    for (const scope of scopes(a, aKey)) {
      const modified = await call(`/api/user/action/${id}`, {
        ...scope,
        method: 'PUT',
        body: { action: { actionerUserId: b.user.id, comment: 'x' } },
      })
      expect(await fieldCodes(modified)).toEqual(['[invalid]action.actionerUserId'])
      const canceled = await call(`/api/user/action/${id}`, { ...scope, method: 'DELETE', body: { action: { actionerUserId: b.user.id } } })
      expect(await fieldCodes(canceled)).toEqual(['[invalid]action.actionerUserId'])
    }
    const unknown = await call(`/api/user/action/${id}`, { method: 'PUT', body: { action: { actionerUserId: crypto.randomUUID() } } })
    expect(errorCodes(await json<LoginBody>(unknown), 'action.actionerUserId')).toEqual(['[invalid]action.actionerUserId'])
    const stored = await json<{ action: { actionerUserId?: string; history?: unknown } }>(await call(`/api/user/action/${id}`))
    expect(stored.action.actionerUserId).toBe(a.user.id)
    expect(stored.action.history).toBeUndefined()
  })
})

describe('signing keys are global', () => {
  it('a tenant-scoped request cannot list, read, generate, rename or delete them', async () => {
    const { a, aKey } = await twoTenants()
    const generated = await call('/api/key/generate', { body: { key: { algorithm: 'HS256', name: `k-${crypto.randomUUID()}` } } })
    const keyId = (await json<{ key: { id: string } }>(generated)).key.id
    for (const scope of scopes(a, aKey)) {
      await expectEmpty(await call('/api/key', scope), 401)
      await expectEmpty(await call(`/api/key/${keyId}`, scope), 401)
      await expectEmpty(
        await call('/api/key/generate', { ...scope, body: { key: { algorithm: 'HS256', name: `k-${crypto.randomUUID()}` } } }),
        401,
      )
      await expectEmpty(
        await call(`/api/key/${keyId}`, { ...scope, method: 'PUT', body: { key: { name: `renamed-${crypto.randomUUID()}` } } }),
        401,
      )
      await expectEmpty(await call(`/api/key/${keyId}`, { ...scope, method: 'DELETE' }), 401)
    }
    expect((await call(`/api/key/${keyId}`)).status).toBe(200)
  })
})

describe('the system configuration is global', () => {
  it('a tenant-scoped request cannot read or change it', async () => {
    const { a, aKey } = await twoTenants()
    const before = await json<{ systemConfiguration: { reportTimezone: string } }>(await call('/api/system-configuration'))
    for (const scope of scopes(a, aKey)) {
      await expectEmpty(await call('/api/system-configuration', scope), 401)
      await expectEmpty(
        await call('/api/system-configuration', {
          ...scope,
          method: 'PATCH',
          body: { systemConfiguration: { reportTimezone: 'Asia/Tokyo' } },
        }),
        401,
      )
      await expectEmpty(
        await call('/api/system-configuration', {
          ...scope,
          method: 'PUT',
          body: { systemConfiguration: { reportTimezone: 'Asia/Tokyo' } },
        }),
        401,
      )
    }
    const after = await json<{ systemConfiguration: { reportTimezone: string } }>(await call('/api/system-configuration'))
    expect(after.systemConfiguration.reportTimezone).toBe(before.systemConfiguration.reportTimezone)
  })
})

describe('API keys: a tenant-scoped key manager stays inside its tenant', () => {
  it('creates only keys of its tenant, never global ones, and cannot reach keys of other tenants or global keys', async () => {
    const { a, b } = await twoTenants()
    const manager = await createApiKey({ tenantId: a.tenant.id, keyManager: true })
    const bKey = await createApiKey({ tenantId: b.tenant.id })
    const globalKey = await createApiKey({ permissions: { endpoints: { '/api/user': ['GET'] } } })

    const created = await json<{ apiKey: { id: string; tenantId?: string } }>(
      await call('/api/api-key', { apiKey: manager.key, body: { apiKey: { tenantId: null } } }),
    )
    expect(created.apiKey.tenantId).toBe(a.tenant.id)
    expect(await fieldCodes(await call('/api/api-key', { apiKey: manager.key, body: { apiKey: { tenantId: b.tenant.id } } }))).toContain(
      '[invalid]apiKey.tenantId',
    )
    const moved = await call(`/api/api-key/${created.apiKey.id}`, {
      apiKey: manager.key,
      method: 'PATCH',
      body: { apiKey: { tenantId: b.tenant.id } },
    })
    expect(await fieldCodes(moved)).toContain('[invalid]apiKey.tenantId')
    const unlocked = await json<{ apiKey: { tenantId?: string } }>(
      await call(`/api/api-key/${created.apiKey.id}`, {
        apiKey: manager.key,
        method: 'PUT',
        body: { apiKey: { tenantId: null, description: 'still locked' } },
      }),
    )
    expect(unlocked.apiKey.tenantId).toBe(a.tenant.id)

    for (const target of [bKey.id, globalKey.id]) {
      await expectEmpty(await call(`/api/api-key/${target}`, { apiKey: manager.key }), 404)
      await expectEmpty(
        await call(`/api/api-key/${target}`, { apiKey: manager.key, method: 'PUT', body: { apiKey: { description: 'mine now' } } }),
        404,
      )
      await expectEmpty(
        await call(`/api/api-key/${target}`, { apiKey: manager.key, method: 'PATCH', body: { apiKey: { tenantId: a.tenant.id } } }),
        404,
      )
      await expectEmpty(await call(`/api/api-key/${target}`, { apiKey: manager.key, method: 'DELETE' }), 404)
    }
    const listed = await json<{ apiKeys: { id: string }[] }>(await call('/api/api-key', { apiKey: manager.key }))
    expect(listed.apiKeys.map((k) => k.id)).not.toContain(bKey.id)
    expect(listed.apiKeys.map((k) => k.id)).not.toContain(globalKey.id)
    // The other tenant's key still works, unchanged.
    expect((await call(`/api/api-key/${bKey.id}`)).status).toBe(200)
  })

  it('a global key with X-FusionAuth-TenantId manages only that tenant', async () => {
    const { a, b } = await twoTenants()
    const bKey = await createApiKey({ tenantId: b.tenant.id })
    const created = await json<{ apiKey: { tenantId?: string } }>(
      await call('/api/api-key', { tenantId: a.tenant.id, body: { apiKey: {} } }),
    )
    expect(created.apiKey.tenantId).toBe(a.tenant.id)
    await expectEmpty(await call(`/api/api-key/${bKey.id}`, { tenantId: a.tenant.id, method: 'DELETE' }), 404)
    expect(await fieldCodes(await call('/api/api-key', { tenantId: a.tenant.id, body: { apiKey: { tenantId: b.tenant.id } } }))).toContain(
      '[invalid]apiKey.tenantId',
    )
  })
})
