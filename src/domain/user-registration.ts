/**
 * A user's registration for an application, from a request's `registration` object (Registration API and
 * import): the client-settable fields, role checks against the application, and defaults.
 */
import type { FieldReader, JsonObject } from '../http/fields'
import type { Application } from './application'
import type { Registration } from './user'
import { USERNAME_STATUSES } from './user-input'

/** Client-settable registration fields; PUT replaces exactly these and keeps the rest. */
export const REGISTRATION_FIELDS: readonly string[] = ['roles', 'username', 'usernameStatus', 'data', 'preferredLanguages', 'timezone']

export interface RegistrationInput {
  id?: string
  applicationId?: string
  verified?: boolean
  insertInstant?: number
  lastLoginInstant?: number
  /** The settable fields present in the request (roles de-duplicated). */
  fields: JsonObject
}

/** Reads a registration object, recording type errors in the reader's Errors. */
export function readRegistration(reader: FieldReader): RegistrationInput {
  const input: RegistrationInput = { fields: {} }
  const id = reader.uuid('id')
  if (id !== undefined) input.id = id
  const applicationId = reader.uuid('applicationId')
  if (applicationId !== undefined) input.applicationId = applicationId
  const verified = reader.boolean('verified')
  if (verified !== undefined) input.verified = verified
  const insertInstant = reader.integer('insertInstant')
  if (insertInstant !== undefined) input.insertInstant = insertInstant
  const lastLoginInstant = reader.integer('lastLoginInstant')
  if (lastLoginInstant !== undefined) input.lastLoginInstant = lastLoginInstant

  const roles = reader.stringArray('roles')
  if (roles !== undefined) input.fields.roles = [...new Set(roles)]
  for (const name of ['username', 'timezone'] as const) {
    const value = reader.string(name)
    if (value !== undefined) input.fields[name] = value
  }
  const usernameStatus = reader.oneOf('usernameStatus', USERNAME_STATUSES)
  if (usernameStatus !== undefined) input.fields.usernameStatus = usernameStatus
  const languages = reader.stringArray('preferredLanguages')
  if (languages !== undefined) input.fields.preferredLanguages = languages
  const data = reader.rawObject('data')
  if (data !== undefined) input.fields.data = data
  return input
}

/** `[invalid]path` for every role that is not the name of one of the application's roles. */
export function checkRoles(application: Application, roles: unknown, path: string, errors: FieldReader['errors']): void {
  if (!Array.isArray(roles)) return
  const known = new Set(application.roles.map((role) => role.name))
  for (const role of roles) {
    if (typeof role === 'string' && !known.has(role)) {
      errors.field(
        path,
        `[invalid]${path}`,
        `The [${path}] property contains the role [${role}], which does not exist for the Application [${application.id}].`,
      )
    }
  }
}

/** Roles for a new registration: those given, else the application's default roles (FusionAuth's rule). */
export function initialRoles(application: Application, requested: unknown): string[] {
  if (Array.isArray(requested) && requested.length > 0) return requested.filter((role): role is string => typeof role === 'string')
  return application.roles.filter((role) => role.isDefault).map((role) => role.name)
}

/**
 * A new registration. Verified when asked (`skipRegistrationVerification` or an explicit `verified`), else
 * unless the application verifies registrations.
 */
export function newRegistration(
  input: RegistrationInput,
  application: Application,
  nowMillis: number,
  options: { skipVerification?: boolean } = {},
): Registration {
  const verified = options.skipVerification === true || (input.verified ?? !application.verifyRegistration)
  const registration: Registration = {
    ...input.fields,
    id: input.id ?? crypto.randomUUID(),
    applicationId: application.id,
    roles: initialRoles(application, input.fields.roles),
    verified,
    usernameStatus: typeof input.fields.usernameStatus === 'string' ? input.fields.usernameStatus : 'ACTIVE',
    insertInstant: input.insertInstant ?? nowMillis,
    lastUpdateInstant: nowMillis,
  }
  if (verified) registration.verifiedInstant = nowMillis
  if (input.lastLoginInstant !== undefined) registration.lastLoginInstant = input.lastLoginInstant
  return registration
}

/** The registration after a PUT (replace) or a merged PATCH: settable fields from `fields`, the rest kept. */
export function replaceRegistration(existing: Registration, fields: JsonObject, nowMillis: number): Registration {
  const kept: JsonObject = { ...existing }
  for (const name of REGISTRATION_FIELDS) delete kept[name]
  const roles = Array.isArray(fields.roles) ? fields.roles.filter((role): role is string => typeof role === 'string') : []
  return {
    ...kept,
    ...fields,
    id: existing.id,
    applicationId: existing.applicationId,
    verified: existing.verified,
    roles,
    insertInstant: existing.insertInstant,
    lastUpdateInstant: nowMillis,
  }
}
