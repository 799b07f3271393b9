import { importPKCS8, importSPKI } from 'jose'
import { utf8 } from '../crypto/encoding'
import { type SigningAlgorithm, type SigningKeyMaterial, keyTypeOf } from './signing-key'

/**
 * Imported CryptoKeys, cached per isolate. Importing a PKCS#8 RSA key costs far more than signing with
 * it, and the login hot path signs on every request.
 *
 * Entries are keyed by key id, algorithm and use, and remember the text they were imported from: a key
 * id reused with other material (a test, a delete-and-recreate) re-imports instead of signing with the
 * old key. That text comparison is between two server-side values, so plain `===` leaks nothing.
 */
interface Entry {
  source: string
  key: Promise<CryptoKey>
}

type Use = 'sign' | 'verify'

const MAX_ENTRIES = 256
const cache = new Map<string, Entry>()

const HMAC_HASHES = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' } as const

/** The key to sign with. Throws when the material has no secret or private half (a caller bug, not input). */
export function signingCryptoKey(material: SigningKeyMaterial): Promise<CryptoKey> {
  const source = keyTypeOf(material.algorithm) === 'HMAC' ? material.secret : material.privateKeyPem
  if (source === undefined)
    throw new Error(`signing key [${material.id}] has no ${keyTypeOf(material.algorithm) === 'HMAC' ? 'secret' : 'private key'}`)
  return cached(material, 'sign', source)
}

/** The key to verify with, or null when the material lacks the half that verifies (secret or public key). */
export function verificationCryptoKey(material: SigningKeyMaterial): Promise<CryptoKey> | null {
  const source = keyTypeOf(material.algorithm) === 'HMAC' ? material.secret : material.publicKeyPem
  return source === undefined ? null : cached(material, 'verify', source)
}

function cached(material: SigningKeyMaterial, use: Use, source: string): Promise<CryptoKey> {
  const cacheKey = `${material.id}|${material.algorithm}|${use}`
  const hit = cache.get(cacheKey)
  if (hit !== undefined && hit.source === source) return hit.key
  const key = importKey(material.algorithm, use, source)
  // A failed import must not stick: drop it so a later call can retry (or fail loudly again).
  key.catch(() => {
    if (cache.get(cacheKey)?.key === key) cache.delete(cacheKey)
  })
  if (cache.size >= MAX_ENTRIES) cache.clear()
  cache.set(cacheKey, { source, key })
  return key
}

function importKey(algorithm: SigningAlgorithm, use: Use, source: string): Promise<CryptoKey> {
  switch (algorithm) {
    case 'HS256':
    case 'HS384':
    case 'HS512':
      return crypto.subtle.importKey('raw', utf8(source), { name: 'HMAC', hash: HMAC_HASHES[algorithm] }, false, ['sign', 'verify'])
    default:
      // Public keys stay extractable so the JWKS can export them; private keys never leave the isolate.
      return use === 'sign' ? importPKCS8(source, algorithm) : importSPKI(source, algorithm, { extractable: true })
  }
}
