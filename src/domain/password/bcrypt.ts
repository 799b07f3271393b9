/**
 * bcrypt in FusionAuth's split form: `$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy` is stored as
 * factor = 10, salt = `N9qo8uLOickgx2ZMRZoMye` (22 chars), hash = `IjZAgcfl7p92ldGxad68LJZdL17lhWy` (31 chars).
 * bcryptjs does the work; it draws randomness from crypto.getRandomValues, which workerd provides, but we
 * only ever hand it a salt we generated ourselves.
 */
import { encodeBase64, hash } from 'bcryptjs'
import { randomBytes } from '../crypto/secrets'
import { MAX_BCRYPT_COST, MIN_BCRYPT_COST } from './schemes'

const BCRYPT_SALT_PATTERN = /^[./A-Za-z0-9]{22}$/

/** 16 random bytes in bcrypt's Base64 alphabet: 22 characters. */
export function generateBcryptSalt(): string {
  return encodeBase64(randomBytes(16), 16)
}

export const isBcryptSalt = (salt: string): boolean => BCRYPT_SALT_PATTERN.test(salt)

/**
 * The 31-character bcrypt hash of `password` with a 22-character salt and a cost. Throws on a malformed salt
 * or a cost outside MIN..MAX_BCRYPT_COST. The version is not stored by FusionAuth; `$2a$`, `$2b$` and `$2y$`
 * give the same output for the passwords we accept (at most 256 characters; bcrypt reads the first 72 bytes).
 */
export async function bcryptHash(password: string, salt: string, cost: number): Promise<string> {
  if (!Number.isSafeInteger(cost) || cost < MIN_BCRYPT_COST || cost > MAX_BCRYPT_COST) {
    throw new RangeError(`bcrypt cost must be between ${MIN_BCRYPT_COST} and ${MAX_BCRYPT_COST}, not ${cost}`)
  }
  if (!isBcryptSalt(salt)) throw new RangeError('bcrypt salt must be 22 characters of [./A-Za-z0-9]')
  const settings = `$2a$${String(cost).padStart(2, '0')}$${salt}`
  const full = await hash(password, settings)
  return full.slice(settings.length)
}

/** Splits a modular-crypt bcrypt string (`$2a$`, `$2b$` or `$2y$`) into FusionAuth's stored fields, or null. */
export function splitBcrypt(encoded: string): { salt: string; hash: string; factor: number } | null {
  const match = /^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(encoded)
  if (!match || match[1] === undefined || match[2] === undefined || match[3] === undefined) return null
  return { factor: Number(match[1]), salt: match[2], hash: match[3] }
}
