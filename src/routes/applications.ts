/**
 * `/api/application`: create (optionally copying `sourceApplicationId`), retrieve, list (active, or
 * `?inactive=true`), update (PUT replaces over defaults, PATCH merges, `PUT ?reactivate=true`),
 * delete (soft without `hardDelete=true`, as FusionAuth does). Roles: see application-roles.ts.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { type Application, applicationDefaults } from '../domain/application'
import { readRoles, validateApplication } from '../domain/application-validation'
import { applicationKeysChanged, publicKeyUpdateEvent } from '../domain/events/key-events'
import { deepMerge } from '../domain/json-merge'
import type { AppEnv } from '../env'
import { requestTenantId, requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { type Errors, notFound } from '../http/errors'
import { FieldReader, type JsonObject } from '../http/fields'
import { pathUuid } from '../http/path'
import { requestEventSource } from '../http/event-info'
import { emptyOk } from '../http/responses'
import { newObjectTenantId } from '../http/tenant'
import { checkKeyReferences, isUniqueViolation, withoutServerFields } from './admin-common'
import { applicationRoleRoutes, findApplication } from './application-roles'

export const applicationRoutes = new Hono<AppEnv>()

applicationRoutes.use('/api/application/*', requireApiKey())
applicationRoutes.route('/', applicationRoleRoutes)

applicationRoutes.get('/api/application', async (c) => {
  const inactive = c.req.query('inactive') === 'true'
  const all = await c.var.data.applications.list(requestTenantId(c))
  return c.json({ applications: all.filter((application) => application.active !== inactive) })
})

applicationRoutes.get('/api/application/:id', async (c) => c.json({ application: await findApplication(c, pathUuid(c)) }))

applicationRoutes.post('/api/application', (c) => createApplication(c, crypto.randomUUID()))
applicationRoutes.post('/api/application/:id', (c) => createApplication(c, pathUuid(c)))

applicationRoutes.put('/api/application/:id', async (c) => {
  const existing = await findApplication(c, pathUuid(c))
  if (c.req.query('reactivate') === 'true') {
    const application = { ...existing, active: true, lastUpdateInstant: c.get('nowMillis') }
    await c.var.data.applications.update(application)
    return c.json({ application })
  }
  const { input, errors } = await readApplicationBody(c)
  // Full replace over the defaults; identity, tenant and roles (managed by the role API) are kept.
  const base: Application = {
    ...applicationDefaults(),
    id: existing.id,
    tenantId: existing.tenantId,
    name: '',
    insertInstant: existing.insertInstant,
    lastUpdateInstant: 0,
  }
  return c.json({ application: await saveApplication(c, finish(c, base, input, existing), errors, 'update', existing) })
})

applicationRoutes.patch('/api/application/:id', async (c) => {
  const existing = await findApplication(c, pathUuid(c))
  const { input, errors } = await readApplicationBody(c)
  return c.json({ application: await saveApplication(c, finish(c, existing, input, existing), errors, 'update', existing) })
})

applicationRoutes.delete('/api/application/:id', async (c) => {
  const application = await findApplication(c, pathUuid(c))
  const store = c.var.data.applications
  if (c.req.query('hardDelete') === 'true') {
    // Registrations go with it (ON DELETE CASCADE); login records stay, as in FusionAuth.
    if (!(await store.delete(application.id))) throw notFound()
  } else {
    await store.update({ ...application, active: false, lastUpdateInstant: c.get('nowMillis') })
  }
  return emptyOk(c)
})

async function createApplication(c: Context<AppEnv>, id: string): Promise<Response> {
  const store = c.var.data.applications
  const body = FieldReader.body(await readJson(c))
  const errors = body.errors
  const raw = body.rawObject('application') ?? {}
  const input = withoutServerFields(raw)
  const sourceId = body.uuid('sourceApplicationId')
  const tenantId = await newObjectTenantId(c, 'application', new FieldReader(raw, errors, 'application').uuid('tenantId'), errors)
  if ((await store.get(id)) !== null)
    errors.field('application.id', '[duplicate]application.id', `An Application with Id [${id}] already exists.`)

  let base: Application = { ...applicationDefaults(), id, tenantId, name: '', insertInstant: 0, lastUpdateInstant: 0 }
  if (sourceId !== undefined) {
    const source = await store.get(sourceId)
    if (source === null || (requestTenantId(c) !== null && source.tenantId !== requestTenantId(c))) {
      errors.field('sourceApplicationId', '[invalid]sourceApplicationId', `No Application exists with Id [${sourceId}].`)
    } else {
      base = { ...source, id, tenantId, name: '', insertInstant: 0, lastUpdateInstant: 0 }
    }
  }
  const roles = input.roles === undefined ? base.roles : readRoles(input.roles, errors, c.get('nowMillis'), () => crypto.randomUUID())
  const application = finish(c, base, input, { roles })
  application.insertInstant = application.lastUpdateInstant
  return c.json({ application: await saveApplication(c, application, errors, 'create') })
}

async function readApplicationBody(c: Context<AppEnv>): Promise<{ input: JsonObject; errors: Errors }> {
  const body = FieldReader.body(await readJson(c))
  return { input: withoutServerFields(body.rawObject('application') ?? {}), errors: body.errors }
}

/** Merges the client's fields over `base`; the tenant never changes and roles come from `keep`. */
function finish(c: Context<AppEnv>, base: Application, input: JsonObject, keep: Pick<Application, 'roles'>): Application {
  const { tenantId: _tenant, roles: _roles, ...rest } = input
  const application = deepMerge(base, rest)
  application.tenantId = base.tenantId
  application.roles = keep.roles
  application.lastUpdateInstant = c.get('nowMillis')
  return application
}

async function saveApplication(
  c: Context<AppEnv>,
  application: Application,
  errors: Errors,
  mode: 'create' | 'update',
  previous?: Application,
): Promise<Application> {
  const references = validateApplication(application, errors)
  await checkKeyReferences(c.var.data, references, errors)
  errors.throwIfAny()
  const store = c.var.data.applications
  try {
    if (mode === 'create') await store.create(application)
    else await updateAnnouncingKeys(c, application, previous)
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    errors.field('application.id', '[duplicate]application.id', `An Application with Id [${application.id}] already exists.`)
    errors.throwIfAny()
  }
  return application
}

/**
 * An update that names other signing keys sends jwt.public-key.update for the application (transactional: refused,
 * nothing is saved). Applications that follow their tenant's keys on both sides cannot have changed: no tenant read.
 */
async function updateAnnouncingKeys(c: Context<AppEnv>, application: Application, previous: Application | undefined): Promise<void> {
  const data = c.var.data
  const mayChange = previous !== undefined && (previous.jwtConfiguration.enabled || application.jwtConfiguration.enabled)
  const tenant = mayChange ? await data.tenants.get(application.tenantId) : null
  if (tenant === null || previous === undefined || !applicationKeysChanged(tenant, previous, application)) {
    await data.applications.update(application)
    return
  }
  const event = publicKeyUpdateEvent(tenant.id, [application.id], requestEventSource(c))
  await data.events.around(tenant, [event], () => data.applications.update(application))
}
