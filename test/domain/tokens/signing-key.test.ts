import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64Url } from '../../../src/domain/crypto/encoding'
import { sha256Base64Url } from '../../../src/domain/crypto/secrets'
import { pemLabel, pemToDer } from '../../../src/domain/tokens/pem'
import { hashRefreshToken, newRefreshToken } from '../../../src/domain/tokens/refresh-token'
import { generateSigningKey, isSigningAlgorithm, keyTypeOf, publicKeyKid, SIGNING_ALGORITHMS } from '../../../src/domain/tokens/signing-key'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('generateSigningKey', () => {
  it.each([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const)('%s: Base64 secret of %i random bytes, 9-hex kid, no PEMs', async (algorithm, bytes) => {
    const key = await generateSigningKey({ algorithm, name: 'h' })
    expect(key.id).toMatch(UUID)
    expect(key.kid).toMatch(/^[0-9a-f]{9}$/)
    expect(base64ToBytes(key.secret ?? '').length).toBe(bytes)
    expect(key.secret).toMatch(/^[A-Za-z0-9+/]+=*$/)
    expect(key.privateKeyPem).toBeUndefined()
    expect(key.publicKeyPem).toBeUndefined()
    const again = await generateSigningKey({ algorithm, name: 'h' })
    expect(again.secret).not.toBe(key.secret)
  })

  it.each(['RS256', 'ES256', 'ES512'] as const)('%s: PKCS#8 + SPKI PEMs, kid = base64url SHA-1 of the SPKI DER', async (algorithm) => {
    const key = await generateSigningKey({ algorithm, name: 'pair', id: 'fixed-id' })
    expect(key.id).toBe('fixed-id')
    expect(key.secret).toBeUndefined()
    expect(pemLabel(key.privateKeyPem ?? '')).toBe('PRIVATE KEY')
    expect(pemLabel(key.publicKeyPem ?? '')).toBe('PUBLIC KEY')
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{27}$/)
    const digest = await crypto.subtle.digest('SHA-1', pemToDer(key.publicKeyPem ?? ''))
    expect(key.kid).toBe(bytesToBase64Url(new Uint8Array(digest)))
    expect(await publicKeyKid(key.publicKeyPem ?? '')).toBe(key.kid)
  })

  it('RSA defaults to 2048 bits and refuses odd lengths', async () => {
    const key = await generateSigningKey({ algorithm: 'RS256', name: 'r' })
    // A 2048-bit SPKI is 294 bytes of DER.
    expect(pemToDer(key.publicKeyPem ?? '').length).toBe(294)
    await expect(generateSigningKey({ algorithm: 'RS256', name: 'r', length: 1024 })).rejects.toThrow(RangeError)
  })

  it('names algorithms and key types', () => {
    expect(SIGNING_ALGORITHMS).toHaveLength(9)
    expect(isSigningAlgorithm('RS256')).toBe(true)
    expect(isSigningAlgorithm('none')).toBe(false)
    expect(isSigningAlgorithm('hs256')).toBe(false)
    expect(isSigningAlgorithm(256)).toBe(false)
    expect(keyTypeOf('HS512')).toBe('HMAC')
    expect(keyTypeOf('RS384')).toBe('RSA')
    expect(keyTypeOf('ES512')).toBe('EC')
  })
})

describe('pem helpers', () => {
  it('pemToDer strips armor and whitespace; pemLabel reads the label', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nAAEC\nAw==\n-----END PUBLIC KEY-----\n'
    expect([...pemToDer(pem)]).toEqual([0, 1, 2, 3])
    expect(pemLabel('not a pem')).toBeNull()
  })
})

describe('refresh tokens', () => {
  it('are 54 base64url characters (40 random bytes) and differ each time', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newRefreshToken()))
    expect(tokens.size).toBe(50)
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{54}$/)
      expect(base64ToBytes(token).length).toBe(40)
    }
  })

  it('hash with SHA-256 base64url (known answer for "abc")', async () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(await hashRefreshToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
    expect(await hashRefreshToken('abc')).toBe(await sha256Base64Url('abc'))
  })
})
