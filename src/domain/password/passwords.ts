/** Hashing, verifying and re-hashing user passwords, FusionAuth-compatible. */
import { timingSafeEqualStrings } from '../crypto/secrets'
import { deriveHash, generateSalt } from './derive'
import {
  defaultFactor,
  factorError,
  isPasswordScheme,
  MAX_PASSWORD_LENGTH,
  DEFAULT_SCHEME,
  type PasswordScheme,
  type StoredPassword,
} from './schemes'

/**
 * Hashes a new password with a fresh salt. Throws RangeError when the factor is not acceptable for the scheme
 * (validate configuration with factorError first) or when the password is longer than 256 characters, which
 * could never be verified afterwards.
 */
export async function hashPassword(password: string, scheme: PasswordScheme, factor: number): Promise<StoredPassword> {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(`Passwords longer than ${MAX_PASSWORD_LENGTH} characters cannot be hashed`)
  }
  const salt = generateSalt(scheme)
  const hash = await deriveHash(password, scheme, salt, factor)
  return { hash, salt, scheme, factor }
}

/**
 * True when `password` matches the stored hash. Never throws: a password over 256 characters is false without
 * hashing (FusionAuth's rule), and corrupt stored data (unknown scheme, bad Base64, refused factor) is false.
 * The Base64 strings are compared in constant time.
 */
export async function verifyPassword(password: string, stored: StoredPassword): Promise<boolean> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false
  if (!isPasswordScheme(stored.scheme) || typeof stored.hash !== 'string' || typeof stored.salt !== 'string') return false
  if (factorError(stored.scheme, stored.factor) !== null) return false
  let computed: string
  try {
    computed = await deriveHash(password, stored.scheme, stored.salt, stored.factor)
  } catch {
    return false
  }
  return timingSafeEqualStrings(computed, stored.hash)
}

/**
 * Spends the same work as checking `password` against a stored hash with this scheme and factor, so
 * "no such user" takes as long as "wrong password". Pass the submitted password (hashing cost can depend
 * on its length) and the tenant's scheme and factor, unvalidated: an unknown scheme falls back to the
 * default scheme and an unusable factor to the scheme's default, rather than skipping the work. Never throws.
 */
export async function burnEqualTime(password: string, scheme: string, factor: number): Promise<void> {
  const usableScheme: PasswordScheme = isPasswordScheme(scheme) ? scheme : DEFAULT_SCHEME
  const usableFactor = factorError(usableScheme, factor) === null ? factor : defaultFactor(usableScheme)
  const salt = generateSalt(usableScheme)
  await verifyPassword(password, { scheme: usableScheme, factor: usableFactor, salt, hash: '' })
}

/**
 * Whether a password that just verified should be re-hashed into the tenant's configuration
 * (FusionAuth's `modifyEncryptionSchemeOnLogin`; the caller checks that flag): the scheme or factor differs.
 * Never asks for a re-hash into a configuration that hashPassword would refuse.
 */
export function needsRehash(stored: StoredPassword, tenantScheme: PasswordScheme, tenantFactor: number): boolean {
  if (!isPasswordScheme(tenantScheme) || factorError(tenantScheme, tenantFactor) !== null) return false
  return stored.scheme !== tenantScheme || stored.factor !== tenantFactor
}
