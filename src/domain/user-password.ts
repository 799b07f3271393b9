/**
 * Password rules for user create/update (the tenant's passwordValidationRules) and the choice of scheme and
 * factor a new password is hashed with (FusionAuth: the tenant's scheme and factor unless the request names
 * others; a scheme other than the tenant's gets that scheme's default factor).
 */
import type { Errors } from '../http/errors'
import type { JsonObject } from '../http/fields'
import {
  defaultFactor,
  factorError,
  type HashSettings,
  isPasswordScheme,
  MAX_PASSWORD_LENGTH,
  type StoredPassword,
  usableHashSettings,
  verifyWithEqualWork,
} from './password'
import type { Tenant } from './tenant'

/**
 * Records FusionAuth's password-rule errors for `password` under `path`:
 * `[tooShort]`, `[tooLong]`, `[singleCase]`, `[onlyAlpha]`, `[requireNumber]`.
 * The maximum never exceeds 256 characters, the longest password that can be verified.
 */
export function checkPasswordRules(password: string, rules: JsonObject, path: string, errors: Errors): void {
  const minLength = typeof rules.minLength === 'number' ? rules.minLength : 8
  const configuredMax = typeof rules.maxLength === 'number' ? rules.maxLength : MAX_PASSWORD_LENGTH
  const maxLength = Math.min(configuredMax, MAX_PASSWORD_LENGTH)
  if (password.length < minLength) {
    errors.field(path, `[tooShort]${path}`, `The [${path}] property is shorter than the minimum of [${minLength}] characters.`)
  } else if (password.length > maxLength) {
    errors.field(path, `[tooLong]${path}`, `The [${path}] property is longer than the maximum of [${maxLength}] characters.`)
  }
  if (rules.requireMixedCase === true && (password.toLowerCase() === password || password.toUpperCase() === password)) {
    errors.field(path, `[singleCase]${path}`, `The [${path}] property must contain at least one upper and one lower case character.`)
  }
  if (rules.requireNonAlpha === true && /^\p{L}*$/u.test(password)) {
    errors.field(path, `[onlyAlpha]${path}`, `The [${path}] property must contain at least one non-alphabetic character.`)
  }
  if (rules.requireNumber === true && !/\d/.test(password)) {
    errors.field(path, `[requireNumber]${path}`, `The [${path}] property must contain at least one number.`)
  }
}

export type { HashSettings }

/**
 * The tenant's configured scheme and factor, made safe: a stored configuration this Worker cannot use
 * (unknown scheme, refused factor) falls back to the default scheme or the scheme's default factor.
 */
export function tenantHashSettings(tenant: Tenant): HashSettings {
  const configured = tenant.passwordEncryptionConfiguration
  return usableHashSettings(configured.encryptionScheme, configured.encryptionSchemeFactor)
}

/**
 * Checks a password for a login id of the tenant (`stored` null: no such user, or one without a password) at
 * the cost of one hash with the tenant's settings, however the password is stored (see equal-work.ts for what
 * holds and the residual). Every password check for a login id goes through here.
 */
export const verifyTenantPassword = (tenant: Tenant, stored: StoredPassword | null, password: string): Promise<boolean> =>
  verifyWithEqualWork(stored, password, tenantHashSettings(tenant))

/**
 * Scheme and factor for a new password when the request may name its own (`encryptionScheme` / `factor`,
 * at `schemePath` / `factorPath`). Records `[invalid]` errors and returns null when they are unusable.
 */
export function requestedHashSettings(
  tenant: Tenant,
  requested: { scheme?: string; factor?: number },
  paths: { scheme: string; factor: string },
  errors: Errors,
): HashSettings | null {
  const base = tenantHashSettings(tenant)
  let scheme = base.scheme
  if (requested.scheme !== undefined) {
    if (!isPasswordScheme(requested.scheme)) {
      errors.field(
        paths.scheme,
        `[invalid]${paths.scheme}`,
        `The [${paths.scheme}] property is not a supported encryption scheme [${requested.scheme}].`,
      )
      return null
    }
    scheme = requested.scheme
  }
  const factor = requested.factor ?? (scheme === base.scheme ? base.factor : defaultFactor(scheme))
  const problem = factorError(scheme, factor)
  if (problem !== null) {
    errors.field(paths.factor, `[invalid]${paths.factor}`, problem)
    return null
  }
  return { scheme, factor }
}

/** FusionAuth documents `factor` as a String on users but sends integers; both are accepted. */
export function readFactor(source: JsonObject, name: string, path: string, errors: Errors): number | undefined {
  const value = source[name]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  if (typeof value === 'string' && /^\d{1,10}$/.test(value)) return Number(value)
  errors.field(path, `[invalid]${path}`, `Invalid [${path}] property. Expected an integer.`)
  return undefined
}
