/**
 * `/api/user-action` (definitions: create, retrieve, update, reactivate, soft/hard delete) and
 * `/api/user/action` (take, retrieve, modify, cancel an action on a user), in FusionAuth's wire format.
 * Definitions are global, as in FusionAuth: `/api/user-action` is a global endpoint (401 to any tenant-scoped
 * request, reads included), since every tenant's lockout may depend on one. Taken actions belong to their
 * user's tenant, and every id they name must be in the request's scope (see http/scope.ts).
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { readDefinition, checkUniqueName, readExpiry, isActive, actionView, takeAction, changeAction } from '../domain/user-actions'
import type { Tenant } from '../domain/tenant'
import type { AppEnv } from '../env'
import { requestEventSource } from '../http/event-info'
import { requestTenantId, requireApiKey } from '../http/auth'
import { readJson, readOptionalJson } from '../http/body'
import { ApiError, codes, type Errors, fieldError, notFound } from '../http/errors'
import { FieldReader, isObject, isUuid } from '../http/fields'
import { pathUuid } from '../http/path'
import { queryParam, uuidParam } from '../http/query'
import { emptyOk } from '../http/responses'
import { inRequestScope, requireGlobalScope } from '../http/scope'
import { assertSameTenant } from '../http/tenant'
import type { TakenAction, UserActionDefinition } from '../store/user-action-store'
import type { UserRecord } from '../store/user-store'

export const userActionRoutes = new Hono<AppEnv>()
userActionRoutes.use('/api/user-action', requireGlobalScope)
userActionRoutes.use('/api/user-action/*', requireGlobalScope)
userActionRoutes.use('/api/user/action', requireApiKey())
userActionRoutes.use('/api/user/action/*', requireApiKey())

// ---- Definitions -------------------------------------------------------------------------------------------

userActionRoutes.post('/api/user-action', (c) => saveDefinition(c, crypto.randomUUID(), null))
userActionRoutes.post('/api/user-action/:id', async (c) => {
  const id = pathUuid(c)
  if ((await c.var.data.userActions.getDefinition(id)) !== null) {
    throw fieldError('userActionId', codes.duplicate('userActionId', `A User Action with Id [${id}] already exists.`))
  }
  return saveDefinition(c, id, null)
})

userActionRoutes.get('/api/user-action', async (c) => {
  const inactive = c.req.query('inactive') === 'true'
  const all = await c.var.data.userActions.listDefinitions(null)
  return c.json({ userActions: all.filter((d) => d.active !== inactive) })
})

userActionRoutes.get('/api/user-action/:id', async (c) => c.json({ userAction: await existingDefinition(c) }))

userActionRoutes.put('/api/user-action/:id', async (c) => {
  const existing = await existingDefinition(c)
  if (c.req.query('reactivate') === 'true') {
    const reactivated = { ...existing, active: true, lastUpdateInstant: c.get('nowMillis') }
    await c.var.data.userActions.updateDefinition(reactivated)
    return c.json({ userAction: reactivated })
  }
  return saveDefinition(c, existing.id, existing)
})

userActionRoutes.delete('/api/user-action/:id', async (c) => {
  const existing = await existingDefinition(c)
  // Hard delete takes the actions taken with it (ON DELETE CASCADE), as FusionAuth deletes their logs.
  if (c.req.query('hardDelete') === 'true') await c.var.data.userActions.deleteDefinition(existing.id)
  else await c.var.data.userActions.updateDefinition({ ...existing, active: false, lastUpdateInstant: c.get('nowMillis') })
  return emptyOk(c)
})

async function existingDefinition(c: Context<AppEnv>): Promise<UserActionDefinition> {
  const found = await c.var.data.userActions.getDefinition(pathUuid(c))
  if (found === null) throw notFound()
  return found
}

async function saveDefinition(c: Context<AppEnv>, id: string, existing: UserActionDefinition | null): Promise<Response> {
  const body = FieldReader.body(await readJson(c))
  const definition = readDefinition(body.object('userAction'), id, c.get('nowMillis'), existing)
  checkUniqueName(definition, await c.var.data.userActions.listDefinitions(null), body.errors)
  body.errors.throwIfAny()
  if (existing === null) await c.var.data.userActions.createDefinition(definition)
  else await c.var.data.userActions.updateDefinition(definition)
  return c.json({ userAction: definition })
}

// ---- Actions taken on users --------------------------------------------------------------------------------

/**
 * `[invalid]action.actionerUserId` unless the actioner exists and is in the request's scope; another tenant's
 * user reads as absent. A global request may name an actioner of any tenant (an administrator kept in the
 * default tenant, say): FusionAuth asks only that the actioner exist.
 */
async function checkActioner(c: Context<AppEnv>, actionerUserId: string | undefined, errors: Errors): Promise<void> {
  if (actionerUserId === undefined) return
  const actioner = await c.var.data.users.get(actionerUserId)
  if (actioner === null || !inRequestScope(c, actioner.user.tenantId)) {
    errors.field('action.actionerUserId', '[invalid]action.actionerUserId', `No User exists with Id [${actionerUserId}].`)
  }
}

/**
 * `[invalid]action.applicationIds` unless every id is an application of `tenantId`: the actionee's tenant, or
 * the request's when the actionee is unknown. Stricter than FusionAuth, which asks only that they exist: an
 * action on a user can only ever bear on logins to the applications of that user's tenant.
 */
async function checkApplications(c: Context<AppEnv>, applicationIds: string[], tenantId: string | null, errors: Errors): Promise<void> {
  const applications = c.var.data.applications
  for (const id of applicationIds) {
    const application = isUuid(id) ? await applications.get(id.toLowerCase()) : null
    if (application === null || (tenantId !== null && application.tenantId !== tenantId)) {
      errors.field('action.applicationIds', '[invalid]action.applicationIds', `No application exists with Id [${id}].`)
      return
    }
  }
}

/** The user with this id when the request may see it (another tenant's user is absent). */
async function visibleUser(c: Context<AppEnv>, userId: string): Promise<UserRecord | null> {
  const record = await c.var.data.users.get(userId)
  if (record === null) return null
  assertSameTenant(c, record.user.tenantId)
  return record
}

userActionRoutes.post('/api/user/action', async (c) => {
  const now = c.get('nowMillis')
  const body = FieldReader.body(await readJson(c))
  const input = body.object('action')
  const actioneeUserId = input.uuid('actioneeUserId')
  const actionerUserId = input.uuid('actionerUserId')
  const userActionId = input.uuid('userActionId')
  let expiry = readExpiry(input)
  const applicationIds = input.stringArray('applicationIds')
  const comment = input.string('comment')
  const option = input.string('option')
  const reasonId = input.uuid('reasonId')
  const notifyUser = input.boolean('notifyUser') ?? false
  const emailUser = input.boolean('emailUser') ?? false
  body.boolean('broadcast')
  for (const name of ['actioneeUserId', 'userActionId'] as const) {
    if (!input.has(name)) body.errors.field(`action.${name}`, codes.missing(`action.${name}`).code, codes.missing(`action.${name}`).message)
  }
  body.errors.throwIfAny()

  const errors = body.errors
  const definition = userActionId === undefined ? null : await c.var.data.userActions.getDefinition(userActionId)
  if (definition === null || !definition.active)
    errors.field('action.userActionId', '[invalid]action.userActionId', `No active User Action exists with Id [${userActionId ?? ''}].`)
  const actionee = actioneeUserId === undefined ? null : await visibleUser(c, actioneeUserId).catch(() => null)
  if (actionee === null)
    errors.field('action.actioneeUserId', '[invalid]action.actioneeUserId', `No User exists with Id [${actioneeUserId ?? ''}].`)
  await checkActioner(c, actionerUserId, errors)
  if (definition?.temporal === true) {
    if (expiry === undefined)
      errors.field('action.expiry', codes.missing('action.expiry').code, 'A time based action requires an [action.expiry].')
    else if (expiry <= now) errors.field('action.expiry', '[invalid]action.expiry', 'The [action.expiry] must be in the future.')
  } else {
    expiry = undefined // an instantaneous action has no duration
  }
  const options: unknown[] = Array.isArray(definition?.options) ? definition.options : []
  if (option !== undefined && !options.some((o) => isObject(o) && o.name === option)) {
    errors.field('action.option', '[invalid]action.option', `The User Action has no option [${option}].`)
  }
  if (reasonId !== undefined)
    errors.field('action.reasonId', '[invalid]action.reasonId', `No User Action Reason exists with Id [${reasonId}].`)
  await checkApplications(c, applicationIds ?? [], actionee?.user.tenantId ?? requestTenantId(c), errors)
  errors.throwIfAny()
  if (definition === null || actionee === null) throw new ApiError(400, errors) // unreachable: recorded above

  const tenant = await actioneeTenant(c, actionee.user.tenantId)
  const details = {
    actionerUserId,
    applicationIds: applicationIds?.map((id) => id.toLowerCase()),
    expiry,
    comment,
    option,
    notifyUserOnEnd: notifyUser,
    emailUserOnEnd: emailUser,
  }
  const action = await takeAction(c.var.data, tenant, definition, actionee.user, details, requestEventSource(c))
  return c.json({ action: actionView(action) })
})

userActionRoutes.get('/api/user/action', async (c) => {
  const userId = uuidParam('userId', queryParam(c, 'userId'))
  if (userId === undefined) throw fieldError('userId', codes.missing('userId'))
  if ((await visibleUser(c, userId)) === null) throw notFound()
  const now = c.get('nowMillis')
  const active = queryParam(c, 'active')
  const preventingLogin = queryParam(c, 'preventingLogin') === 'true'
  const store = c.var.data.userActions
  const taken = await store.listForUser(userId)
  const preventing = new Map<string, boolean>()
  for (const { action } of taken) {
    if (preventingLogin && !preventing.has(action.actionId))
      preventing.set(action.actionId, (await store.getDefinition(action.actionId))?.preventLogin === true)
  }
  const shown = taken.filter(({ action, canceled }) => {
    const live = isActive(action, canceled, now)
    if (preventingLogin) return live && preventing.get(action.actionId) === true
    return active === undefined || live === (active === 'true')
  })
  return c.json({ actions: shown.map(({ action }) => actionView(action)) })
})

async function existingAction(c: Context<AppEnv>): Promise<{ action: TakenAction; canceled: boolean; actionee: UserRecord }> {
  const found = await c.var.data.userActions.get(pathUuid(c))
  const actionee = found === null ? null : await visibleUser(c, found.action.userId)
  if (found === null || actionee === null) throw notFound()
  return { ...found, actionee }
}

/** The actionee's tenant: where the action's `user.action` events go. */
async function actioneeTenant(c: Context<AppEnv>, tenantId: string): Promise<Tenant> {
  const tenant = await c.var.data.tenants.get(tenantId)
  if (tenant === null) throw notFound()
  return tenant
}

userActionRoutes.get('/api/user/action/:id', async (c) => c.json({ action: actionView((await existingAction(c)).action) }))

userActionRoutes.put('/api/user/action/:id', (c) => modifyAction(c, false))
userActionRoutes.delete('/api/user/action/:id', (c) => modifyAction(c, true))

/** Modify (PUT) or cancel (DELETE, body optional) an action still in force; its prior state goes to history. */
async function modifyAction(c: Context<AppEnv>, cancel: boolean): Promise<Response> {
  const now = c.get('nowMillis')
  const { action, canceled, actionee } = await existingAction(c)
  const body = FieldReader.body(cancel ? await readOptionalJson(c) : await readJson(c))
  const input = body.object('action')
  const actionerUserId = input.uuid('actionerUserId')
  const comment = input.string('comment')
  const expiry = cancel ? now : (readExpiry(input) ?? action.expiry)
  const notifyUser = input.boolean('notifyUser')
  const emailUser = input.boolean('emailUser')
  body.boolean('broadcast')
  if (!cancel && expiry !== undefined && expiry <= now)
    body.errors.field('action.expiry', '[invalid]action.expiry', 'The [action.expiry] must be in the future.')
  await checkActioner(c, actionerUserId, body.errors)
  body.errors.throwIfAny()
  const notInForce = () =>
    fieldError('actionId', codes.invalid('actionId', 'The action is not in force, so it cannot be modified or canceled.'))
  if (!isActive(action, canceled, now)) throw notInForce()

  const tenant = await actioneeTenant(c, actionee.user.tenantId)
  const changes = { actionerUserId, comment, expiry, notifyUserOnEnd: notifyUser, emailUserOnEnd: emailUser }
  const updated = await changeAction(c.var.data, tenant, action, cancel ? 'cancel' : 'modify', changes, requestEventSource(c))
  if (updated === null) throw notInForce()
  return c.json({ action: actionView(updated) })
}
