import { randomBytes } from '../crypto/secrets'

/**
 * Random codes drawn uniformly from an alphabet. Bytes at or above the largest multiple of the
 * alphabet size are thrown away and redrawn (rejection sampling), so `byte % size` has no bias:
 * with ten digits, 250..255 are rejected; with a 32-character alphabet nothing is.
 */
export function randomString(length: number, alphabet: string): string {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer')
  const size = alphabet.length
  if (size < 2 || size > 256) throw new RangeError('alphabet must hold 2 to 256 characters')
  const limit = 256 - (256 % size)
  let out = ''
  while (out.length < length) {
    // Draw a little more than needed so one call to the CSPRNG usually suffices.
    for (const byte of randomBytes(length - out.length + 8)) {
      if (byte >= limit) continue
      out += alphabet.charAt(byte % size)
      if (out.length === length) break
    }
  }
  return out
}

const DIGITS = '0123456789'

/**
 * A numeric one-time code (emailed/SMS two-factor codes; FusionAuth's `randomDigits` generator,
 * length 6 by default). Leading zeros are kept: the code is a string, never a number.
 */
export function generateNumericCode(digits = 6): string {
  if (!Number.isSafeInteger(digits) || digits < 1 || digits > 32) throw new RangeError('digits must be 1..32')
  return randomString(digits, DIGITS)
}
