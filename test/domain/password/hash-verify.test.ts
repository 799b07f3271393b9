import { describe, expect, it, vi } from 'vitest'
import {
  generateSalt,
  hashPassword,
  needsRehash,
  PASSWORD_SCHEMES,
  verifyPassword,
  type PasswordScheme,
  type StoredPassword,
} from '../../../src/domain/password'
import { base64ToBytes } from '../../../src/domain/crypto/encoding'

// Small factors keep the suite fast; the 100,000 case is in vectors.test.ts.
const FAST: Record<PasswordScheme, number> = {
  'salted-pbkdf2-hmac-sha256': 1_000,
  'salted-pbkdf2-hmac-sha256-512': 1_000,
  'salted-pbkdf2-hmac-sha512-512': 1_000,
  'salted-sha256': 3,
  'salted-md5': 3,
  'salted-hmac-sha256': 1,
  bcrypt: 4,
}

const HASH_LENGTHS: Record<PasswordScheme, number> = {
  'salted-pbkdf2-hmac-sha256': 44,
  'salted-pbkdf2-hmac-sha256-512': 88,
  'salted-pbkdf2-hmac-sha512-512': 88,
  'salted-sha256': 44,
  'salted-md5': 24,
  'salted-hmac-sha256': 44,
  bcrypt: 31,
}

describe('hashPassword and verifyPassword round trips', () => {
  for (const scheme of PASSWORD_SCHEMES) {
    it(scheme, async () => {
      const factor = FAST[scheme]
      const stored = await hashPassword('correct horse ✓', scheme, factor)
      expect(stored.scheme).toBe(scheme)
      expect(stored.factor).toBe(factor)
      expect(stored.hash).toHaveLength(HASH_LENGTHS[scheme])
      expect(await verifyPassword('correct horse ✓', stored)).toBe(true)
      expect(await verifyPassword('correct horse', stored)).toBe(false)
      expect(await verifyPassword('', stored)).toBe(false)

      const again = await hashPassword('correct horse ✓', scheme, factor)
      expect(again.salt).not.toBe(stored.salt)
      expect(again.hash).not.toBe(stored.hash)
    })
  }
})

describe('salts', () => {
  it('are 32 random bytes in standard Base64, or 22 bcrypt characters', () => {
    const salt = generateSalt()
    expect(salt).toHaveLength(44)
    expect(salt).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(base64ToBytes(salt)).toHaveLength(32)
    expect(generateSalt()).not.toBe(salt)
    expect(generateSalt('salted-md5')).toHaveLength(44)
    expect(generateSalt('bcrypt')).toMatch(/^[./A-Za-z0-9]{22}$/)
  })
})

describe('verifyPassword refusals', () => {
  it('returns false for passwords over 256 characters without hashing', async () => {
    const exact = 'a'.repeat(256)
    const stored = await hashPassword(exact, 'salted-pbkdf2-hmac-sha256', 1_000)
    expect(await verifyPassword(exact, stored)).toBe(true)

    const tooLong = 'a'.repeat(257)
    const longStored = { ...stored }
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    expect(await verifyPassword(tooLong, longStored)).toBe(false)
    expect(importKey).not.toHaveBeenCalled()
    importKey.mockRestore()
    await expect(hashPassword(tooLong, 'salted-pbkdf2-hmac-sha256', 1_000)).rejects.toThrow(RangeError)
  })

  it('returns false (never throws) for corrupt stored data', async () => {
    const good = await hashPassword('secret', 'salted-sha256', 2)
    const goodBcrypt = await hashPassword('secret', 'bcrypt', 4)
    const corrupt: StoredPassword[] = [
      { ...good, salt: '***not base64***' },
      { ...good, hash: '' },
      { ...good, hash: good.hash.slice(0, -2) },
      { ...good, factor: 0 },
      { ...good, factor: Number.NaN },
      { ...good, scheme: 'salted-pbkdf2-hmac-sha256', factor: 100_001 },
      { ...good, scheme: 'salted-hmac-sha256', salt: '' },
      { ...goodBcrypt, salt: 'short' },
      { ...goodBcrypt, factor: 40 },
      { ...goodBcrypt, hash: `${goodBcrypt.hash}x` },
    ]
    for (const stored of corrupt) expect(await verifyPassword('secret', stored), JSON.stringify(stored)).toBe(false)

    // Data from outside may carry a scheme name the type does not allow.
    const unknownScheme: unknown = { ...good, scheme: 'phpass-md5' }
    expect(await verifyPassword('secret', unknownScheme as StoredPassword)).toBe(false)
    // The originals still verify, so the falses above come from the corruption.
    expect(await verifyPassword('secret', good)).toBe(true)
    expect(await verifyPassword('secret', goodBcrypt)).toBe(true)
  })

  it('accepts an empty salt where the scheme can (imports may carry one)', async () => {
    const stored: StoredPassword = {
      scheme: 'salted-sha256',
      factor: 1,
      salt: '',
      // SHA-256("password"), Base64
      hash: 'XohImNooBHFR0OVvjcYpJ3NgPQ1qq73WKhHvch0VQtg=',
    }
    expect(await verifyPassword('password', stored)).toBe(true)
  })
})

describe('needsRehash', () => {
  const stored: StoredPassword = { scheme: 'salted-pbkdf2-hmac-sha256', factor: 24_000, salt: 'x', hash: 'y' }

  it('is false when scheme and factor match the tenant', () => {
    expect(needsRehash(stored, 'salted-pbkdf2-hmac-sha256', 24_000)).toBe(false)
  })

  it('is true when the factor or the scheme differs', () => {
    expect(needsRehash(stored, 'salted-pbkdf2-hmac-sha256', 100_000)).toBe(true)
    expect(needsRehash(stored, 'salted-pbkdf2-hmac-sha256', 10_000)).toBe(true)
    expect(needsRehash(stored, 'salted-pbkdf2-hmac-sha512-512', 24_000)).toBe(true)
    expect(needsRehash({ ...stored, scheme: 'salted-md5', factor: 1 }, 'salted-pbkdf2-hmac-sha256', 24_000)).toBe(true)
    expect(needsRehash({ ...stored, scheme: 'bcrypt', factor: 10 }, 'bcrypt', 12)).toBe(true)
  })

  it('never asks for a re-hash into a configuration hashPassword would refuse', () => {
    expect(needsRehash(stored, 'salted-pbkdf2-hmac-sha256', 600_000)).toBe(false)
    expect(needsRehash(stored, 'bcrypt', 31)).toBe(false)
  })
})
