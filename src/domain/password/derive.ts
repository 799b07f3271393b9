/** One entry point from (scheme, password, salt, factor) to the stored hash string, plus salt generation. */
import { base64ToBytes, bytesToBase64 } from '../crypto/encoding'
import { randomBytes } from '../crypto/secrets'
import { bcryptHash, generateBcryptSalt } from './bcrypt'
import { hmacSha256Hash, iteratedDigestHash } from './legacy'
import { pbkdf2Hash } from './pbkdf2'
import { assertFactor, DEFAULT_SCHEME, type PasswordScheme } from './schemes'

/**
 * A new random salt in the scheme's stored form: for bcrypt the 22-character bcrypt salt, otherwise
 * 32 random bytes in standard Base64 (44 characters), as FusionAuth generates them.
 */
export function generateSalt(scheme: PasswordScheme = DEFAULT_SCHEME): string {
  return scheme === 'bcrypt' ? generateBcryptSalt() : bytesToBase64(randomBytes(32))
}

/**
 * The hash FusionAuth would store for these inputs. Throws on a factor the scheme refuses (see factorError)
 * or on a salt that does not decode; callers verifying stored data catch that and treat it as a mismatch.
 */
export async function deriveHash(password: string, scheme: PasswordScheme, salt: string, factor: number): Promise<string> {
  assertFactor(scheme, factor)
  switch (scheme) {
    case 'salted-pbkdf2-hmac-sha256':
    case 'salted-pbkdf2-hmac-sha256-512':
    case 'salted-pbkdf2-hmac-sha512-512':
      return pbkdf2Hash(scheme, password, base64ToBytes(salt), factor)
    case 'salted-sha256':
    case 'salted-md5':
      return iteratedDigestHash(scheme, password, base64ToBytes(salt), factor)
    case 'salted-hmac-sha256':
      return hmacSha256Hash(password, base64ToBytes(salt))
    case 'bcrypt':
      return bcryptHash(password, salt, factor)
  }
}
