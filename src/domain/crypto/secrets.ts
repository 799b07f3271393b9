import { bytesToBase64Url, utf8 } from './encoding'

/** Random bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  crypto.getRandomValues(bytes)
  return bytes
}

/** An opaque token of `byteLength` random bytes, Base64url (32 bytes -> 43 characters, as FusionAuth's ids). */
export const randomToken = (byteLength = 32): string => bytesToBase64Url(randomBytes(byteLength))

/** SHA-256 of a UTF-8 string, Base64url: how tokens, API keys and codes are stored. */
export async function sha256Base64Url(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(value))
  return bytesToBase64Url(new Uint8Array(digest))
}

/**
 * Compares two byte strings in time that depends only on their lengths.
 * Uses the runtime's timingSafeEqual (workerd provides it on SubtleCrypto); unequal lengths are
 * compared against themselves first so the work stays the same before returning false.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (x: ArrayBufferView, y: ArrayBufferView) => boolean }
  if (a.byteLength !== b.byteLength) {
    if (subtle.timingSafeEqual) subtle.timingSafeEqual(a, a)
    return false
  }
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(a, b)
  let difference = 0
  for (let i = 0; i < a.byteLength; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return difference === 0
}

/** Constant-time equality of two strings (compared as UTF-8 bytes). */
export const timingSafeEqualStrings = (a: string, b: string): boolean => timingSafeEqual(utf8(a), utf8(b))

/** A random UUID v4. */
export const newId = (): string => crypto.randomUUID()
