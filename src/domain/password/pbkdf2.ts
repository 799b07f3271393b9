/**
 * FusionAuth's PBKDF2 schemes in WebCrypto:
 * base64( PBKDF2-HMAC-<hash>(utf8(password), base64Decode(salt), iterations = factor, dkLen) ).
 */
import { bytesToBase64, utf8 } from '../crypto/encoding'
import { MAX_PBKDF2_FACTOR, type Pbkdf2Scheme } from './schemes'

export interface Pbkdf2Parameters {
  hash: 'SHA-256' | 'SHA-512'
  lengthBits: 256 | 512
}

const PARAMETERS: Record<Pbkdf2Scheme, Pbkdf2Parameters> = {
  'salted-pbkdf2-hmac-sha256': { hash: 'SHA-256', lengthBits: 256 },
  'salted-pbkdf2-hmac-sha256-512': { hash: 'SHA-256', lengthBits: 512 },
  'salted-pbkdf2-hmac-sha512-512': { hash: 'SHA-512', lengthBits: 512 },
}

/** The PRF hash and output length of a PBKDF2 scheme. */
export const pbkdf2Parameters = (scheme: Pbkdf2Scheme): Pbkdf2Parameters => PARAMETERS[scheme]

/**
 * Raw PBKDF2. Refuses (RangeError) any iteration count outside 1..100,000 before touching WebCrypto:
 * production Workers throw above 100,000 but local workerd does not, so without this guard a too-high
 * factor would pass every local test and fail every login in production.
 */
export async function derivePbkdf2(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  hash: Pbkdf2Parameters['hash'],
  lengthBits: Pbkdf2Parameters['lengthBits'],
): Promise<Uint8Array> {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_FACTOR) {
    throw new RangeError(`PBKDF2 iterations must be between 1 and ${MAX_PBKDF2_FACTOR}, not ${iterations}`)
  }
  const key = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash, salt, iterations }, key, lengthBits)
  return new Uint8Array(bits)
}

/** The Base64 hash FusionAuth stores for a PBKDF2 scheme. */
export async function pbkdf2Hash(scheme: Pbkdf2Scheme, password: string, salt: Uint8Array, factor: number): Promise<string> {
  const { hash, lengthBits } = PARAMETERS[scheme]
  return bytesToBase64(await derivePbkdf2(utf8(password), salt, factor, hash, lengthBits))
}
