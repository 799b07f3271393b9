/**
 * Validation of applications and their roles with FusionAuth's `[rule]application.path` codes.
 * Pure: the caller checks that the tenant and the signing keys named here exist.
 */
import type { Errors } from '../http/errors'
import { FieldReader, isObject, type JsonObject } from '../http/fields'
import { type ApplicationRole, applicationDefaults } from './application'
import {
  type KeyReference,
  keyReference,
  MAX_LIFETIME,
  MFA_LOGIN_POLICIES,
  optionalIntegerInRange,
  requireLifetime,
  requireShapeOf,
} from './tenant-validation'

export const MFA_TRUST_POLICIES = ['Any', 'This', 'None'] as const

/** Validates a merged application under `application.*`; returns the signing keys it names. */
export function validateApplication(application: JsonObject, errors: Errors): KeyReference[] {
  const reader = new FieldReader(application, errors, 'application')
  const references: KeyReference[] = []
  reader.requiredString('name')
  reader.boolean('active')

  // FusionAuth needs a template to send the verification email with (its own client tests rely on this 400).
  if (reader.boolean('verifyRegistration') === true && reader.uuid('verificationEmailTemplateId') === undefined) {
    const path = reader.path('verificationEmailTemplateId')
    if (!errors.has(path))
      errors.field(path, `[blank]${path}`, `You must specify the [${path}] property when [application.verifyRegistration] is true.`)
  }

  const login = reader.object('loginConfiguration')
  login.boolean('requireAuthentication')
  login.boolean('generateRefreshTokens')
  login.boolean('allowTokenRefresh')

  const jwt = reader.object('jwtConfiguration')
  const ownJwt = jwt.boolean('enabled') === true
  for (const name of ['timeToLiveInSeconds', 'refreshTokenTimeToLiveInMinutes']) {
    // FusionAuth checks these lifetimes only when the application's own JWT configuration is on; a value
    // beyond MAX_LIFETIME is refused either way, as FusionAuth could not read it into its Integer.
    if (ownJwt) requireLifetime(jwt, name)
    else optionalIntegerInRange(jwt, name, Number.MIN_SAFE_INTEGER, MAX_LIFETIME)
  }
  keyReference(jwt, 'accessTokenKeyId', references)
  keyReference(jwt, 'idTokenKeyId', references)

  const mfa = reader.object('multiFactorConfiguration')
  mfa.oneOf('loginPolicy', MFA_LOGIN_POLICIES)
  mfa.oneOf('trustPolicy', MFA_TRUST_POLICIES)
  const identifiers = reader.object('externalIdentifierConfiguration')
  optionalIntegerInRange(identifiers, 'twoFactorTrustIdTimeToLiveInSeconds', 1, MAX_LIFETIME)
  reader.object('authenticationTokenConfiguration').boolean('enabled')
  requireShapeOf(applicationDefaults(), application, 'application', errors)
  return references
}

/**
 * Reads one role from `reader` (prefix `role` for the role API, `application.roles` for a new application).
 * `existing` supplies the id and insert instant on update; absent flags default to false.
 */
export function readRole(reader: FieldReader, id: string, existing: ApplicationRole | null, nowMillis: number): ApplicationRole {
  const role: ApplicationRole = {
    id,
    name: reader.requiredString('name')?.trim() ?? '',
    isDefault: reader.boolean('isDefault') ?? false,
    isSuperRole: reader.boolean('isSuperRole') ?? false,
    insertInstant: existing?.insertInstant ?? nowMillis,
    lastUpdateInstant: nowMillis,
  }
  const description = reader.string('description')
  if (description !== undefined) role.description = description
  return role
}

/** Reads `application.roles` of a new application, giving each role an id and rejecting repeated names. */
export function readRoles(value: unknown, errors: Errors, nowMillis: number, newId: () => string): ApplicationRole[] {
  const path = 'application.roles'
  if (value === undefined || value === null) return []
  // FusionAuth's ApplicationRole has a String constructor, so Jackson reads a bare string as a role of that name
  // (its own kickstart examples send `"roles": ["admin", "user"]`).
  const entries = Array.isArray(value) ? value.map((entry: unknown) => (typeof entry === 'string' ? { name: entry } : entry)) : value
  if (!Array.isArray(entries) || !entries.every(isObject)) {
    errors.field(path, `[invalid]${path}`, `Invalid [${path}] property. Expected an array of roles.`)
    return []
  }
  const roles = entries.map((entry: JsonObject) => {
    const reader = new FieldReader(entry, errors, path)
    const id = reader.uuid('id') ?? newId()
    return readRole(reader, id, null, nowMillis)
  })
  const duplicate = firstDuplicateName(roles)
  if (duplicate !== null) errors.field(`${path}.name`, `[duplicate]${path}.name`, `A role with name [${duplicate}] appears more than once.`)
  return roles
}

/** The first role name that appears twice (names compare case-insensitively), or null. */
export function firstDuplicateName(roles: readonly ApplicationRole[]): string | null {
  const seen = new Set<string>()
  for (const role of roles) {
    const key = role.name.toLowerCase()
    if (seen.has(key)) return role.name
    seen.add(key)
  }
  return null
}
