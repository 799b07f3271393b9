/**
 * One entry of `POST /api/user/import`: profile fields, an existing hash stored exactly as given (so it verifies
 * unchanged) or a plaintext password to hash, registrations, and two-factor methods with recovery codes. Pure: tenants and applications are looked up
 * by the caller beforehand; nothing is hashed or written here.
 */
import { base64ToBytes } from './crypto/encoding'
import { FieldReader, isObject } from '../http/fields'
import type { Application } from './application'
import { defaultFactor, factorError, isPasswordScheme, MAX_PASSWORD_LENGTH, splitBcrypt, type StoredPassword } from './password'
import type { Tenant } from './tenant'
import type { Registration, User } from './user'
import { type ImportedTwoFactor, readImportTwoFactor } from './user-import-two-factor'
import { readUserFields, requireLoginIdentity } from './user-input'
import { type HashSettings, readFactor, tenantHashSettings } from './user-password'
import { checkRoles, newRegistration, readRegistration } from './user-registration'

/** Largest import accepted in one request (the 1 MB body limit allows about this many small users). */
export const MAX_IMPORT_USERS = 5_000

/**
 * Plaintext passwords are hashed one by one at the tenant's factor (up to 100,000 PBKDF2 iterations, tens of
 * milliseconds each), so one request takes at most this many to stay well inside the Worker's CPU budget.
 */
export const MAX_IMPORT_PLAINTEXT_PASSWORDS = 100

export type ImportPassword = { kind: 'hashed'; stored: StoredPassword } | { kind: 'plaintext'; value: string; settings: HashSettings }

export interface ImportedUser {
  user: User
  password: ImportPassword | null
  registrations: Registration[]
  /** Two-factor methods and recovery codes the user brings (see user-import-two-factor.ts), or null. */
  twoFactor: ImportedTwoFactor | null
}

export interface ImportLookups {
  tenant: Tenant
  /** The applications the request's registrations name, by id, looked up beforehand (unknown ids are absent). */
  applications: ReadonlyMap<string, Application>
  /** Scheme and factor for plaintext passwords in this tenant (the request's top-level values, else the tenant's). */
  plaintext: HashSettings
  nowMillis: number
}

/** Reads one user of an import; problems go to the reader's Errors under `users[i]...` paths. */
export function readImportUser(reader: FieldReader, lookups: ImportLookups): ImportedUser {
  const { tenant, nowMillis } = lookups
  const fields = readUserFields(reader)
  requireLoginIdentity(reader, fields)
  const id = reader.uuid('id') ?? crypto.randomUUID()
  const verified = reader.boolean('verified') ?? false
  const changeRequired = fields.profile.passwordChangeRequired === true
  const user: User = {
    ...fields.profile,
    id,
    tenantId: tenant.id,
    // The docs give `false` as the default, but an imported user that cannot log in is never what a migration
    // wants; FusionAuth's own examples always send `true`.
    active: reader.boolean('active') ?? true,
    verified,
    passwordChangeRequired: changeRequired,
    usernameStatus: typeof fields.profile.usernameStatus === 'string' ? fields.profile.usernameStatus : 'ACTIVE',
    insertInstant: reader.integer('insertInstant') ?? nowMillis,
    lastUpdateInstant: nowMillis,
  }
  if (changeRequired) user.passwordChangeReason ??= 'Administrative'
  if (verified) user.verifiedInstant = reader.integer('verifiedInstant') ?? nowMillis
  const password = readImportPassword(reader, lookups)
  if (password !== null) {
    user.passwordLastUpdateInstant = password.kind === 'hashed' ? (reader.integer('passwordLastUpdateInstant') ?? nowMillis) : nowMillis
  }
  return { user, password, registrations: readImportRegistrations(reader, lookups), twoFactor: readImportTwoFactor(reader) }
}

function readImportPassword(reader: FieldReader, lookups: ImportLookups): ImportPassword | null {
  const passwordPath = reader.path('password')
  const password = reader.string('password')
  const scheme = reader.string('encryptionScheme')
  const factor = readFactor(reader.source, 'factor', reader.path('factor'), reader.errors)
  const salt = reader.string('salt')
  if (password === undefined || password === '') return null
  if (scheme === undefined) {
    if (password.length > MAX_PASSWORD_LENGTH) {
      reader.errors.field(
        passwordPath,
        `[tooLong]${passwordPath}`,
        `The [${passwordPath}] property is longer than the maximum of [${MAX_PASSWORD_LENGTH}] characters.`,
      )
      return null
    }
    return { kind: 'plaintext', value: password, settings: lookups.plaintext }
  }
  const schemePath = reader.path('encryptionScheme')
  if (!isPasswordScheme(scheme)) {
    reader.errors.field(
      schemePath,
      `[invalid]${schemePath}`,
      `The [${schemePath}] property is not a supported encryption scheme [${scheme}].`,
    )
    return null
  }
  const tenantSettings = tenantHashSettings(lookups.tenant)
  let stored: StoredPassword = {
    scheme,
    hash: password,
    salt: salt ?? '',
    factor: factor ?? (scheme === tenantSettings.scheme ? tenantSettings.factor : defaultFactor(scheme)),
  }
  const saltPath = reader.path('salt')
  if (scheme === 'bcrypt') {
    // A whole `$2a$10$...` string is accepted in `password` when no salt is given, as a convenience.
    const split = salt === undefined ? splitBcrypt(password) : null
    if (split !== null) stored = { scheme, hash: split.hash, salt: split.salt, factor: factor ?? split.factor }
    if (!/^[./A-Za-z0-9]{22}$/.test(stored.salt))
      reader.errors.field(saltPath, `[invalid]${saltPath}`, `The [${saltPath}] property must be the 22-character bcrypt salt.`)
    if (!/^[./A-Za-z0-9]{31}$/.test(stored.hash))
      reader.errors.field(passwordPath, `[invalid]${passwordPath}`, `The [${passwordPath}] property must be the 31-character bcrypt hash.`)
  } else if (salt === undefined) {
    reader.errors.field(saltPath, `[blank]${saltPath}`, `You must specify the [${saltPath}] property when [${schemePath}] is given.`)
  } else if (!isBase64(salt)) {
    reader.errors.field(saltPath, `[invalid]${saltPath}`, `The [${saltPath}] property must be Base64.`)
  }
  const problem = factorError(stored.scheme, stored.factor)
  if (problem !== null) {
    const factorPath = reader.path('factor')
    reader.errors.field(factorPath, `[invalid]${factorPath}`, problem)
  }
  return { kind: 'hashed', stored }
}

function readImportRegistrations(reader: FieldReader, lookups: ImportLookups): Registration[] {
  const raw = reader.source.registrations
  if (raw === undefined || raw === null) return []
  const listPath = reader.path('registrations')
  if (!Array.isArray(raw)) {
    reader.errors.field(listPath, `[invalid]${listPath}`, `Invalid [${listPath}] property. Expected an array.`)
    return []
  }
  const registrations: Registration[] = []
  const seen = new Set<string>()
  raw.forEach((entry: unknown, j) => {
    const path = `${listPath}[${j}]`
    if (!isObject(entry)) {
      reader.errors.field(path, `[invalid]${path}`, `Invalid [${path}] property. Expected an object.`)
      return
    }
    const registration = new FieldReader(entry, reader.errors, path)
    const input = readRegistration(registration)
    const appPath = `${path}.applicationId`
    if (input.applicationId === undefined) {
      if (!reader.errors.has(appPath)) reader.errors.field(appPath, `[blank]${appPath}`, `You must specify the [${appPath}] property.`)
      return
    }
    const application = lookups.applications.get(input.applicationId)
    if (application === undefined || application.tenantId !== lookups.tenant.id) {
      reader.errors.field(
        appPath,
        `[invalid]${appPath}`,
        `The [${appPath}] property is not valid. No Application exists with Id [${input.applicationId}].`,
      )
      return
    }
    if (seen.has(application.id)) {
      reader.errors.field(
        appPath,
        `[duplicate]${appPath}`,
        `The User is registered more than once for the Application with Id [${application.id}].`,
      )
      return
    }
    seen.add(application.id)
    checkRoles(application, input.fields.roles, `${path}.roles`, reader.errors)
    registrations.push(newRegistration(input, application, lookups.nowMillis))
  })
  return registrations
}

function isBase64(value: string): boolean {
  if (value === '') return true
  try {
    base64ToBytes(value)
    return true
  } catch {
    return false
  }
}
