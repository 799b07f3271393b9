/**
 * `/api/application/{id}/role[/{roleId}]`: create, update (PUT replaces, PATCH merges) and delete the roles
 * of an application; answers `{role}`. Roles live inside the application's JSON, so each change is a
 * read-modify-write of the application (two racing role edits of one application can lose one; FusionAuth
 * role management is an admin activity, not a hot path).
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import type { Application, ApplicationRole } from '../domain/application'
import { firstDuplicateName, readRole } from '../domain/application-validation'
import { deepMerge } from '../domain/json-merge'
import type { AppEnv } from '../env'
import { readJson } from '../http/body'
import { type Errors, notFound } from '../http/errors'
import { FieldReader } from '../http/fields'
import { pathUuid } from '../http/path'
import { emptyOk } from '../http/responses'
import { assertSameTenant } from '../http/tenant'
import { withoutServerFields } from './admin-common'

/** Mounted by applications.ts, whose API-key middleware covers these paths. */
export const applicationRoleRoutes = new Hono<AppEnv>()

applicationRoleRoutes.post('/api/application/:id/role', (c) => createRole(c, crypto.randomUUID()))
applicationRoleRoutes.post('/api/application/:id/role/:roleId', (c) => createRole(c, pathUuid(c, 'roleId')))
applicationRoleRoutes.put('/api/application/:id/role/:roleId', (c) => updateRole(c, 'replace'))
applicationRoleRoutes.patch('/api/application/:id/role/:roleId', (c) => updateRole(c, 'merge'))

applicationRoleRoutes.delete('/api/application/:id/role/:roleId', async (c) => {
  const application = await findApplication(c, pathUuid(c))
  const roleId = pathUuid(c, 'roleId')
  const roles = application.roles.filter((role) => role.id !== roleId)
  if (roles.length === application.roles.length) throw notFound()
  await c.var.data.applications.update({ ...application, roles, lastUpdateInstant: c.get('nowMillis') })
  // Groups already stop showing the role (names are resolved from the application); this keeps a role later
  // created with the same id from being granted by them again.
  await c.var.data.commit([c.var.data.groups.forgetRoleStatement(roleId)])
  return emptyOk(c)
})

async function createRole(c: Context<AppEnv>, roleId: string): Promise<Response> {
  const application = await findApplication(c, pathUuid(c))
  const body = FieldReader.body(await readJson(c))
  const role = readRole(body.object('role'), roleId, null, c.get('nowMillis'))
  if (application.roles.some((existing) => existing.id === roleId)) {
    body.errors.field('role.id', '[duplicate]role.id', `A role with Id [${roleId}] already exists.`)
  }
  await saveRoles(c, application, [...application.roles, role], body.errors)
  return c.json({ role })
}

async function updateRole(c: Context<AppEnv>, mode: 'replace' | 'merge'): Promise<Response> {
  const application = await findApplication(c, pathUuid(c))
  const roleId = pathUuid(c, 'roleId')
  const existing = application.roles.find((role) => role.id === roleId)
  if (existing === undefined) throw notFound()
  const body = FieldReader.body(await readJson(c))
  const input = withoutServerFields(body.rawObject('role') ?? {})
  const source = mode === 'merge' ? deepMerge<ApplicationRole>(existing, input) : input
  const role = readRole(new FieldReader(source, body.errors, 'role'), roleId, existing, c.get('nowMillis'))
  await saveRoles(
    c,
    application,
    application.roles.map((r) => (r.id === roleId ? role : r)),
    body.errors,
  )
  return c.json({ role })
}

async function saveRoles(c: Context<AppEnv>, application: Application, roles: ApplicationRole[], errors: Errors): Promise<void> {
  const duplicate = firstDuplicateName(roles)
  if (duplicate !== null && !errors.has('role.name')) {
    errors.field('role.name', '[duplicate]role.name', `A role with name [${duplicate}] already exists for this Application.`)
  }
  errors.throwIfAny()
  await c.var.data.applications.update({ ...application, roles, lastUpdateInstant: c.get('nowMillis') })
}

/** The application, or 404 when unknown or owned by a tenant other than the request's. */
export async function findApplication(c: Context<AppEnv>, id: string): Promise<Application> {
  const application = await c.var.data.applications.get(id)
  if (application === null) throw notFound()
  assertSameTenant(c, application.tenantId)
  return application
}
