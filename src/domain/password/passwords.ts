/** Hashing, verifying and re-hashing user passwords, FusionAuth-compatible. */
import { timingSafeEqualStrings } from '../crypto/secrets'
import { deriveHash, generateSalt } from './derive'
import { factorError, isPasswordScheme, MAX_PASSWORD_LENGTH, type PasswordScheme, type StoredPassword } from './schemes'

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
 * The hash `password` gives under the stored scheme, salt and factor, or null when no hash was derived:
 * a password over 256 characters (FusionAuth's rule: false without hashing) or corrupt stored data (unknown
 * scheme, bad Base64, refused factor). Never throws. Null means no hashing work was spent.
 */
export async function deriveStoredHash(password: string, stored: StoredPassword): Promise<string | null> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return null
  if (!isPasswordScheme(stored.scheme) || typeof stored.hash !== 'string' || typeof stored.salt !== 'string') return null
  if (factorError(stored.scheme, stored.factor) !== null) return null
  try {
    return await deriveHash(password, stored.scheme, stored.salt, stored.factor)
  } catch {
    return null
  }
}

/**
 * True when `password` matches the stored hash; never throws (see deriveStoredHash for what is false without
 * hashing). The Base64 strings are compared in constant time. Login-path checks for a login id use
 * verifyWithEqualWork instead, so their cost does not depend on how the password is stored.
 */
export async function verifyPassword(password: string, stored: StoredPassword): Promise<boolean> {
  const computed = await deriveStoredHash(password, stored)
  return computed !== null && timingSafeEqualStrings(computed, stored.hash)
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
