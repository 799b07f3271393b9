import { ScureBase32Plugin } from 'otplib'
import { base64ToBytes, bytesToBase64 } from '../crypto/encoding'
import { randomBytes, timingSafeEqual } from '../crypto/secrets'
import { TOTP_MAX_KEY_BYTES, TOTP_MIN_KEY_BYTES } from './totp'

/**
 * TOTP secrets in FusionAuth's two spellings: `secret` is Base64 of the raw HMAC key,
 * `secretBase32Encoded` is RFC 4648 Base32 of the same bytes (what authenticator apps take).
 */

const base32 = new ScureBase32Plugin()

/** RFC 4648 Base32, upper case, without `=` padding (the form authenticator apps and otpauth URIs use). */
export const base32Encode = (bytes: Uint8Array): string => base32.encode(bytes, { padding: false })

/**
 * Decodes RFC 4648 Base32, forgiving about case, `=` padding and whitespace (apps show secrets
 * in groups of four). Returns null for anything else, including a length no encoder produces.
 */
export function base32Decode(text: string): Uint8Array | null {
  const compact = text.replace(/\s+/g, '').replace(/=+$/, '')
  if (!/^[A-Za-z2-7]*$/.test(compact)) return null
  try {
    return base32.decode(compact)
  } catch {
    return null
  }
}

/** Base64 (standard alphabet; URL-safe and missing padding tolerated) to bytes, or null. */
function decodeBase64(text: string): Uint8Array | null {
  try {
    return base64ToBytes(text)
  } catch {
    return null
  }
}

export interface GeneratedTwoFactorSecret {
  /** Base64 of 15 random bytes: 20 characters, no padding. */
  secret: string
  /** Base32 of the same 15 bytes: 24 characters. */
  secretBase32Encoded: string
}

/**
 * A new TOTP secret as `GET /api/two-factor/secret` returns it. FusionAuth takes the first 20
 * characters of the Base64 of 20 random bytes, i.e. 15 bytes of key; drawing 15 bytes directly
 * gives the same distribution and an exact 20-character Base64 string.
 */
export function generateTwoFactorSecret(): GeneratedTwoFactorSecret {
  const key = randomBytes(15)
  return { secret: bytesToBase64(key), secretBase32Encoded: base32Encode(key) }
}

export interface SecretInput {
  secret?: string | null
  secretBase32Encoded?: string | null
}

export type SecretField = 'secret' | 'secretBase32Encoded'

export type SecretResult =
  | { ok: true; keyBytes: Uint8Array; secret: string }
  | { ok: false; field: SecretField; reason: 'blank' | 'invalid' }

const keyLengthOk = (bytes: Uint8Array): boolean => bytes.byteLength >= TOTP_MIN_KEY_BYTES && bytes.byteLength <= TOTP_MAX_KEY_BYTES

/**
 * The HMAC key from an enable request's `secret` (Base64) or `secretBase32Encoded`.
 * On success `secret` is the canonical Base64 of the key, the form to store.
 * Failures name the field and a FusionAuth-style reason, so the route can answer
 * `[blank]secret` or `[invalid]secretBase32Encoded`. When both are sent they must be
 * the same key; a disagreement is reported on `secretBase32Encoded`.
 * Keys must be 10..64 bytes (see TOTP_MIN_KEY_BYTES).
 */
export function secretFromRequest(input: SecretInput): SecretResult {
  const base64Text = input.secret?.trim() ?? ''
  const base32Text = input.secretBase32Encoded?.trim() ?? ''
  if (base64Text === '' && base32Text === '') return { ok: false, field: 'secret', reason: 'blank' }

  let fromBase64: Uint8Array | undefined
  if (base64Text !== '') {
    const bytes = decodeBase64(base64Text)
    if (bytes === null || !keyLengthOk(bytes)) return { ok: false, field: 'secret', reason: 'invalid' }
    fromBase64 = bytes
  }
  let fromBase32: Uint8Array | undefined
  if (base32Text !== '') {
    const bytes = base32Decode(base32Text)
    if (bytes === null || !keyLengthOk(bytes)) return { ok: false, field: 'secretBase32Encoded', reason: 'invalid' }
    fromBase32 = bytes
  }
  if (fromBase64 !== undefined && fromBase32 !== undefined && !timingSafeEqual(fromBase64, fromBase32)) {
    return { ok: false, field: 'secretBase32Encoded', reason: 'invalid' }
  }
  const keyBytes = fromBase64 ?? fromBase32
  if (keyBytes === undefined) return { ok: false, field: 'secret', reason: 'blank' }
  return { ok: true, keyBytes, secret: bytesToBase64(keyBytes) }
}
