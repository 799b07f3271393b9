/**
 * Validation of a whole tenant (after the client's JSON was merged over defaults or the stored tenant),
 * with FusionAuth's `[rule]tenant.path` codes. Pure: signing-key existence is left to the caller,
 * which gets back the key ids the tenant refers to.
 */
import type { Errors } from '../http/errors'
import { FieldReader, isObject, type JsonObject } from '../http/fields'
import { validateEventConfiguration } from './events/event-configuration'
import { factorError, isPasswordScheme, PASSWORD_SCHEMES } from './password/schemes'
import { RATE_LIMITED_REQUEST_TYPES } from './rate-limit'
import { tenantDefaults } from './tenant'

export const EXPIRY_UNITS = ['MINUTES', 'HOURS', 'DAYS', 'WEEKS', 'MONTHS', 'YEARS'] as const
export const REFRESH_EXPIRATION_POLICIES = ['Fixed', 'SlidingWindow', 'SlidingWindowWithMaximumLifetime'] as const
export const REFRESH_USAGE_POLICIES = ['Reusable', 'OneTimeUse'] as const
export const MFA_LOGIN_POLICIES = ['Enabled', 'Disabled', 'Required'] as const

/** A signing-key id a configuration names, with its request path for the error. */
export interface KeyReference {
  path: string
  id: string
}

const jsonType = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value)

/**
 * Every value the defaults have must still be there with the same JSON type: the login path reads these
 * without further checks, and a `null` sent in a PATCH (say `loginConfiguration.requireAuthentication`)
 * must not quietly turn a setting off. Missing or null is `[blank]path`, another type `[invalid]path`.
 * Paths that already have an error are left alone, so one mistake gets one error.
 */
export function requireShapeOf(defaults: JsonObject, value: JsonObject, prefix: string, errors: Errors): void {
  for (const [name, expected] of Object.entries(defaults)) {
    const path = `${prefix}.${name}`
    if (errors.has(path)) continue
    const actual = value[name]
    if (actual === undefined || actual === null) {
      errors.field(path, `[blank]${path}`, `You must specify the [${path}] property.`)
    } else if (jsonType(actual) !== jsonType(expected)) {
      errors.field(
        path,
        `[invalid]${path}`,
        `Invalid [${path}] property. Expected ${jsonType(expected) === 'object' ? 'an object' : `a ${jsonType(expected)}`}.`,
      )
    } else if (isObject(expected) && isObject(actual)) {
      requireShapeOf(expected, actual, path, errors)
    }
  }
}

/**
 * The most a lifetime may be: FusionAuth's lifetimes are Java Integers, so it cannot read a larger value, and
 * every lifetime up to it is one this product honours (2^31 - 1 minutes of refresh token ends in the year
 * ~6100, well within a Date, a JWT `exp` and a D1 integer). Cookies are capped at 400 days on their own.
 */
export const MAX_LIFETIME = 2_147_483_647

/** Records `[blank]` when absent and `[invalid]` when below `min` or above `max`; wrong types are recorded by the reader. */
export function requireIntegerAtLeast(reader: FieldReader, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (!reader.has(name)) {
    const path = reader.path(name)
    reader.errors.field(path, `[blank]${path}`, `You must specify the [${path}] property.`)
    return undefined
  }
  return optionalIntegerInRange(reader, name, min, max)
}

/** An integer that may be absent; when present, `[invalid]` unless `min <= value <= max`. */
export function optionalIntegerInRange(reader: FieldReader, name: string, min: number, max: number): number | undefined {
  const path = reader.path(name)
  const value = reader.integer(name)
  if (value !== undefined && value < min) {
    reader.errors.field(path, `[invalid]${path}`, `The [${path}] property must be at least ${min}.`)
    return undefined
  }
  if (value !== undefined && value > max) {
    reader.errors.field(path, `[invalid]${path}`, `The [${path}] property must be at most ${max}.`)
    return undefined
  }
  return value
}

/** A lifetime FusionAuth requires: present, more than 0 (FusionAuth's "Value must be greater than 0") and at most MAX_LIFETIME. */
export const requireLifetime = (reader: FieldReader, name: string): number | undefined =>
  requireIntegerAtLeast(reader, name, 1, MAX_LIFETIME)

/** Reads an optional signing-key id and adds it to `references` when it is a UUID. */
export function keyReference(reader: FieldReader, name: string, references: KeyReference[]): void {
  const id = reader.uuid(name)
  if (id !== undefined) references.push({ path: reader.path(name), id })
}

/**
 * Validates a merged tenant, recording errors under `tenant.*`. Returns the signing keys it names,
 * which must exist (checked by the caller against the store).
 */
export function validateTenant(tenant: JsonObject, errors: Errors): KeyReference[] {
  const reader = new FieldReader(tenant, errors, 'tenant')
  const references: KeyReference[] = []
  reader.requiredString('name')
  reader.requiredString('issuer')
  reader.object('loginConfiguration').boolean('requireAuthentication')

  validatePasswordEncryption(reader.object('passwordEncryptionConfiguration'))

  const jwt = reader.object('jwtConfiguration')
  jwt.boolean('enabled')
  requireLifetime(jwt, 'timeToLiveInSeconds')
  requireLifetime(jwt, 'refreshTokenTimeToLiveInMinutes')
  jwt.oneOf('refreshTokenExpirationPolicy', REFRESH_EXPIRATION_POLICIES)
  jwt.oneOf('refreshTokenUsagePolicy', REFRESH_USAGE_POLICIES)
  if (!jwt.has('accessTokenKeyId')) {
    const path = jwt.path('accessTokenKeyId')
    errors.field(path, `[blank]${path}`, `You must specify the [${path}] property.`)
  }
  keyReference(jwt, 'accessTokenKeyId', references)
  keyReference(jwt, 'idTokenKeyId', references)

  const failed = reader.object('failedAuthenticationConfiguration')
  requireIntegerAtLeast(failed, 'tooManyAttempts', 1)
  requireIntegerAtLeast(failed, 'resetCountInSeconds', 1)
  requireIntegerAtLeast(failed, 'actionDuration', 1)
  failed.oneOf('actionDurationUnit', EXPIRY_UNITS)
  failed.uuid('userActionId')
  failed.boolean('emailUser')

  const identifiers = reader.object('externalIdentifierConfiguration')
  for (const name of Object.keys(identifiers.source)) {
    if (name.endsWith('TimeToLiveInSeconds')) requireLifetime(identifiers, name)
  }

  const maximumAge = reader.object('maximumPasswordAge')
  maximumAge.boolean('enabled')
  requireIntegerAtLeast(maximumAge, 'days', 1)
  const minimumAge = reader.object('minimumPasswordAge')
  minimumAge.boolean('enabled')
  requireIntegerAtLeast(minimumAge, 'seconds', 0)

  const rules = reader.object('passwordValidationRules')
  const minLength = requireIntegerAtLeast(rules, 'minLength', 1)
  const maxLength = requireIntegerAtLeast(rules, 'maxLength', 1)
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
    const path = rules.path('maxLength')
    errors.field(path, `[invalid]${path}`, `The [${path}] property must not be less than [${rules.path('minLength')}].`)
  }

  reader.object('emailConfiguration').boolean('verifyEmail')
  reader.object('multiFactorConfiguration').oneOf('loginPolicy', MFA_LOGIN_POLICIES)
  validateRateLimits(reader.object('rateLimitConfiguration'))
  validateEventConfiguration(reader)
  // Event types are a map that grows with FusionAuth: one a stored tenant lacks takes its default (not [blank]).
  const { eventConfiguration: _events, ...shape } = tenantDefaults()
  requireShapeOf(shape, tenant, 'tenant', errors)
  return references
}

/** Scheme must be one this Worker can hash; the factor must be in the scheme's range (PBKDF2 at most 100,000). */
function validatePasswordEncryption(reader: FieldReader): void {
  reader.boolean('modifyEncryptionSchemeOnLogin')
  const schemePath = reader.path('encryptionScheme')
  const scheme = reader.requiredString('encryptionScheme')
  if (scheme !== undefined && !isPasswordScheme(scheme)) {
    reader.errors.field(schemePath, `[invalid]${schemePath}`, `The [${schemePath}] property must be one of ${PASSWORD_SCHEMES.join(', ')}.`)
  }
  const factor = requireIntegerAtLeast(reader, 'encryptionSchemeFactor', 1)
  if (factor !== undefined && isPasswordScheme(scheme)) {
    const problem = factorError(scheme, factor)
    const path = reader.path('encryptionSchemeFactor')
    if (problem !== null) reader.errors.field(path, `[invalid]${path}`, problem)
  }
}

/**
 * Each rate-limit type: `enabled` a boolean, `limit` and `timePeriodInSeconds` integers; as FusionAuth's
 * validateRateLimit, only an enabled type must have both above 0 (`[invalid]`), and at most MAX_LIFETIME here.
 */
function validateRateLimits(reader: FieldReader): void {
  for (const type of RATE_LIMITED_REQUEST_TYPES) {
    const entry = reader.object(type)
    if (entry.boolean('enabled') === true) {
      requireIntegerAtLeast(entry, 'limit', 1, MAX_LIFETIME)
      requireIntegerAtLeast(entry, 'timePeriodInSeconds', 1, MAX_LIFETIME)
    } else {
      entry.integer('limit')
      entry.integer('timePeriodInSeconds')
    }
  }
}
