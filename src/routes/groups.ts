/**
 * `/api/group`: create (with or without an id), retrieve one or all, update (PUT replaces the name, data and
 * roles; PATCH merges, keeping the roles unless `roleIds` is given), delete (its memberships go with it), and
 * search (GET and POST `/api/group/search`). Tenant-scoped: a scoped request sees only its tenant's groups.
 * Memberships: group-members.ts, mounted here.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import type { Group } from '../domain/group'
import { type GroupWrite, newGroup, prepareGroupWrite, readGroupRequest } from '../domain/group-admin'
import { buildGroup } from '../domain/group'
import { criteriaOf, pageOfGroups, readGroupSearch } from '../domain/group-search'
import { groupEvents } from '../domain/events/group-events'
import type { Tenant } from '../domain/tenant'
import type { AppEnv } from '../env'
import { requestTenantId, requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { requestEventSource } from '../http/event-info'
import { Errors, notFound } from '../http/errors'
import { UUID_SEGMENT, pathUuid } from '../http/path'
import { emptyOk } from '../http/responses'
import { assertSameTenant, newObjectTenantId } from '../http/tenant'
import { groupMemberRoutes } from './group-members'
import { commitUnique } from './admin-common'

export const groupRoutes = new Hono<AppEnv>()
const byId = `/api/group/:id{${UUID_SEGMENT}}`

groupRoutes.use('/api/group', requireApiKey())
groupRoutes.use('/api/group/*', requireApiKey())
groupRoutes.route('/', groupMemberRoutes)

groupRoutes.get('/api/group', async (c) => c.json({ groups: await c.var.data.groups.list(requestTenantId(c)) }))

groupRoutes.get('/api/group/search', async (c) => searchGroups(c, criteriaOf(new Errors(), { query: new URL(c.req.url).searchParams })))
groupRoutes.post('/api/group/search', async (c) => searchGroups(c, criteriaOf(new Errors(), { body: await readJson(c) })))

groupRoutes.get(byId, async (c) => c.json({ group: await findGroup(c) }))

groupRoutes.post('/api/group', (c) => createGroup(c, crypto.randomUUID()))
groupRoutes.post(byId, (c) => createGroup(c, pathUuid(c)))

groupRoutes.put(byId, async (c) => {
  const existing = await findGroup(c)
  const { input, errors } = readGroupRequest(await readJson(c))
  const group = buildGroup(stored(existing), input, c.get('nowMillis'))
  return c.json({ group: await save(c, { group, input, errors, mode: 'update', keepRoles: false }, existing) })
})

groupRoutes.patch(byId, async (c) => {
  const existing = await findGroup(c)
  const { input, errors } = readGroupRequest(await readJson(c), stored(existing))
  const group = buildGroup(stored(existing), input, c.get('nowMillis'))
  return c.json({ group: await save(c, { group, input, errors, mode: 'update', keepRoles: true, roles: existing.roles }, existing) })
})

groupRoutes.delete(byId, async (c) => {
  const group = await findGroup(c)
  const data = c.var.data
  const tenant = await groupTenant(c, group.tenantId)
  const deleted = await data.events.around(tenant, groupEvents('delete', group, requestEventSource(c)), () => data.groups.delete(group.id))
  if (!deleted) throw notFound()
  return emptyOk(c)
})

async function createGroup(c: Context<AppEnv>, id: string): Promise<Response> {
  const { input, errors, tenantId: named } = readGroupRequest(await readJson(c))
  const tenantId = await newObjectTenantId(c, 'group', named, errors)
  const group = newGroup(id, tenantId, input, c.get('nowMillis'))
  return c.json({ group: await save(c, { group, input, errors, mode: 'create', keepRoles: false }) })
}

/** Validates and writes a group inside `data.events.around` with its events; `original` is the group an update replaces. */
async function save(c: Context<AppEnv>, write: GroupWrite, original?: Group): Promise<Group> {
  const data = c.var.data
  // The tenant read never fails, so a validation error of the write is what a bad request answers.
  const [prepared, tenant] = await Promise.all([prepareGroupWrite(data, write), data.tenants.get(write.group.tenantId)])
  if (tenant === null) throw notFound() // deleted by a concurrent request
  const events =
    original === undefined
      ? groupEvents('create', prepared.group, requestEventSource(c))
      : groupEvents('update', prepared.group, requestEventSource(c), original)
  await data.events.around(tenant, events, () => commitUnique(c.var.data, prepared.writes, prepared.recheck))
  const saved = await data.groups.get(write.group.id)
  if (saved === null) throw notFound() // deleted by a concurrent request right after this one wrote it
  return saved
}

async function searchGroups(c: Context<AppEnv>, criteria: ReturnType<typeof criteriaOf>): Promise<Response> {
  const search = readGroupSearch(criteria, requestTenantId(c))
  const groups = c.var.data.groups
  const { page, total } = pageOfGroups(await groups.listStored(search.tenantId), search)
  return c.json({ groups: await groups.withRoles(page), total })
}

/** The tenant of an existing group (a 404 when deleted by a concurrent request). */
async function groupTenant(c: Context<AppEnv>, tenantId: string): Promise<Tenant> {
  const tenant = await c.var.data.tenants.get(tenantId)
  if (tenant === null) throw notFound()
  return tenant
}

/** The group of the path, or 404 when unknown or of another tenant than the request's. */
async function findGroup(c: Context<AppEnv>): Promise<Group> {
  const group = await c.var.data.groups.get(pathUuid(c))
  if (group === null) throw notFound()
  assertSameTenant(c, group.tenantId)
  return group
}

const stored = ({ roles: _roles, ...group }: Group) => group
