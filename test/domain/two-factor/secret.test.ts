import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToHex, utf8 } from '../../../src/domain/crypto/encoding'
import { base32Decode, base32Encode, generateTwoFactorSecret, secretFromRequest } from '../../../src/domain/two-factor/secret'

// RFC 4648 section 10 test vectors, with the padding removed for the encoder's output.
const RFC_4648: ReadonlyArray<[string, string]> = [
  ['', ''],
  ['f', 'MY'],
  ['fo', 'MZXQ'],
  ['foo', 'MZXW6'],
  ['foob', 'MZXW6YQ'],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI'],
]

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : new TextDecoder().decode(bytes))

describe('base32', () => {
  it.each(RFC_4648)('encodes %j as %j without padding', (input, expected) => {
    expect(base32Encode(utf8(input))).toBe(expected)
  })

  it.each(RFC_4648)('decodes the encoding of %j', (input, encoded) => {
    expect(text(base32Decode(encoded))).toBe(input)
  })

  it('decodes padded, lower-case and spaced input', () => {
    expect(text(base32Decode('MZXW6YTBOI======'))).toBe('foobar')
    expect(text(base32Decode('mzxw6ytboi'))).toBe('foobar')
    expect(text(base32Decode('mzxw 6ytb oi'))).toBe('foobar')
    expect(text(base32Decode('MZXW6==='))).toBe('foo')
  })

  it('round-trips random bytes of every length up to 40', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length))
      const decoded = base32Decode(base32Encode(bytes))
      expect(decoded && bytesToHex(decoded)).toBe(bytesToHex(bytes))
    }
  })

  it('returns null for characters outside the alphabet and impossible lengths', () => {
    expect(base32Decode('MZXW6YTB01')).toBeNull() // 0 and 1 are not Base32
    expect(base32Decode('MZXW6YTB!')).toBeNull()
    expect(base32Decode('M')).toBeNull()
    expect(base32Decode('MZX')).toBeNull()
  })
})

describe('generateTwoFactorSecret', () => {
  it('returns a 20-character Base64 secret of 15 bytes and the Base32 of those bytes', () => {
    const { secret, secretBase32Encoded } = generateTwoFactorSecret()
    expect(secret).toMatch(/^[A-Za-z0-9+/]{20}$/)
    const key = base64ToBytes(secret)
    expect(key.byteLength).toBe(15)
    expect(secretBase32Encoded).toMatch(/^[A-Z2-7]{24}$/)
    expect(secretBase32Encoded).toBe(base32Encode(key))
  })

  it('gives the Base32 the reference computes for a known secret', () => {
    // spec/fusionauth-reference.md 5.2: current FusionAuth pairs this secret with this Base32.
    expect(base32Encode(base64ToBytes('8MJJfCY4ERBtotvenSc3'))).toBe('6DBES7BGHAIRA3NC3PPJ2JZX')
  })

  it('draws a fresh secret each time', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => generateTwoFactorSecret().secret))
    expect(secrets.size).toBe(20)
  })
})

describe('secretFromRequest', () => {
  const known = { secret: '8MJJfCY4ERBtotvenSc3', secretBase32Encoded: '6DBES7BGHAIRA3NC3PPJ2JZX' }
  const knownHex = bytesToHex(base64ToBytes(known.secret))

  it('takes the key from the Base64 secret', () => {
    const result = secretFromRequest({ secret: known.secret })
    expect(result.ok && bytesToHex(result.keyBytes)).toBe(knownHex)
    expect(result.ok && result.secret).toBe(known.secret)
  })

  it('takes the key from the Base32 secret and returns its Base64 form', () => {
    const result = secretFromRequest({ secretBase32Encoded: known.secretBase32Encoded.toLowerCase() })
    expect(result.ok && bytesToHex(result.keyBytes)).toBe(knownHex)
    expect(result.ok && result.secret).toBe(known.secret)
  })

  it('accepts both when they agree and refuses them when they do not', () => {
    expect(secretFromRequest(known).ok).toBe(true)
    expect(secretFromRequest({ secret: known.secret, secretBase32Encoded: 'HBGUUSTGINMTIRKSIJ2G65DWMVXFGYZT' })).toEqual({
      ok: false,
      field: 'secretBase32Encoded',
      reason: 'invalid',
    })
  })

  it('reports a missing secret as [blank]secret', () => {
    expect(secretFromRequest({})).toEqual({ ok: false, field: 'secret', reason: 'blank' })
    expect(secretFromRequest({ secret: '  ', secretBase32Encoded: null })).toEqual({ ok: false, field: 'secret', reason: 'blank' })
  })

  it('reports undecodable or wrongly sized secrets on the field that carried them', () => {
    expect(secretFromRequest({ secret: 'not base64!' })).toEqual({ ok: false, field: 'secret', reason: 'invalid' })
    expect(secretFromRequest({ secret: 'c2hvcnQ=' })).toEqual({ ok: false, field: 'secret', reason: 'invalid' }) // 5 bytes
    expect(secretFromRequest({ secretBase32Encoded: 'MZXW6YTB01' })).toEqual({
      ok: false,
      field: 'secretBase32Encoded',
      reason: 'invalid',
    })
    expect(secretFromRequest({ secretBase32Encoded: 'MZXW6YTBOI' })).toEqual({
      ok: false,
      field: 'secretBase32Encoded',
      reason: 'invalid',
    }) // 6 bytes
  })

  it('accepts the common 80-bit authenticator secret', () => {
    const result = secretFromRequest({ secretBase32Encoded: 'JBSWY3DPEHPK3PXP' })
    expect(result.ok && result.keyBytes.byteLength).toBe(10)
  })
})
