/**
 * `/api/user`: create, retrieve (by id, email, username or loginId; or its own user with a JWT), update (PUT replaces the profile, PATCH
 * merges), deactivate (revoking refresh tokens) / hard delete, reactivate, in FusionAuth's wire format. Password material never leaves:
 * it lives beside the user in the store, never in the User JSON.
 *
 * Paths take the id through a UUID pattern so sibling families (`/api/user/import`, `/api/user/change-password`,
 * `/api/user/two-factor/...`) never fall into these handlers, and the API-key middleware is attached per route,
 * never to `/api/user/*`, because some siblings are anonymous.
 */
import { UUID_SEGMENT } from '../http/path'
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import type { StoredPassword } from '../domain/password'
import { hashPassword } from '../domain/password'
import type { Tenant } from '../domain/tenant'
import type { User } from '../domain/user'
import { mergePatch } from '../domain/json-merge'
import { userRevocationEvents } from '../domain/refresh-token-revocation'
import { passwordChangeEvents, userChangeEvents, userCreateEvents, userDeleteEvents } from '../domain/events/user-events'
import { setUserActive } from '../domain/user-activation'
import { profileOf, PROFILE_FIELDS, readUserFields, requireLoginIdentity, type UserFields, userReader } from '../domain/user-input'
import { checkPasswordRules, type HashSettings, readFactor, requestedHashSettings } from '../domain/user-password'
import type { AppEnv } from '../env'
import { authenticateApiKey, requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { Errors, fieldError, notFound, unauthorized } from '../http/errors'
import { FieldReader, isUuid } from '../http/fields'
import { authenticateJwt } from '../http/jwt-auth'
import { requestEventSource } from '../http/event-info'
import { emptyOk } from '../http/responses'
import { assertSameTenant, resolveTenantId } from '../http/tenant'
import type { PendingWrite } from '../store/data-context'
import type { LoginIdType, UserRecord } from '../store/user-store'
import { commitUnique } from './admin-common'

/** A path segment that is a UUID (Hono `:name{pattern}`). */

export const userRoutes = new Hono<AppEnv>()
const byId = `/api/user/:id{${UUID_SEGMENT}}`

userRoutes.post('/api/user', requireApiKey(), (c) => createUser(c, crypto.randomUUID()))
userRoutes.post(byId, requireApiKey(), (c) => createUser(c, c.req.param('id').toLowerCase()))

/**
 * With an API key: the user named by `loginId`, `email` or `username`. Without one, a JWT (Bearer header or
 * `access_token` cookie) retrieves its own user, as the official client's `retrieveUserUsingJWT` does:
 * 401 when the token does not verify or belongs to another tenant than the request names, 404 when its user is gone.
 */
userRoutes.get('/api/user', async (c) => {
  const principal = await authenticateApiKey(c)
  if (principal === null) return c.json({ user: await jwtUser(c) })
  c.set('apiKey', principal)
  const tenantId = await resolveTenantId(c)
  const store = c.var.data.users
  const email = c.req.query('email')
  const username = c.req.query('username')
  const loginId = c.req.query('loginId')
  let record: UserRecord | null = null
  if (loginId !== undefined) record = await store.findByIdentity(tenantId, loginId, loginIdTypes(c))
  else if (email !== undefined) record = await store.findByIdentity(tenantId, email, ['email'])
  else if (username !== undefined) record = await store.findByIdentity(tenantId, username, ['username'])
  if (record === null) throw notFound()
  return c.json({ user: record.user })
})

userRoutes.get(byId, requireApiKey(), async (c) => c.json({ user: (await findScopedUser(c, c.req.param('id'))).user }))

userRoutes.put(byId, requireApiKey(), async (c) => {
  const existing = await findScopedUser(c, c.req.param('id'))
  if (c.req.query('reactivate') === 'true') return c.json({ user: await setActive(c, existing.user, true) })
  const body = FieldReader.body(await readJson(c))
  const user = userReader(body)
  return c.json({ user: await saveProfile(c, existing, body, user, user) })
})

userRoutes.patch(byId, requireApiKey(), async (c) => {
  const existing = await findScopedUser(c, c.req.param('id'))
  const body = FieldReader.body(await readJson(c))
  const patch = userReader(body)
  // The merged profile is validated as if it had been PUT; password fields come from the patch alone.
  const merged = new FieldReader(mergePatch(profileOf(existing.user), profileOf(patch.source)), body.errors, 'user')
  return c.json({ user: await saveProfile(c, existing, body, merged, patch) })
})

userRoutes.delete(byId, requireApiKey(), async (c) => {
  const existing = await findScopedUser(c, c.req.param('id'))
  if (c.req.query('hardDelete') === 'true') {
    const tenant = await loadTenant(c, existing.user.tenantId)
    // Registrations and refresh tokens go with the row (ON DELETE CASCADE); the tokens' revocation is told too.
    const source = requestEventSource(c)
    const events = [
      ...userDeleteEvents(existing.user, source),
      ...(await userRevocationEvents(c.var.data, tenant, { userId: existing.user.id, user: existing.user }, source)),
    ]
    const deleted = await c.var.data.events.around(tenant, events, () => c.var.data.users.delete(existing.user.id))
    if (!deleted) throw notFound()
  } else {
    await setActive(c, existing.user, false)
  }
  return emptyOk(c)
})

/**
 * The user of the request's JWT: 401 when there is none or authenticateJwt refuses it (another tenant than
 * the request's included), 404 when its user is gone or is not in the token's tenant.
 */
async function jwtUser(c: Context<AppEnv>): Promise<User> {
  const verified = await authenticateJwt(c)
  if (verified === null || !isUuid(verified.claims.sub)) throw unauthorized()
  const record = await c.var.data.users.get(verified.claims.sub.toLowerCase())
  if (record === null || record.user.tenantId !== verified.tenant.id) throw notFound()
  return record.user
}

/** The user with this id when the request may see it: 404 when absent or in another tenant than the request's. */
export async function findScopedUser(c: Context<AppEnv>, id: string): Promise<UserRecord> {
  const record = await c.var.data.users.get(id.toLowerCase())
  if (record === null) throw notFound()
  assertSameTenant(c, record.user.tenantId)
  return record
}

/** The tenant a request acts in; an id naming no tenant is `[invalid]tenantId`. */
export async function loadTenant(c: Context<AppEnv>, tenantId: string): Promise<Tenant> {
  const tenant = await c.var.data.tenants.get(tenantId)
  if (tenant === null) throw fieldError('tenantId', { code: '[invalid]tenantId', message: `No Tenant exists with Id [${tenantId}].` })
  return tenant
}

/** `loginIdTypes` (repeated or comma-separated); email and username when absent. */
function loginIdTypes(c: Context<AppEnv>): LoginIdType[] {
  const requested = (c.req.queries('loginIdTypes') ?? []).flatMap((value) => value.split(','))
  if (requested.length === 0) return ['email', 'username']
  return requested.filter((type): type is LoginIdType => type === 'email' || type === 'username')
}

export interface NewUser {
  user: User
  password: StoredPassword | null
}

/**
 * Validates the `user` of a create request (user or combined registration) and builds the user to insert,
 * hashing its password; throws a 400 with every problem found. Nothing is written.
 */
export async function prepareNewUser(c: Context<AppEnv>, tenant: Tenant, body: FieldReader, id: string): Promise<NewUser> {
  const user = userReader(body)
  const fields = readUserFields(user)
  requireLoginIdentity(user, fields)
  const verified = user.boolean('verified')
  const skipVerification = body.boolean('skipVerification') === true
  const sendSetPasswordEmail = body.boolean('sendSetPasswordEmail') === true
  const password = readNewPassword(tenant, user, !sendSetPasswordEmail)
  await checkUnique(c, tenant.id, fields, id, true, body.errors)
  body.errors.throwIfAny()

  const now = c.get('nowMillis')
  const isVerified = skipVerification || (verified ?? !tenant.emailConfiguration.verifyEmail)
  const stored = password === null ? null : await hashPassword(password.value, password.settings.scheme, password.settings.factor)
  const created: User = {
    ...fields.profile,
    id,
    tenantId: tenant.id,
    active: true,
    verified: isVerified,
    passwordChangeRequired: fields.profile.passwordChangeRequired === true,
    usernameStatus: typeof fields.profile.usernameStatus === 'string' ? fields.profile.usernameStatus : 'ACTIVE',
    insertInstant: now,
    lastUpdateInstant: now,
  }
  if (created.passwordChangeRequired) created.passwordChangeReason ??= 'Administrative'
  if (isVerified) created.verifiedInstant = now
  if (stored !== null) created.passwordLastUpdateInstant = now
  return { user: created, password: stored }
}

async function createUser(c: Context<AppEnv>, id: string): Promise<Response> {
  const body = FieldReader.body(await readJson(c))
  body.uuid('applicationId')
  const tenant = await loadTenant(c, await resolveTenantId(c))
  const { user, password } = await prepareNewUser(c, tenant, body, id)
  const store = c.var.data.users
  const created: User = { ...user, registrations: [] }
  await c.var.data.events.around(tenant, userCreateEvents(created, requestEventSource(c)), () =>
    commitUnique(c.var.data, [store.insertStatement(user, password)], () =>
      checkUnique(c, tenant.id, fieldsOf(user), user.id, true, new Errors()),
    ),
  )
  return c.json({ user: created })
}

/** PUT and PATCH: replace the profile fields, keep everything server-owned, re-hash when a password is given. */
async function saveProfile(
  c: Context<AppEnv>,
  existing: UserRecord,
  body: FieldReader,
  profile: FieldReader,
  passwordSource: FieldReader,
): Promise<User> {
  const tenant = await loadTenant(c, existing.user.tenantId)
  const fields = readUserFields(profile)
  requireLoginIdentity(profile, fields)
  const password = readNewPassword(tenant, passwordSource, false)
  await checkUnique(c, tenant.id, fields, existing.user.id, false, body.errors)
  body.errors.throwIfAny()

  const now = c.get('nowMillis')
  const { registrations, lastLoginInstant, ...kept } = existing.user
  for (const name of PROFILE_FIELDS) delete kept[name]
  const updated: User = {
    ...kept,
    ...fields.profile,
    passwordChangeRequired: fields.profile.passwordChangeRequired === true,
    lastUpdateInstant: now,
  }
  if (!updated.passwordChangeRequired) delete updated.passwordChangeReason
  else updated.passwordChangeReason ??= 'Administrative'
  if (body.boolean('skipVerification') === true && !updated.verified) {
    updated.verified = true
    updated.verifiedInstant = now
  }
  const store = c.var.data.users
  const statements: PendingWrite[] = []
  if (password !== null) {
    updated.passwordLastUpdateInstant = now
    statements.push(
      store.passwordStatement(updated.id, await hashPassword(password.value, password.settings.scheme, password.settings.factor)),
    )
  }
  statements.unshift(store.updateStatement(updated))
  const rendered: User = { ...updated, registrations: registrations ?? [], ...(lastLoginInstant === undefined ? {} : { lastLoginInstant }) }
  const source = requestEventSource(c)
  // FusionAuth sends user.password.update for any change of the password, an administrator's included.
  const events = [
    ...userChangeEvents(existing.user, rendered, source),
    ...(password === null ? [] : passwordChangeEvents(rendered, source, false)),
  ]
  await c.var.data.events.around(tenant, events, () =>
    commitUnique(c.var.data, statements, () => checkUnique(c, tenant.id, fieldsOf(updated), updated.id, false, new Errors())),
  )
  return rendered
}

/** Deactivates or reactivates the user, in its tenant (domain/user-activation.ts). */
async function setActive(c: Context<AppEnv>, user: User, active: boolean): Promise<User> {
  return setUserActive(c.var.data, await loadTenant(c, user.tenantId), user, active, requestEventSource(c))
}

interface NewPassword {
  value: string
  settings: HashSettings
}

/** `user.password` (with optional `encryptionScheme` / `factor`) checked against the tenant's rules. */
function readNewPassword(tenant: Tenant, user: FieldReader, required: boolean): NewPassword | null {
  const path = user.path('password')
  const value = user.string('password')
  if (value === undefined || value === '') {
    if (required && !user.errors.has(path)) user.errors.field(path, `[blank]${path}`, `You must specify the [${path}] property.`)
    return null
  }
  checkPasswordRules(value, tenant.passwordValidationRules, path, user.errors)
  const scheme = user.string('encryptionScheme')
  const factor = readFactor(user.source, 'factor', user.path('factor'), user.errors)
  const settings = requestedHashSettings(
    tenant,
    { ...(scheme === undefined ? {} : { scheme }), ...(factor === undefined ? {} : { factor }) },
    { scheme: user.path('encryptionScheme'), factor: user.path('factor') },
    user.errors,
  )
  return settings === null ? null : { value, settings }
}

/** `[duplicate]userId`, `[duplicate]user.email`, `[duplicate]user.username` (emails and usernames per tenant, case-insensitively). */
async function checkUnique(
  c: Context<AppEnv>,
  tenantId: string,
  fields: UserFields,
  id: string,
  isNew: boolean,
  errors: Errors,
): Promise<Errors> {
  const store = c.var.data.users
  const [idTaken, emailTaken, usernameTaken] = await Promise.all([
    isNew ? store.idTaken(id) : Promise.resolve(false),
    fields.email === undefined || errors.has('user.email') ? Promise.resolve(false) : store.emailTaken(tenantId, fields.email, id),
    fields.username === undefined ? Promise.resolve(false) : store.usernameTaken(tenantId, fields.username, id),
  ])
  if (idTaken) errors.field('userId', '[duplicate]userId', `A User with Id [${id}] already exists.`)
  if (emailTaken) errors.field('user.email', '[duplicate]user.email', `A User with email = [${fields.email}] already exists.`)
  if (usernameTaken)
    errors.field('user.username', '[duplicate]user.username', `A User with username = [${fields.username}] already exists.`)
  return errors
}

const fieldsOf = (user: User): UserFields => ({
  profile: {},
  ...(user.email === undefined ? {} : { email: user.email }),
  ...(user.username === undefined ? {} : { username: user.username }),
})
