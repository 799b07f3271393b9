/**
 * `POST /api/user/import`: bulk import with existing hashes (stored as given) or plaintext passwords (hashed),
 * registrations, and two-factor methods with recovery codes. Answers 200 with no body.
 *
 * Every row goes in ONE D1 batch, which is one transaction: a uniqueness failure (FusionAuth answers 500 there
 * unless `validateDbConstraints`) rolls the whole import back and is answered 400, so a failed import never
 * leaves half its users behind. Each statement binds one row (12 parameters), or up to 98 recovery codes plus two,
 * under D1's 100; the batch size is bounded by MAX_IMPORT_USERS and the 1 MB body limit.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import type { Application } from '../domain/application'
import { secretBox } from '../domain/crypto/encryption'
import { hashPassword, type StoredPassword } from '../domain/password'
import type { Tenant } from '../domain/tenant'
import { loginKey } from '../domain/user'
import { toPublicMethod } from '../domain/two-factor/methods'
import { hashRecoveryCode, recoveryCodeKey } from '../domain/two-factor/recovery-codes'
import { type ImportedUser, MAX_IMPORT_PLAINTEXT_PASSWORDS, MAX_IMPORT_USERS, readImportUser } from '../domain/user-import'
import type { ImportedTwoFactor } from '../domain/user-import-two-factor'
import { readFactor, requestedHashSettings, tenantHashSettings } from '../domain/user-password'
import type { AppEnv } from '../env'
import { requestTenantId, requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { Errors, tenantIdRequired } from '../http/errors'
import { FieldReader, isObject, isUuid } from '../http/fields'
import { requestEventSource } from '../http/event-info'
import { emptyOk } from '../http/responses'
import { userBulkCreateEvent } from '../domain/events/user-events'
import type { User } from '../domain/user'
import type { DataContext, PendingWrite } from '../store/data-context'
import { commitUnique } from './admin-common'

/** Distinct applications one import may register users for (each is one lookup). */
const MAX_IMPORT_APPLICATIONS = 100

export const userImportRoutes = new Hono<AppEnv>()

userImportRoutes.post('/api/user/import', requireApiKey(), async (c) => {
  const body = FieldReader.body(await readJson(c))
  const errors = body.errors
  const rawUsers = readUserList(body)
  const validateDbConstraints = body.boolean('validateDbConstraints') === true
  const scheme = body.string('encryptionScheme')
  const factor = readFactor(body.source, 'factor', 'factor', errors)
  errors.throwIfAny()

  const tenants = await loadTenants(c, rawUsers, errors)
  const applications = await loadApplications(c, rawUsers, errors)
  errors.throwIfAny()

  const requested = { ...(scheme === undefined ? {} : { scheme }), ...(factor === undefined ? {} : { factor }) }
  const imported: ImportedUser[] = []
  rawUsers.forEach((raw, i) => {
    const tenant = tenants[i]
    if (tenant === undefined) return
    if (!isObject(raw)) {
      errors.field(`users[${i}]`, `[invalid]users[${i}]`, `Invalid [users[${i}]] property. Expected an object.`)
      return
    }
    const plaintext =
      requestedHashSettings(tenant, requested, { scheme: 'encryptionScheme', factor: 'factor' }, new Errors()) ?? tenantHashSettings(tenant)
    const lookups = { tenant, applications, plaintext, nowMillis: c.get('nowMillis') }
    imported.push(readImportUser(new FieldReader(raw, errors, `users[${i}]`), lookups))
  })
  // Top-level scheme/factor errors are reported once, not per user.
  if (Object.keys(requested).length > 0 && tenants[0] !== undefined) {
    requestedHashSettings(tenants[0], requested, { scheme: 'encryptionScheme', factor: 'factor' }, errors)
  }
  checkBatchDuplicates(imported, errors)
  const plaintextCount = imported.filter((entry) => entry.password?.kind === 'plaintext').length
  if (plaintextCount > MAX_IMPORT_PLAINTEXT_PASSWORDS) {
    errors.field(
      'users',
      '[tooMany]users',
      `At most ${MAX_IMPORT_PLAINTEXT_PASSWORDS} users with plaintext passwords can be imported per request; import hashes or split the request.`,
    )
  }
  if (validateDbConstraints && errors.empty) await checkDatabaseDuplicates(c, imported, errors)
  errors.throwIfAny()

  const store = c.var.data.users
  const statements: PendingWrite[] = []
  const twoFactor = new TwoFactorWriter(c.var.data)
  for (const entry of imported) {
    let stored: StoredPassword | null = null
    if (entry.password?.kind === 'hashed') stored = entry.password.stored
    if (entry.password?.kind === 'plaintext')
      stored = await hashPassword(entry.password.value, entry.password.settings.scheme, entry.password.settings.factor)
    statements.push(store.insertStatement(entry.user, stored))
    for (const registration of entry.registrations) statements.push(store.registrationInsertStatement(entry.user.id, registration))
    // Same batch as the user row, so a failed import leaves no orphaned methods or codes behind.
    if (entry.twoFactor !== null) statements.push(...(await twoFactor.statements(entry.user.id, entry.twoFactor)))
  }
  const commit = () =>
    commitUnique(c.var.data, statements, async () =>
      new Errors().general(
        '[duplicate]',
        'A user in the request has the Id, email or username of an existing user, or a registration Id already in use. Nothing was imported. Repeat the request with validateDbConstraints=true to learn which.',
      ),
    )
  await aroundBulkCreate(c, tenants, imported, commit)
  return emptyOk(c)
})

/**
 * One `user.bulk.create` per tenant the import touches (FusionAuth sends it, never a user.create per user), each
 * around the one commit: every tenant's transactional webhooks must accept before anything is stored.
 */
function aroundBulkCreate(
  c: Context<AppEnv>,
  tenants: (Tenant | undefined)[],
  imported: ImportedUser[],
  commit: () => Promise<void>,
): Promise<void> {
  const byTenant = new Map<string, { tenant: Tenant; users: User[] }>()
  for (const tenant of tenants) if (tenant !== undefined && !byTenant.has(tenant.id)) byTenant.set(tenant.id, { tenant, users: [] })
  for (const entry of imported) {
    byTenant.get(entry.user.tenantId)?.users.push({ ...entry.user, registrations: entry.registrations, ...twoFactorView(entry) })
  }
  const source = requestEventSource(c)
  // Nested: the first tenant's delivery wraps the second's, which wraps the commit.
  return [...byTenant.values()].reduce<() => Promise<void>>(
    (inner, { tenant, users }) =>
      () =>
        c.var.data.events.around(tenant, users.length === 0 ? [] : [userBulkCreateEvent(tenant.id, users, source)], inner),
    commit,
  )()
}

/** The imported user's `twoFactor` as the User API shows it (public method views, no secrets). */
function twoFactorView(entry: ImportedUser): Partial<User> {
  const methods = entry.twoFactor?.methods ?? []
  return methods.length === 0 ? {} : { twoFactor: { methods: methods.map(publicView) } }
}

const publicView = (method: ImportedTwoFactor['methods'][number]) =>
  toPublicMethod(
    method.method === 'email'
      ? { id: method.id, method: 'email', email: method.email, name: method.name }
      : { id: method.id, method: 'authenticator', name: method.name },
  )

function readUserList(body: FieldReader): unknown[] {
  const raw = body.source.users
  if (raw === undefined || raw === null) {
    body.errors.field('users', '[missing]users', 'You must specify the [users] property.')
    return []
  }
  if (!Array.isArray(raw)) {
    body.errors.field('users', '[invalid]users', 'Invalid [users] property. Expected an array.')
    return []
  }
  if (raw.length === 0) body.errors.field('users', '[blank]users', 'You must specify at least one user in the [users] property.')
  if (raw.length > MAX_IMPORT_USERS) {
    body.errors.field('users', '[tooMany]users', `At most ${MAX_IMPORT_USERS} users can be imported per request; split the import.`)
  }
  return raw
}

/**
 * The tenant of each user, by index: the request's (header or locked key) for all, else each user's `tenantId`,
 * else the only tenant; with several tenants and none named, FusionAuth's `[TenantIdRequired]`.
 */
async function loadTenants(c: Context<AppEnv>, users: unknown[], errors: Errors): Promise<(Tenant | undefined)[]> {
  const store = c.var.data.tenants
  const scoped = requestTenantId(c)
  const named = users.map((raw) => scoped ?? (isObject(raw) && isUuid(raw.tenantId) ? raw.tenantId.toLowerCase() : null))
  let sole: string | null = null
  if (named.some((id) => id === null)) {
    sole = await store.soleTenantId()
    if (sole === null) throw tenantIdRequired()
  }
  const cache = new Map<string, Tenant | null>()
  const result: (Tenant | undefined)[] = []
  for (const [i, id] of named.entries()) {
    const tenantId = id ?? sole ?? ''
    if (!cache.has(tenantId)) cache.set(tenantId, await store.get(tenantId))
    const tenant = cache.get(tenantId) ?? null
    if (tenant === null) {
      const path = scoped === null ? `users[${i}].tenantId` : 'tenantId'
      if (!errors.has(path)) errors.field(path, `[invalid]${path}`, `No Tenant exists with Id [${tenantId}].`)
    }
    result.push(tenant ?? undefined)
  }
  return result
}

/** Every application named by a registration in the request, by id (unknown ids are simply absent). */
async function loadApplications(c: Context<AppEnv>, users: unknown[], errors: Errors): Promise<Map<string, Application>> {
  const ids = new Set<string>()
  for (const raw of users) {
    if (!isObject(raw) || !Array.isArray(raw.registrations)) continue
    for (const registration of raw.registrations) {
      if (isObject(registration) && isUuid(registration.applicationId)) ids.add(registration.applicationId.toLowerCase())
    }
  }
  const found = new Map<string, Application>()
  if (ids.size > MAX_IMPORT_APPLICATIONS) {
    errors.field('users', '[tooMany]users', `Registrations in one import may name at most ${MAX_IMPORT_APPLICATIONS} applications.`)
    return found
  }
  const store = c.var.data.applications
  for (const id of ids) {
    const application = await store.get(id)
    if (application !== null) found.set(id, application)
  }
  return found
}

/**
 * Statements storing an imported user's two-factor data the way enabling it through the API does: TOTP keys
 * encrypted with SecretBox, recovery codes as keyed hashes, and the user's public `twoFactor` view rebuilt.
 */
class TwoFactorWriter {
  constructor(private readonly data: DataContext) {}

  async statements(userId: string, twoFactor: ImportedTwoFactor): Promise<PendingWrite[]> {
    if (twoFactor.methods.length === 0) return []
    const { twoFactor: store, nowMillis } = this.data
    const statements: PendingWrite[] = []
    for (const [index, method] of twoFactor.methods.entries()) {
      const secretEncrypted =
        method.method === 'authenticator' ? await (await secretBox(this.data.encryptionKey)).encrypt(method.keyBytes) : null
      const view = publicView(method)
      // Consecutive instants keep the request's order: the user's view lists methods by insert instant.
      statements.push(store.insertMethodStatement(userId, { view, secretEncrypted, lastStep: null }, nowMillis + index))
    }
    const key = await recoveryCodeKey(this.data.encryptionKey)
    const hashes = await Promise.all(twoFactor.recoveryCodes.map((code) => hashRecoveryCode(code, key)))
    statements.push(...store.insertRecoveryCodesStatements(userId, hashes, nowMillis), store.userViewStatement(userId))
    return statements
  }
}

/** Two users of one request with the same id, or the same email or username in one tenant. */
function checkBatchDuplicates(imported: ImportedUser[], errors: Errors): void {
  const seen = new Set<string>()
  imported.forEach(({ user }, i) => {
    const keys: [string, string, string | undefined][] = [
      ['id', `id|${user.id}`, user.id],
      ['email', `email|${user.tenantId}|${user.email === undefined ? '' : loginKey(user.email)}`, user.email],
      ['username', `username|${user.tenantId}|${user.username === undefined ? '' : loginKey(user.username)}`, user.username],
    ]
    for (const [field, key, value] of keys) {
      if (value === undefined) continue
      if (seen.has(key))
        errors.field(
          `users[${i}].${field}`,
          `[duplicate]users[${i}].${field}`,
          `The [users[${i}].${field}] value [${value}] appears more than once in the request.`,
        )
      seen.add(key)
    }
  })
}

/** validateDbConstraints: ids, emails and usernames that already exist in the database. */
async function checkDatabaseDuplicates(c: Context<AppEnv>, imported: ImportedUser[], errors: Errors): Promise<void> {
  const store = c.var.data.users
  const takenIds = await store.existingIds(imported.map(({ user }) => user.id))
  const byTenant = new Map<string, ImportedUser[]>()
  for (const entry of imported) byTenant.set(entry.user.tenantId, [...(byTenant.get(entry.user.tenantId) ?? []), entry])
  const taken = new Set<string>()
  for (const [tenantId, entries] of byTenant) {
    for (const kind of ['email', 'username'] as const) {
      const keys = entries.flatMap(({ user }) => (user[kind] === undefined ? [] : [loginKey(user[kind])]))
      for (const key of await store.takenLoginKeys(tenantId, kind, keys)) taken.add(`${kind}|${tenantId}|${key}`)
    }
  }
  imported.forEach(({ user }, i) => {
    if (takenIds.has(user.id)) errors.field(`users[${i}].id`, `[duplicate]users[${i}].id`, `A User with Id [${user.id}] already exists.`)
    for (const kind of ['email', 'username'] as const) {
      const value = user[kind]
      if (value !== undefined && taken.has(`${kind}|${user.tenantId}|${loginKey(value)}`)) {
        errors.field(`users[${i}].${kind}`, `[duplicate]users[${i}].${kind}`, `A User with ${kind} = [${value}] already exists.`)
      }
    }
  })
}
