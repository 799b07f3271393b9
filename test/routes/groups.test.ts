import { describe, expect, it } from 'vitest'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, createApplication, createTenant, fieldCodes, generalCodes, uniqueName } from './admin-fixtures'

interface Role {
  id: string
  name: string
}
interface Group {
  id: string
  tenantId: string
  name: string
  data?: Record<string, unknown>
  roles: Record<string, Role[]>
  insertInstant: number
  lastUpdateInstant: number
}

/** A tenant with an application holding the roles `admin`, `editor` and `viewer`. */
async function tenantWithRoles() {
  const tenant = await createTenant()
  const application = await createApplication(tenant.id, { roles: [{ name: 'admin' }, { name: 'editor' }, { name: 'viewer' }] })
  const roles = application.roles as Role[]
  const role = (name: string): Role => {
    const found = roles.find((r) => r.name === name)
    if (found === undefined) throw new Error(`no role ${name}`)
    return found
  }
  return { tenant, application, role }
}

const createGroup = (tenantId: string, body: unknown, path = '/api/group') => call(path, { tenantId, body })

async function groupOf(response: Response): Promise<Group> {
  expect(response.status).toBe(200)
  return (await json<{ group: Group }>(response)).group
}

describe('POST /api/group', () => {
  it('creates a group with roles, shown per application as ApplicationRole objects', async () => {
    const { tenant, application, role } = await tenantWithRoles()
    const name = uniqueName('group')
    const group = await groupOf(
      await createGroup(tenant.id, { group: { name, data: { description: 'admins' } }, roleIds: [role('admin').id, role('viewer').id] }),
    )
    expect(group).toMatchObject({ name, tenantId: tenant.id, data: { description: 'admins' } })
    expect(group.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(group.roles[application.id]?.map((r) => r.name)).toEqual(['admin', 'viewer'])
    expect(group.roles[application.id]?.[0]).toMatchObject({ id: role('admin').id, isDefault: false, isSuperRole: false })
    expect(await groupOf(await call(`/api/group/${group.id}`))).toEqual(group)
  })

  it('takes the id from the path, and refuses an id already taken', async () => {
    const tenant = await createTenant()
    const id = crypto.randomUUID()
    const group = await groupOf(await createGroup(tenant.id, { group: { name: uniqueName('group') } }, `/api/group/${id}`))
    expect(group).toMatchObject({ id, roles: {} })
    expect(await fieldCodes(await createGroup(tenant.id, { group: { name: uniqueName('group') } }, `/api/group/${id}`))).toEqual([
      '[duplicate]groupId',
    ])
  })

  it('refuses a blank, missing, too long or duplicate name (per tenant, case-insensitively)', async () => {
    const tenant = await createTenant()
    expect(await fieldCodes(await createGroup(tenant.id, { group: { name: '  ' } }))).toEqual(['[blank]group.name'])
    expect(await fieldCodes(await createGroup(tenant.id, { group: {} }))).toEqual(['[blank]group.name'])
    expect(await fieldCodes(await createGroup(tenant.id, {}))).toEqual(['[blank]group.name'])
    expect(await fieldCodes(await createGroup(tenant.id, { group: { name: 'x'.repeat(192) } }))).toEqual(['[tooLong]group.name'])
    const name = uniqueName('Group')
    await groupOf(await createGroup(tenant.id, { group: { name } }))
    expect(await fieldCodes(await createGroup(tenant.id, { group: { name: name.toUpperCase() } }))).toEqual(['[duplicate]group.name'])
    // Another tenant may use the name.
    const other = await createTenant()
    await groupOf(await createGroup(other.id, { group: { name } }))
  })

  it('refuses wrong-typed fields with Errors JSON', async () => {
    const tenant = await createTenant()
    expect(await fieldCodes(await createGroup(tenant.id, { group: { name: 7 } }))).toEqual(['[invalid]group.name'])
    expect(await fieldCodes(await createGroup(tenant.id, { group: { name: uniqueName('g'), data: 'text' } }))).toEqual([
      '[invalid]group.data',
    ])
    expect(await fieldCodes(await createGroup(tenant.id, { group: 'text' }))).toContain('[invalid]group')
    expect(await fieldCodes(await createGroup(tenant.id, { group: { name: uniqueName('g') }, roleIds: 'x' }))).toEqual(['[invalid]roleIds'])
    expect(await fieldCodes(await createGroup(tenant.id, { group: { name: uniqueName('g') }, roleIds: ['not-a-uuid'] }))).toEqual([
      '[invalid]roleIds',
    ])
    expect(await generalCodes(await createGroup(tenant.id, [1, 2]))).toEqual(['[invalid]'])
  })

  it('answers malformed, empty and over-deep JSON with a 400, never a 500', async () => {
    const tenant = await createTenant()
    const malformed = await call('/api/group', { tenantId: tenant.id, rawBody: '{"group": {"name": ' })
    expect(await generalCodes(malformed)).toEqual(['[invalid]'])
    expect(await generalCodes(await call('/api/group', { tenantId: tenant.id, method: 'POST' }))).toEqual(['[missing]'])
    const deep = `{"group": {"name": "deep", "data": ${'{"a":'.repeat(200)}1${'}'.repeat(200)}}}`
    expect((await call('/api/group', { tenantId: tenant.id, rawBody: deep })).status).toBe(400)
  })

  it('refuses role ids that are unknown or belong to another tenant', async () => {
    const { tenant } = await tenantWithRoles()
    const other = await tenantWithRoles()
    const codes = await fieldCodes(
      await createGroup(tenant.id, { group: { name: uniqueName('g') }, roleIds: [crypto.randomUUID(), other.role('admin').id] }),
    )
    expect(codes).toEqual(['[invalid]roleIds', '[invalid]roleIds'])
  })

  it('needs a tenant when several exist, and refuses a scoped request naming another tenant', async () => {
    const tenant = await createTenant()
    const other = await createTenant()
    const unscoped = await call('/api/group', { body: { group: { name: uniqueName('g') } } })
    expect(await generalCodes(unscoped)).toEqual(['[TenantIdRequired]'])
    // group.tenantId picks the tenant of an unscoped request.
    expect(await groupOf(await call('/api/group', { body: { group: { name: uniqueName('g'), tenantId: tenant.id } } }))).toMatchObject({
      tenantId: tenant.id,
    })
    const crossing = await createGroup(tenant.id, { group: { name: uniqueName('g'), tenantId: other.id } })
    expect(await fieldCodes(crossing)).toEqual(['[invalid]group.tenantId'])
  })

  it('requires an API key', async () => {
    expect((await call('/api/group', { apiKey: null, body: { group: { name: 'x' } } })).status).toBe(401)
    expect((await call('/api/group', { apiKey: null })).status).toBe(401)
  })
})

describe('GET, PUT, PATCH and DELETE /api/group/{id}', () => {
  it('lists the tenant’s groups, hiding other tenants’ from a scoped request (404 by id)', async () => {
    const tenant = await createTenant()
    const other = await createTenant()
    const mine = await groupOf(await createGroup(tenant.id, { group: { name: uniqueName('g') } }))
    const theirs = await groupOf(await createGroup(other.id, { group: { name: uniqueName('g') } }))
    const listed = (await json<{ groups: Group[] }>(await call('/api/group', { tenantId: tenant.id }))).groups
    expect(listed.map((g) => g.id)).toEqual([mine.id])
    const all = (await json<{ groups: Group[] }>(await call('/api/group'))).groups.map((g) => g.id)
    expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id]))
    await expectEmpty(await call(`/api/group/${theirs.id}`, { tenantId: tenant.id }), 404)
    await expectEmpty(await call(`/api/group/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call('/api/group/not-a-uuid'), 404)
    const locked = await createApiKey({ tenantId: tenant.id })
    await expectEmpty(await call(`/api/group/${theirs.id}`, { apiKey: locked.key }), 404)
    await expectEmpty(await call(`/api/group/${theirs.id}`, { apiKey: locked.key, method: 'DELETE' }), 404)
    await expectEmpty(
      await call(`/api/group/${theirs.id}`, { apiKey: locked.key, method: 'PUT', body: { group: { name: 'stolen' } } }),
      404,
    )
  })

  it('PUT replaces name, data and roles; PATCH merges and keeps roles unless roleIds is given', async () => {
    const { tenant, application, role } = await tenantWithRoles()
    const created = await groupOf(
      await createGroup(tenant.id, { group: { name: uniqueName('g'), data: { a: 1, b: { c: 2 } } }, roleIds: [role('admin').id] }),
    )
    const patched = await groupOf(
      await call(`/api/group/${created.id}`, { tenantId: tenant.id, method: 'PATCH', body: { group: { data: { b: { d: 3 } } } } }),
    )
    expect(patched).toMatchObject({ name: created.name, data: { a: 1, b: { c: 2, d: 3 } }, insertInstant: created.insertInstant })
    expect(patched.roles[application.id]?.map((r) => r.name)).toEqual(['admin'])

    const repatched = await groupOf(
      await call(`/api/group/${created.id}`, { tenantId: tenant.id, method: 'PATCH', body: { roleIds: [role('editor').id] } }),
    )
    expect(repatched.roles[application.id]?.map((r) => r.name)).toEqual(['editor'])

    const name = uniqueName('renamed')
    const put = await groupOf(await call(`/api/group/${created.id}`, { tenantId: tenant.id, method: 'PUT', body: { group: { name } } }))
    expect(put).toMatchObject({ id: created.id, name, roles: {}, tenantId: tenant.id })
    expect(put.data).toBeUndefined()
    expect(await fieldCodes(await call(`/api/group/${created.id}`, { tenantId: tenant.id, method: 'PUT', body: { group: {} } }))).toEqual([
      '[blank]group.name',
    ])
  })

  it('refuses renaming onto another group’s name', async () => {
    const tenant = await createTenant()
    const first = await groupOf(await createGroup(tenant.id, { group: { name: uniqueName('g') } }))
    const second = await groupOf(await createGroup(tenant.id, { group: { name: uniqueName('g') } }))
    const rename = await call(`/api/group/${second.id}`, { tenantId: tenant.id, method: 'PATCH', body: { group: { name: first.name } } })
    expect(await fieldCodes(rename)).toEqual(['[duplicate]group.name'])
  })

  it('DELETE removes the group; a second DELETE is a 404', async () => {
    const tenant = await createTenant()
    const group = await groupOf(await createGroup(tenant.id, { group: { name: uniqueName('g') } }))
    expect((await call(`/api/group/${group.id}`, { method: 'DELETE' })).status).toBe(200)
    await expectEmpty(await call(`/api/group/${group.id}`), 404)
    await expectEmpty(await call(`/api/group/${group.id}`, { method: 'DELETE' }), 404)
  })

  it('drops a role deleted from its application, and an application deleted outright', async () => {
    const { tenant, application, role } = await tenantWithRoles()
    const group = await groupOf(
      await createGroup(tenant.id, { group: { name: uniqueName('g') }, roleIds: [role('admin').id, role('viewer').id] }),
    )
    expect((await call(`/api/application/${application.id}/role/${role('admin').id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await groupOf(await call(`/api/group/${group.id}`))).roles[application.id]?.map((r) => r.name)).toEqual(['viewer'])
    expect((await call(`/api/application/${application.id}?hardDelete=true`, { method: 'DELETE' })).status).toBe(200)
    expect((await groupOf(await call(`/api/group/${group.id}`))).roles).toEqual({})
  })
})

describe('/api/group/search', () => {
  it('matches names case-insensitively, anywhere or with * wildcards, paged, with a total', async () => {
    const tenant = await createTenant()
    const stem = crypto.randomUUID().slice(0, 8)
    for (const name of [`${stem}-alpha`, `${stem}-beta`, `${stem}-gamma`, `other-${stem}`]) {
      await groupOf(await createGroup(tenant.id, { group: { name } }))
    }
    const search = async (body: unknown) =>
      json<{ groups: Group[]; total: number }>(await call('/api/group/search', { tenantId: tenant.id, body }))
    const all = await search({ search: { name: stem.toUpperCase() } })
    expect(all.total).toBe(4)
    expect(all.groups.map((g) => g.name)).toEqual([`${stem}-alpha`, `${stem}-beta`, `${stem}-gamma`, `other-${stem}`])
    const prefixed = await search({ search: { name: `${stem}*a`, numberOfResults: 1, startRow: 1 } })
    expect({ total: prefixed.total, names: prefixed.groups.map((g) => g.name) }).toEqual({ total: 3, names: [`${stem}-beta`] })
    const descending = await search({ search: { name: stem, orderBy: 'name DESC', numberOfResults: 1 } })
    expect(descending.groups.map((g) => g.name)).toEqual([`other-${stem}`])
    const get = await json<{ groups: Group[]; total: number }>(await call(`/api/group/search?name=${stem}-b`, { tenantId: tenant.id }))
    expect(get.groups.map((g) => g.name)).toEqual([`${stem}-beta`])
  })

  it('keeps a scoped search in its tenant whatever tenantId it names, and refuses bad criteria', async () => {
    const tenant = await createTenant()
    const other = await createTenant()
    const name = uniqueName('scoped')
    await groupOf(await createGroup(other.id, { group: { name } }))
    const scoped = await json<{ total: number }>(
      await call('/api/group/search', { tenantId: tenant.id, body: { search: { name, tenantId: other.id } } }),
    )
    expect(scoped.total).toBe(0)
    const unscoped = await json<{ total: number }>(await call('/api/group/search', { body: { search: { name, tenantId: other.id } } }))
    expect(unscoped.total).toBe(1)
    expect(await fieldCodes(await call('/api/group/search', { body: { search: { numberOfResults: -1 } } }))).toEqual([
      '[invalid]search.numberOfResults',
    ])
    expect(await fieldCodes(await call('/api/group/search', { body: { search: { orderBy: 'password; DROP' } } }))).toEqual([
      '[invalid]search.orderBy',
    ])
    expect(await fieldCodes(await call('/api/group/search?startRow=x'))).toEqual(['[couldNotConvert]startRow'])
    // A long pattern is matched, not refused (no LIKE length limit applies).
    expect((await call('/api/group/search', { body: { search: { name: `*${'a*'.repeat(500)}` } } })).status).toBe(200)
  })
})
