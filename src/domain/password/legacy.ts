/**
 * The fast legacy schemes FusionAuth keeps for imports: salted-sha256, salted-md5 (iterated digests)
 * and salted-hmac-sha256. workerd's WebCrypto supports the non-standard 'MD5' digest, so no JS MD5 is needed.
 */
import { bytesToBase64, utf8 } from '../crypto/encoding'
import { MAX_DIGEST_FACTOR } from './schemes'

export type DigestScheme = 'salted-sha256' | 'salted-md5'

const DIGESTS: Record<DigestScheme, 'SHA-256' | 'MD5'> = {
  'salted-sha256': 'SHA-256',
  'salted-md5': 'MD5',
}

/**
 * r = utf8(password) || salt; repeat `factor` times r = H(r); Base64(r).
 * Refuses factors outside 1..MAX_DIGEST_FACTOR (each iteration is one WebCrypto call).
 */
export async function iteratedDigestHash(scheme: DigestScheme, password: string, salt: Uint8Array, factor: number): Promise<string> {
  if (!Number.isSafeInteger(factor) || factor < 1 || factor > MAX_DIGEST_FACTOR) {
    throw new RangeError(`Digest iterations must be between 1 and ${MAX_DIGEST_FACTOR}, not ${factor}`)
  }
  const passwordBytes = utf8(password)
  let result = new Uint8Array(passwordBytes.length + salt.length)
  result.set(passwordBytes, 0)
  result.set(salt, passwordBytes.length)
  const algorithm = DIGESTS[scheme]
  for (let i = 0; i < factor; i++) {
    result = new Uint8Array(await crypto.subtle.digest(algorithm, result))
  }
  return bytesToBase64(result)
}

/**
 * Base64( HMAC-SHA256(key = salt, message = utf8(password)) ). FusionAuth ignores the factor for this scheme.
 * An empty salt cannot be an HMAC key (WebCrypto and Java both refuse it): that throws here.
 */
export async function hmacSha256Hash(password: string, salt: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey('raw', salt, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return bytesToBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(password))))
}
