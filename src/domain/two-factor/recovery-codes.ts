import { base64ToBytes, bytesToBase64Url, utf8 } from '../crypto/encoding'
import { randomString } from './one-time-code'

/**
 * Recovery codes: FusionAuth's `XXXXX-XXXXX` shape, ten per set, each usable once.
 *
 * Alphabet: 32 upper-case characters without 0/O and 1/I, so a code copied by hand cannot be
 * misread, and 256 is a multiple of 32, so sampling has no bias. 10 characters = 50 bits.
 *
 * Storage: an HMAC-SHA-256 of the normalised code under a key derived (HKDF) from the Worker
 * secret ENCRYPTION_KEY, not a plain SHA-256 and not PBKDF2. Why:
 * - 50 bits is brute-forceable offline against an unkeyed hash: one pass of ~2^50 SHA-256 (days
 *   on a few GPUs) would recover every user's codes from a leaked database at once. With a key
 *   the database alone is useless.
 * - If ENCRYPTION_KEY leaks too, the TOTP secrets (encrypted with that same key) are already
 *   exposed, so the recovery codes are no weaker than the factor they back up.
 * - The hash stays deterministic, so a redemption is one `DELETE ... WHERE user_id = ? AND
 *   code_hash = ? RETURNING` that only one racing request can win, and it costs one HMAC
 *   instead of a 100,000-iteration PBKDF2 per attempt inside a Worker's CPU budget.
 */

export const RECOVERY_CODE_COUNT = 10
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
const HALF_LENGTH = 5
const HKDF_INFO = 'edge-login-api/recovery-code-hmac/v1'

/** `count` distinct codes like `QJD73-L6GR5`. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  if (!Number.isSafeInteger(count) || count < 1 || count > 100) throw new RangeError('count must be 1..100')
  const codes = new Set<string>()
  while (codes.size < count) {
    codes.add(`${randomString(HALF_LENGTH, ALPHABET)}-${randomString(HALF_LENGTH, ALPHABET)}`)
  }
  return [...codes]
}

/** What users type, reduced to the canonical form that is hashed: upper case, no dashes or whitespace. */
export const normalizeRecoveryCode = (input: string): string => input.replace(/[\s-]+/g, '').toUpperCase()

/**
 * True when the input could be a recovery code (ten alphanumerics once normalised), as opposed to a
 * six-digit TOTP or emailed code. Lets `/api/two-factor/login` skip a lookup for impossible input.
 */
export const looksLikeRecoveryCode = (input: string): boolean => /^[A-Z0-9]{10}$/.test(normalizeRecoveryCode(input))

const keys = new Map<string, Promise<CryptoKey>>()

/**
 * The HMAC key for recovery codes, derived from ENCRYPTION_KEY (Base64 of 32 bytes) with HKDF so
 * it is independent of the AES key SecretBox uses. Cached per isolate. Throws when the secret is
 * missing or malformed (a deployment error, not a request error).
 */
export function recoveryCodeKey(encryptionKeyBase64: string | undefined): Promise<CryptoKey> {
  const cacheKey = encryptionKeyBase64 ?? ''
  let key = keys.get(cacheKey)
  if (key === undefined) {
    key = deriveKey(encryptionKeyBase64)
    key.catch(() => keys.delete(cacheKey))
    keys.set(cacheKey, key)
  }
  return key
}

async function deriveKey(encryptionKeyBase64: string | undefined): Promise<CryptoKey> {
  if (encryptionKeyBase64 === undefined || encryptionKeyBase64 === '') throw new Error('ENCRYPTION_KEY is not configured')
  const raw = base64ToBytes(encryptionKeyBase64)
  if (raw.byteLength !== 32) throw new Error('ENCRYPTION_KEY must be Base64 of exactly 32 bytes')
  const base = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(HKDF_INFO) },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  )
}

/** The stored form of a recovery code: Base64url HMAC-SHA-256 of the normalised code (43 characters). */
export async function hashRecoveryCode(code: string, key: CryptoKey): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, utf8(normalizeRecoveryCode(code)))
  return bytesToBase64Url(new Uint8Array(mac))
}
