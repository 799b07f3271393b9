/**
 * Password scheme names, stored-password shape and factor rules, as FusionAuth spells them
 * (`encryptionScheme` / `factor` on users, `passwordEncryptionConfiguration` on tenants).
 */

export const PASSWORD_SCHEMES = [
  'salted-pbkdf2-hmac-sha256',
  'salted-pbkdf2-hmac-sha256-512',
  'salted-pbkdf2-hmac-sha512-512',
  'salted-sha256',
  'salted-md5',
  'salted-hmac-sha256',
  'bcrypt',
] as const

export type PasswordScheme = (typeof PASSWORD_SCHEMES)[number]

export type Pbkdf2Scheme = Extract<PasswordScheme, `salted-pbkdf2-${string}`>

/**
 * A password as FusionAuth stores it. For every scheme but bcrypt, `salt` and `hash` are standard Base64
 * (the salt is decoded to bytes before use). For bcrypt, `salt` is the 22-character bcrypt-alphabet salt,
 * `hash` the 31 characters that follow it in a `$2a$NN$...` string, and `factor` the cost.
 */
export interface StoredPassword {
  hash: string
  salt: string
  scheme: PasswordScheme
  factor: number
}

/** A scheme and a factor that hashPassword accepts (see usableHashSettings). */
export interface HashSettings {
  scheme: PasswordScheme
  factor: number
}

export function isPasswordScheme(value: unknown): value is PasswordScheme {
  return typeof value === 'string' && (PASSWORD_SCHEMES as readonly string[]).includes(value)
}

export const isPbkdf2Scheme = (scheme: PasswordScheme): scheme is Pbkdf2Scheme => scheme.startsWith('salted-pbkdf2-')

/** FusionAuth's default scheme, for new tenants and as the fallback for unknown scheme names. */
export const DEFAULT_SCHEME: PasswordScheme = 'salted-pbkdf2-hmac-sha256'

/** Production Workers reject PBKDF2 above this many iterations (local workerd does not), so no factor may exceed it. */
export const MAX_PBKDF2_FACTOR = 100_000

/** Factor for new PBKDF2 passwords: the most Workers allow (FusionAuth's own default is 24,000). */
export const DEFAULT_FACTOR = 100_000

/**
 * Cap for the iterated salted-sha256 / salted-md5 digests. FusionAuth has none; here each iteration is one
 * WebCrypto call (about 5 µs), so 1,000,000 is roughly 5 s of CPU per login: generous for imported hashes,
 * but a configured factor cannot pin a request for minutes.
 */
export const MAX_DIGEST_FACTOR = 1_000_000

/**
 * bcrypt cost bounds. 4 is bcrypt's own floor. bcryptjs is plain JavaScript: cost 10 takes about 85 ms,
 * and every step doubles it (12 ≈ 340 ms, 14 ≈ 1.4 s). 14 is the top of FusionAuth's documented
 * recommended range (8 to 14) and stays well inside the paid plan's 30 s CPU budget; bcrypt's own
 * maximum of 31 would be days of CPU.
 */
export const MIN_BCRYPT_COST = 4
export const MAX_BCRYPT_COST = 14

/** FusionAuth's `factor` is a Java int. */
const MAX_JAVA_INT = 2_147_483_647

/** Plaintext passwords longer than this never match and are never hashed (FusionAuth's rule). */
export const MAX_PASSWORD_LENGTH = 256

/**
 * The factor used when a scheme has no configured one (a user's scheme differs from the tenant's, or
 * the dummy hash for unknown users). Matches FusionAuth's encryptors except PBKDF2 (100,000, see DEFAULT_FACTOR).
 */
export function defaultFactor(scheme: PasswordScheme): number {
  switch (scheme) {
    case 'salted-pbkdf2-hmac-sha256':
    case 'salted-pbkdf2-hmac-sha256-512':
    case 'salted-pbkdf2-hmac-sha512-512':
      return DEFAULT_FACTOR
    case 'salted-sha256':
    case 'salted-md5':
      return 20_000
    case 'salted-hmac-sha256':
      return 1
    case 'bcrypt':
      return 10
  }
}

/** The largest factor accepted for a scheme. */
export function maxFactor(scheme: PasswordScheme): number {
  if (isPbkdf2Scheme(scheme)) return MAX_PBKDF2_FACTOR
  switch (scheme) {
    case 'salted-sha256':
    case 'salted-md5':
      return MAX_DIGEST_FACTOR
    case 'salted-hmac-sha256':
      return MAX_JAVA_INT // the factor is ignored by this scheme
    case 'bcrypt':
      return MAX_BCRYPT_COST
  }
}

/** The smallest factor accepted for a scheme. */
export const minFactor = (scheme: PasswordScheme): number => (scheme === 'bcrypt' ? MIN_BCRYPT_COST : 1)

/**
 * Why `factor` cannot be used with `scheme`, or null when it can. Used to validate tenant configuration
 * and imports, and again before every hash so no stored or configured value reaches WebCrypto unchecked.
 */
export function factorError(scheme: PasswordScheme, factor: number): string | null {
  if (!Number.isSafeInteger(factor)) return `The factor [${factor}] must be a whole number.`
  const min = minFactor(scheme)
  const max = maxFactor(scheme)
  if (factor < min) return `The factor [${factor}] for [${scheme}] must be at least ${min}.`
  if (factor > max) {
    const why = isPbkdf2Scheme(scheme) ? ' (Cloudflare Workers refuse more PBKDF2 iterations)' : ''
    return `The factor [${factor}] for [${scheme}] must be at most ${max.toLocaleString('en-US')}${why}.`
  }
  return null
}

/**
 * A configured scheme and factor made safe to hash with: an unknown scheme falls back to the default scheme and
 * a refused factor to the scheme's default, rather than failing every login or skipping the work.
 */
export function usableHashSettings(scheme: string, factor: number): HashSettings {
  const usableScheme = isPasswordScheme(scheme) ? scheme : DEFAULT_SCHEME
  return { scheme: usableScheme, factor: factorError(usableScheme, factor) === null ? factor : defaultFactor(usableScheme) }
}

/** Throws a RangeError when the factor is unusable: callers that hash must have validated it already. */
export function assertFactor(scheme: PasswordScheme, factor: number): void {
  const error = factorError(scheme, factor)
  if (error !== null) throw new RangeError(error)
}
