import { describe, expect, it } from 'vitest'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, createApplication, createTenant, fieldCodes, generalCodes, uniqueName } from './admin-fixtures'

interface Role {
  id: string
  name: string
  isDefault: boolean
  isSuperRole: boolean
  description?: string
}
interface ApplicationBody {
  application: {
    id: string
    tenantId: string
    name: string
    active: boolean
    roles: Role[]
    loginConfiguration: { requireAuthentication: boolean; allowTokenRefresh: boolean; generateRefreshTokens: boolean }
    jwtConfiguration: { enabled: boolean; timeToLiveInSeconds?: number; accessTokenKeyId?: string }
  }
}

describe('POST /api/application', () => {
  it('creates an application with roles in the named tenant', async () => {
    const tenant = await createTenant()
    const name = uniqueName('app')
    const response = await call('/api/application', {
      body: {
        application: {
          name,
          tenantId: tenant.id,
          roles: [
            { name: 'admin', isSuperRole: true },
            { name: 'user', isDefault: true },
          ],
        },
      },
    })
    expect(response.status).toBe(200)
    const { application } = await json<ApplicationBody>(response)
    expect(application.name).toBe(name)
    expect(application.tenantId).toBe(tenant.id)
    expect(application.active).toBe(true)
    expect(application.loginConfiguration.requireAuthentication).toBe(true)
    expect(application.roles.map((r) => [r.name, r.isDefault, r.isSuperRole])).toEqual([
      ['admin', false, true],
      ['user', true, false],
    ])
    for (const role of application.roles) expect(role.id).toMatch(/^[0-9a-f-]{36}$/)
    expect((await json<ApplicationBody>(await call(`/api/application/${application.id}`))).application).toEqual(application)
  })

  it('accepts roles given as plain names, as FusionAuth does, and still refuses other shapes', async () => {
    const tenant = await createTenant()
    const response = await call('/api/application', {
      body: { application: { name: uniqueName('app'), tenantId: tenant.id, roles: ['admin', { name: 'user', isDefault: true }] } },
    })
    expect(response.status).toBe(200)
    const { application } = await json<ApplicationBody>(response)
    expect(application.roles.map((r) => [r.name, r.isDefault, r.isSuperRole])).toEqual([
      ['admin', false, false],
      ['user', true, false],
    ])
    const refused = await call('/api/application', { body: { application: { name: uniqueName('app'), tenantId: tenant.id, roles: [42] } } })
    expect(refused.status).toBe(400)
  })

  it('takes the tenant from the tenant header when the body names none', async () => {
    const tenant = await createTenant()
    const response = await call(`/api/application/${crypto.randomUUID()}`, {
      tenantId: tenant.id,
      body: { application: { name: uniqueName('a') } },
    })
    expect((await json<ApplicationBody>(response)).application.tenantId).toBe(tenant.id)
  })

  it('validates name, tenant, roles, JWT settings and verification', async () => {
    const tenant = await createTenant()
    expect(await fieldCodes(await call('/api/application', { body: { application: { tenantId: tenant.id } } }))).toContain(
      '[blank]application.name',
    )
    expect(
      await fieldCodes(await call('/api/application', { body: { application: { name: 'a', tenantId: crypto.randomUUID() } } })),
    ).toContain('[invalid]application.tenantId')
    const roles = await call('/api/application', {
      body: { application: { name: 'a', tenantId: tenant.id, roles: [{ name: 'x' }, { name: 'X' }] } },
    })
    expect(await fieldCodes(roles)).toContain('[duplicate]application.roles.name')
    const jwt = await call('/api/application', {
      body: {
        application: {
          name: 'a',
          tenantId: tenant.id,
          jwtConfiguration: { enabled: true, timeToLiveInSeconds: 0, accessTokenKeyId: crypto.randomUUID() },
        },
      },
    })
    expect(await fieldCodes(jwt)).toEqual(
      expect.arrayContaining([
        '[invalid]application.jwtConfiguration.timeToLiveInSeconds',
        '[invalid]application.jwtConfiguration.accessTokenKeyId',
      ]),
    )
    // The official client's own "error response" test: verifyRegistration without a template is a 400.
    const verify = await call('/api/application', { body: { application: { name: 'a', tenantId: tenant.id, verifyRegistration: true } } })
    expect(await fieldCodes(verify)).toContain('[blank]application.verificationEmailTemplateId')
  })

  it('answers bad bodies with 400 Errors JSON', async () => {
    expect(await generalCodes(await call('/api/application', { rawBody: 'nope' }))).toContain('[invalid]')
    expect(await generalCodes(await call('/api/application', { method: 'POST' }))).toContain('[missing]')
    const tenant = await createTenant()
    const wrong = await call('/api/application', {
      body: {
        application: { name: 'a', tenantId: tenant.id, active: 'yes', loginConfiguration: { requireAuthentication: 1 }, roles: 'admin' },
      },
    })
    expect(await fieldCodes(wrong)).toEqual(
      expect.arrayContaining([
        '[invalid]application.active',
        '[invalid]application.loginConfiguration.requireAuthentication',
        '[invalid]application.roles',
      ]),
    )
  })
})

describe('GET, PUT, PATCH, DELETE /api/application', () => {
  it('PATCH merges (the official client test), PUT replaces but keeps roles and tenant', async () => {
    const tenant = await createTenant()
    const app = await createApplication(tenant.id, { roles: [{ name: 'r' }], data: { x: 1 } })
    const patched = await json<ApplicationBody>(
      await call(`/api/application/${app.id}`, {
        method: 'PATCH',
        body: { application: { loginConfiguration: { allowTokenRefresh: true } } },
      }),
    )
    expect(patched.application.loginConfiguration).toEqual({
      requireAuthentication: true,
      generateRefreshTokens: false,
      allowTokenRefresh: true,
    })
    expect(patched.application.name).toBe(app.name)

    const put = await json<ApplicationBody>(
      await call(`/api/application/${app.id}`, {
        method: 'PUT',
        body: { application: { name: 'renamed', tenantId: crypto.randomUUID() } },
      }),
    )
    expect(put.application.name).toBe('renamed')
    expect(put.application.tenantId).toBe(tenant.id)
    expect(put.application.loginConfiguration.allowTokenRefresh).toBe(false)
    expect(put.application.roles.map((r) => r.name)).toEqual(['r'])
  })

  it('refuses a null requireAuthentication (it would silently drop the API-key requirement)', async () => {
    const tenant = await createTenant()
    const app = await createApplication(tenant.id)
    const response = await call(`/api/application/${app.id}`, {
      method: 'PATCH',
      body: { application: { loginConfiguration: { requireAuthentication: null } } },
    })
    expect(await fieldCodes(response)).toEqual(['[blank]application.loginConfiguration.requireAuthentication'])
  })

  it('soft-deletes without hardDelete, lists inactive separately, reactivates, and hard-deletes', async () => {
    const tenant = await createTenant()
    const app = await createApplication(tenant.id)
    await expectEmpty(await call(`/api/application/${app.id}`, { method: 'DELETE' }), 200)
    const after = await json<ApplicationBody>(await call(`/api/application/${app.id}`))
    expect(after.application.active).toBe(false)
    const active = await json<{ applications: { id: string }[] }>(await call('/api/application', { tenantId: tenant.id }))
    expect(active.applications.map((a) => a.id)).not.toContain(app.id)
    const inactive = await json<{ applications: { id: string }[] }>(await call('/api/application?inactive=true', { tenantId: tenant.id }))
    expect(inactive.applications.map((a) => a.id)).toEqual([app.id])

    const reactivated = await json<ApplicationBody>(await call(`/api/application/${app.id}?reactivate=true`, { method: 'PUT' }))
    expect(reactivated.application.active).toBe(true)

    await expectEmpty(await call(`/api/application/${app.id}?hardDelete=true`, { method: 'DELETE' }), 200)
    await expectEmpty(await call(`/api/application/${app.id}`), 404)
  })

  it('404s unknown and non-UUID ids', async () => {
    await expectEmpty(await call(`/api/application/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call('/api/application/123'), 404)
    await expectEmpty(await call(`/api/application/${crypto.randomUUID()}`, { method: 'DELETE' }), 404)
    await expectEmpty(await call(`/api/application/${crypto.randomUUID()}/role`, { body: { role: { name: 'r' } } }), 404)
  })
})

describe('/api/application/{id}/role', () => {
  it('creates, updates, patches and deletes roles', async () => {
    const tenant = await createTenant()
    const app = await createApplication(tenant.id)
    const created = await call(`/api/application/${app.id}/role`, { body: { role: { name: 'editor', description: 'edits' } } })
    const { role } = await json<{ role: Role }>(created)
    expect(role).toMatchObject({ name: 'editor', description: 'edits', isDefault: false, isSuperRole: false })

    const roleId = crypto.randomUUID()
    const withId = await json<{ role: Role }>(
      await call(`/api/application/${app.id}/role/${roleId}`, { body: { role: { name: 'viewer', isDefault: true } } }),
    )
    expect(withId.role.id).toBe(roleId)

    expect(await fieldCodes(await call(`/api/application/${app.id}/role`, { body: { role: { name: 'EDITOR' } } }))).toContain(
      '[duplicate]role.name',
    )
    expect(await fieldCodes(await call(`/api/application/${app.id}/role`, { body: { role: {} } }))).toContain('[blank]role.name')

    const put = await json<{ role: Role }>(
      await call(`/api/application/${app.id}/role/${role.id}`, { method: 'PUT', body: { role: { name: 'author' } } }),
    )
    expect(put.role).toMatchObject({ id: role.id, name: 'author', isSuperRole: false })
    expect(put.role.description).toBeUndefined()
    const patch = await json<{ role: Role }>(
      await call(`/api/application/${app.id}/role/${role.id}`, { method: 'PATCH', body: { role: { isSuperRole: true } } }),
    )
    expect(patch.role).toMatchObject({ name: 'author', isSuperRole: true })

    await expectEmpty(await call(`/api/application/${app.id}/role/${role.id}`, { method: 'DELETE' }), 200)
    await expectEmpty(await call(`/api/application/${app.id}/role/${role.id}`, { method: 'DELETE' }), 404)
    const { application } = await json<ApplicationBody>(await call(`/api/application/${app.id}`))
    expect(application.roles.map((r) => r.name)).toEqual(['viewer'])
  })
})

describe('/api/application authentication and tenant isolation', () => {
  it('401s without a key or with a wrong one', async () => {
    await expectEmpty(await call('/api/application', { apiKey: null }), 401)
    await expectEmpty(await call('/api/application', { apiKey: 'wrong', body: { application: { name: 'x' } } }), 401)
  })

  it("a key locked to tenant A cannot see or change tenant B's applications", async () => {
    const a = await createTenant()
    const b = await createTenant()
    const appA = await createApplication(a.id)
    const appB = await createApplication(b.id)
    const { key } = await createApiKey({ tenantId: a.id })

    const list = await json<{ applications: { id: string; tenantId: string }[] }>(await call('/api/application', { apiKey: key }))
    expect(list.applications.map((x) => x.id)).toEqual([appA.id])
    expect((await call(`/api/application/${appA.id}`, { apiKey: key })).status).toBe(200)
    await expectEmpty(await call(`/api/application/${appB.id}`, { apiKey: key }), 404)
    await expectEmpty(
      await call(`/api/application/${appB.id}`, { apiKey: key, method: 'PATCH', body: { application: { name: 'x' } } }),
      404,
    )
    await expectEmpty(await call(`/api/application/${appB.id}?hardDelete=true`, { apiKey: key, method: 'DELETE' }), 404)
    await expectEmpty(await call(`/api/application/${appB.id}/role`, { apiKey: key, body: { role: { name: 'r' } } }), 404)
    const foreign = await call('/api/application', { apiKey: key, body: { application: { name: 'x', tenantId: b.id } } })
    expect(await fieldCodes(foreign)).toContain('[invalid]application.tenantId')
    const own = await json<ApplicationBody>(
      await call('/api/application', { apiKey: key, body: { application: { name: uniqueName('x') } } }),
    )
    expect(own.application.tenantId).toBe(a.id)
    await expectEmpty(await call('/api/application', { apiKey: key, tenantId: b.id }), 401)
  })
})
