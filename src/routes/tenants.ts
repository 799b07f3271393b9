/**
 * `/api/tenant`: create (optionally copying `sourceTenantId`), retrieve, list, update (PUT replaces over
 * FusionAuth's defaults, PATCH merges) and delete, in FusionAuth's wire format.
 * Tenant-scoped requests (locked key or tenant header) see only their own tenant and may not create or list.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { normalizeEventConfiguration } from '../domain/events/event-configuration'
import { applicationsWithNewKeys, publicKeyUpdateEvent, tenantKeysChanged } from '../domain/events/key-events'
import { deepMerge } from '../domain/json-merge'
import { type Tenant, tenantDefaults } from '../domain/tenant'
import { generateTenantSigningKey, reserveTenantSigningKey } from '../domain/tenant-signing-key'
import { validateTenant } from '../domain/tenant-validation'
import type { AppEnv } from '../env'
import { requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { type Errors, codes, fieldError, generalError, notFound } from '../http/errors'
import { FieldReader, type JsonObject } from '../http/fields'
import { pathUuid } from '../http/path'
import { requestEventSource } from '../http/event-info'
import { emptyOk } from '../http/responses'
import { refuseTenantScope } from '../http/scope'
import { assertSameTenant } from '../http/tenant'
import { checkKeyReferences, isUniqueViolation, withoutServerFields } from './admin-common'

export const tenantRoutes = new Hono<AppEnv>()

tenantRoutes.use('/api/tenant/*', requireApiKey())

tenantRoutes.get('/api/tenant', async (c) => {
  refuseTenantScope(c)
  return c.json({ tenants: await c.var.data.tenants.list() })
})

tenantRoutes.get('/api/tenant/:id', async (c) => c.json({ tenant: await findTenant(c, pathUuid(c)) }))

tenantRoutes.post('/api/tenant', (c) => createTenant(c, crypto.randomUUID()))
tenantRoutes.post('/api/tenant/:id', (c) => createTenant(c, pathUuid(c)))

tenantRoutes.put('/api/tenant/:id', async (c) => {
  const existing = await findTenant(c, pathUuid(c))
  const { input, errors } = await readTenantBody(c)
  // Full replace: what the client left out goes back to FusionAuth's defaults, except the signing keys, which
  // stay the tenant's own (FusionAuth would fall back to the default tenant's key and so share it).
  const { accessTokenKeyId, idTokenKeyId } = existing.jwtConfiguration
  const defaults = tenantDefaults()
  const base: Tenant = {
    ...defaults,
    id: existing.id,
    name: '',
    jwtConfiguration: { ...defaults.jwtConfiguration, accessTokenKeyId, idTokenKeyId },
    insertInstant: existing.insertInstant,
    lastUpdateInstant: 0,
  }
  return c.json({ tenant: await saveTenant(c, finish(c, base, input), errors, { mode: 'update', previous: existing }) })
})

tenantRoutes.patch('/api/tenant/:id', async (c) => {
  const existing = await findTenant(c, pathUuid(c))
  const { input, errors } = await readTenantBody(c)
  return c.json({ tenant: await saveTenant(c, finish(c, existing, input), errors, { mode: 'update', previous: existing }) })
})

tenantRoutes.delete('/api/tenant/:id', async (c) => {
  const tenant = await findTenant(c, pathUuid(c))
  const system = await c.var.data.systemConfiguration.get()
  if (system?.defaultTenantId === tenant.id) {
    throw generalError('[cannotDelete]', 'The default tenant cannot be deleted.')
  }
  // Applications, users and tenant-locked API keys of the tenant go with it (ON DELETE CASCADE).
  if (!(await c.var.data.tenants.delete(tenant.id))) throw notFound()
  return emptyOk(c)
})

async function createTenant(c: Context<AppEnv>, id: string): Promise<Response> {
  refuseTenantScope(c)
  const store = c.var.data.tenants
  const body = FieldReader.body(await readJson(c))
  const sourceTenantId = body.uuid('sourceTenantId')
  const input = withoutServerFields(body.rawObject('tenant') ?? {})
  const errors = body.errors
  if ((await store.get(id)) !== null) errors.field('tenant.id', '[duplicate]tenant.id', `A Tenant with Id [${id}] already exists.`)

  let base: Tenant = { ...tenantDefaults(), id, name: '', insertInstant: 0, lastUpdateInstant: 0 }
  if (sourceTenantId !== undefined) {
    const source = await store.get(sourceTenantId)
    if (source === null)
      errors.field('sourceTenantId', codes.invalid('sourceTenantId').code, `No Tenant exists with Id [${sourceTenantId}].`)
    // A copy keeps everything but identity (its signing keys too, as FusionAuth's copy does); the client's
    // tenant object (at least a new name) goes over it.
    else base = { ...source, id, name: '', insertInstant: 0, lastUpdateInstant: 0 }
  }
  const tenant = finish(c, base, input)
  tenant.insertInstant = tenant.lastUpdateInstant
  const ownKeyId = reserveTenantSigningKey(tenant)
  return c.json({ tenant: await saveTenant(c, tenant, errors, { mode: 'create', ownKeyId }) })
}

/** Reads `{tenant: {...}}`; type errors go into the returned Errors, reported with the rest. */
async function readTenantBody(c: Context<AppEnv>): Promise<{ input: JsonObject; errors: Errors }> {
  const body = FieldReader.body(await readJson(c))
  return { input: withoutServerFields(body.rawObject('tenant') ?? {}), errors: body.errors }
}

/** The client's fields merged over `base`, stamped with this request's instant. */
function finish(c: Context<AppEnv>, base: Tenant, input: JsonObject): Tenant {
  const tenant = deepMerge(base, input)
  tenant.lastUpdateInstant = c.get('nowMillis')
  return tenant
}

/** How a tenant is written: an update, or a create that may bring the tenant's own new signing key. */
type SaveMode = { mode: 'update'; previous: Tenant } | { mode: 'create'; ownKeyId: string | null }

async function saveTenant(c: Context<AppEnv>, tenant: Tenant, errors: Errors, save: SaveMode): Promise<Tenant> {
  const data = c.var.data
  const store = data.tenants
  const ownKeyId = save.mode === 'create' ? save.ownKeyId : null
  const references = validateTenant(tenant, errors)
  // The tenant's own key does not exist yet: it is written with the tenant below.
  await checkKeyReferences(
    data,
    references.filter((reference) => reference.id !== ownKeyId),
    errors,
  )
  if (!errors.has('tenant.name') && (await store.nameTaken(tenant.name, tenant.id))) {
    errors.field('tenant.name', '[duplicate]tenant.name', `A Tenant with name [${tenant.name}] already exists.`)
  }
  errors.throwIfAny()
  tenant.eventConfiguration = normalizeEventConfiguration(tenant.eventConfiguration)
  try {
    if (save.mode === 'update') await updateAnnouncingKeys(c, save.previous, tenant)
    else if (ownKeyId === null) await store.create(tenant)
    else {
      // One batch, so a tenant never exists without its key nor a key without its tenant.
      const key = await generateTenantSigningKey(tenant, ownKeyId)
      await data.commit([await data.signingKeys.insertStatement(key, tenant.insertInstant), store.insertStatement(tenant)])
    }
  } catch (error) {
    // Another request took the name (or id) between the check and the write.
    if (isUniqueViolation(error))
      throw fieldError('tenant.name', codes.duplicate('tenant.name', `A Tenant with name [${tenant.name}] already exists.`))
    throw error
  }
  return tenant
}

/**
 * A tenant update that names other signing keys sends jwt.public-key.update for the applications that follow the
 * tenant's keys (transactional: refused, nothing is saved). Unchanged key ids cost no application read.
 */
async function updateAnnouncingKeys(c: Context<AppEnv>, previous: Tenant, tenant: Tenant): Promise<void> {
  const data = c.var.data
  const affected = tenantKeysChanged(previous, tenant)
    ? applicationsWithNewKeys(previous, tenant, await data.applications.list(tenant.id))
    : []
  if (affected.length === 0) {
    await data.tenants.update(tenant)
    return
  }
  await data.events.around(tenant, [publicKeyUpdateEvent(tenant.id, affected, requestEventSource(c))], () => data.tenants.update(tenant))
}

/** The tenant, or 404 when it does not exist or the request is scoped to another tenant. */
async function findTenant(c: Context<AppEnv>, id: string): Promise<Tenant> {
  const tenant = await c.var.data.tenants.get(id)
  if (tenant === null) throw notFound()
  assertSameTenant(c, tenant.id)
  return tenant
}
