/**
 * `/api/user/registration`: register an existing user, create a user and registration together, retrieve,
 * update (PUT replaces the settable fields, PATCH merges) and delete a registration, in FusionAuth's wire format.
 * The application must belong to the user's tenant; roles must be names of the application's roles.
 */
import { UUID_SEGMENT } from '../http/path'
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import type { Application } from '../domain/application'
import type { Registration, User } from '../domain/user'
import { mergePatch } from '../domain/json-merge'
import { userReader as requiredObject } from '../domain/user-input'
import { checkRoles, newRegistration, readRegistration, REGISTRATION_FIELDS, replaceRegistration } from '../domain/user-registration'
import type { AppEnv } from '../env'
import { requestTenantId, requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { ApiError, Errors, codes, notFound } from '../http/errors'
import { FieldReader, type JsonObject } from '../http/fields'
import { emptyOk, fusionJson } from '../http/responses'
import { clientIp } from '../http/client-ip'
import { requestEventSource } from '../http/event-info'
import { registrationCreateEvents, registrationDeleteEvents, registrationUpdateEvents } from '../domain/events/registration-events'
import { userCreateEvents } from '../domain/events/user-events'
import { setAccessTokenCookie, setRefreshTokenCookie } from '../http/cookies'
import { registrationLogin } from '../domain/login/registration-login'
import type { Tenant } from '../domain/tenant'
import { resolveTenantId } from '../http/tenant'
import type { PendingWrite } from '../store/data-context'
import { commitUnique } from './admin-common'
import { findScopedUser, loadTenant, prepareNewUser } from './users'

export const registrationRoutes = new Hono<AppEnv>()
const byUser = `/api/user/registration/:userId{${UUID_SEGMENT}}`
const byUserAndApplication = `${byUser}/:applicationId{${UUID_SEGMENT}}`

registrationRoutes.post('/api/user/registration', requireApiKey(), (c) => register(c, null))
registrationRoutes.post(byUser, requireApiKey(), (c) => register(c, c.req.param('userId').toLowerCase()))

registrationRoutes.get(byUserAndApplication, requireApiKey(), async (c) => {
  const { user } = await findScopedUser(c, c.req.param('userId'))
  return c.json({ registration: findRegistration(user, c.req.param('applicationId')) })
})

registrationRoutes.put(byUser, requireApiKey(), (c) => update(c, 'replace'))
registrationRoutes.put(byUserAndApplication, requireApiKey(), (c) => update(c, 'replace'))
registrationRoutes.patch(byUser, requireApiKey(), (c) => update(c, 'merge'))
registrationRoutes.patch(byUserAndApplication, requireApiKey(), (c) => update(c, 'merge'))

registrationRoutes.delete(byUserAndApplication, requireApiKey(), async (c) => {
  const { user } = await findScopedUser(c, c.req.param('userId'))
  const registration = findRegistration(user, c.req.param('applicationId'))
  const tenant = await loadTenant(c, user.tenantId)
  const removed = await c.var.data.events.around(tenant, registrationDeleteEvents(user, registration, requestEventSource(c)), () =>
    c.var.data.users.deleteRegistration(user.id, registration.applicationId),
  )
  if (!removed) throw notFound()
  return emptyOk(c)
})

/**
 * POST: with an existing user id, registers that user; otherwise creates the user in `user` and the
 * registration together (404 when the path names an unknown user and no `user` is given).
 */
async function register(c: Context<AppEnv>, pathUserId: string | null): Promise<Response> {
  const body = FieldReader.body(await readJson(c))
  const input = readRegistration(requiredObject(body, 'registration'))
  const skipVerification = body.boolean('skipRegistrationVerification') === true
  requireApplicationId(input.applicationId, body.errors)

  const store = c.var.data.users
  const existing = pathUserId === null ? null : await store.get(pathUserId)
  if (existing !== null) {
    await findScopedUser(c, existing.user.id)
  } else if (pathUserId !== null && !body.has('user')) {
    throw notFound()
  }
  // The application's tenant comes with it: it is the tenant whose events the registration sends (checked below).
  const found = input.applicationId === undefined ? null : await c.var.data.applications.getWithTenant(input.applicationId)
  const application = found?.application ?? null
  const tenantId = existing?.user.tenantId ?? requestTenantId(c) ?? application?.tenantId ?? (await resolveTenantId(c))
  const app = checkApplication(application, input.applicationId, tenantId, body.errors)
  if (app !== null) checkRoles(app, input.fields.roles, 'registration.roles', body.errors)
  if (app !== null && existing?.user.registrations?.some((r) => r.applicationId === app.id)) {
    body.errors.field(
      'registration',
      '[duplicate]registration',
      `The User with Id [${existing.user.id}] is already registered for the Application with Id [${app.id}].`,
    )
  }

  let user: User
  let createdWithPassword: Tenant | null = null
  let createdUser = false
  const statements: PendingWrite[] = []
  if (existing !== null) {
    body.errors.throwIfAny()
    user = existing.user
  } else {
    const tenant = found !== null && found.tenant.id === tenantId ? found.tenant : await loadTenant(c, tenantId)
    const prepared = await prepareNewUser(c, tenant, body, pathUserId ?? crypto.randomUUID())
    createdUser = true
    user = { ...prepared.user, registrations: [] }
    statements.push(store.insertStatement(prepared.user, prepared.password))
    if (prepared.password !== null) createdWithPassword = tenant
  }
  // Without an application an error was recorded, and the checks above have thrown it.
  if (app === null || found === null) throw new ApiError(400, body.errors)
  const registration = newRegistration(input, app, c.get('nowMillis'), { skipVerification })
  statements.push(store.registrationInsertStatement(user.id, registration))
  const registered: User = { ...user, registrations: [...(user.registrations ?? []), registration] }
  // A user created with a password is logged in, as FusionAuth answers the combined registration.
  const login =
    createdWithPassword === null
      ? null
      : await registrationLogin(c.var.data, {
          tenant: createdWithPassword,
          application: app,
          user: registered,
          registration,
          ipAddress: clientIp(c, undefined),
        })
  statements.push(...(login?.writes ?? []))
  // A combined request is a user create too: FusionAuth sends user.create before user.registration.create.
  const source = requestEventSource(c)
  const events = [
    ...(createdUser ? userCreateEvents({ ...user, registrations: [] }, source) : []),
    ...registrationCreateEvents(registered, registration, source),
  ]
  await c.var.data.events.around(found.tenant, events, () =>
    commitUnique(c.var.data, statements, async () =>
      new Errors().field(
        'registration',
        '[duplicate]registration',
        `The User is already registered for the Application with Id [${registration.applicationId}].`,
      ),
    ),
  )
  if (login === null) return c.json({ registration, user: registered })
  await login.record()
  const { tokens } = login
  setAccessTokenCookie(c, tokens.token)
  if (tokens.refreshToken !== undefined) setRefreshTokenCookie(c, tokens.refreshToken, tokens.refreshTokenTtlSeconds ?? 0)
  return fusionJson(c, {
    ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken, refreshTokenId: tokens.refreshTokenId }),
    registration,
    token: tokens.token,
    tokenExpirationInstant: tokens.tokenExpirationInstant,
    user: registered,
  })
}

/** PUT (replace the settable fields) and PATCH (merge them); the application id comes from the path or the body. */
async function update(c: Context<AppEnv>, mode: 'replace' | 'merge'): Promise<Response> {
  const { user } = await findScopedUser(c, c.req.param('userId') ?? '')
  const body = FieldReader.body(await readJson(c))
  const reader = requiredObject(body, 'registration')
  const pathApplicationId = c.req.param('applicationId')?.toLowerCase()
  const requested = readRegistration(reader)
  const applicationId = pathApplicationId ?? requested.applicationId
  requireApplicationId(applicationId, body.errors)
  body.errors.throwIfAny()

  const existing = findRegistration(user, applicationId ?? '')
  const source = mode === 'merge' ? mergePatch(settable(existing), settable(reader.source)) : reader.source
  const input = mode === 'merge' ? readRegistration(new FieldReader(source, body.errors, 'registration')) : requested
  const found = await c.var.data.applications.getWithTenant(existing.applicationId)
  if (found !== null) checkRoles(found.application, input.fields.roles, 'registration.roles', body.errors)
  body.errors.throwIfAny()

  const updated = replaceRegistration(existing, input.fields, c.get('nowMillis'))
  if (requested.verified !== undefined && requested.verified !== existing.verified) {
    updated.verified = requested.verified
    if (requested.verified) updated.verifiedInstant = c.get('nowMillis')
  }
  const registrations = (user.registrations ?? []).map((r) => (r.applicationId === updated.applicationId ? updated : r))
  const events = registrationUpdateEvents({ ...user, registrations }, existing, updated, requestEventSource(c))
  const tenant = found?.tenant ?? (await loadTenant(c, user.tenantId))
  await c.var.data.events.around(tenant, events, () => c.var.data.commit([c.var.data.users.registrationUpdateStatement(user.id, updated)]))
  return c.json({ registration: updated })
}

function findRegistration(user: User, applicationId: string): Registration {
  const registration = user.registrations?.find((r) => r.applicationId === applicationId.toLowerCase())
  if (registration === undefined) throw notFound()
  return registration
}

function requireApplicationId(applicationId: string | undefined, errors: Errors): void {
  const path = 'registration.applicationId'
  if (applicationId === undefined && !errors.has(path)) errors.field(path, codes.blank(path).code, codes.blank(path).message)
}

/** The application when it exists in the tenant; `[invalid]registration.applicationId` otherwise. */
function checkApplication(
  application: Application | null,
  requestedId: string | undefined,
  tenantId: string,
  errors: Errors,
): Application | null {
  if (requestedId === undefined) return null
  if (application !== null && application.tenantId === tenantId) return application
  const path = 'registration.applicationId'
  errors.field(path, `[invalid]${path}`, `The [${path}] property is not valid. No Application exists with Id [${requestedId}].`)
  return null
}

const settable = (source: JsonObject): JsonObject => {
  const picked: JsonObject = {}
  for (const name of REGISTRATION_FIELDS) if (source[name] !== undefined) picked[name] = source[name]
  return picked
}
