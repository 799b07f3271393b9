import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  DEFAULT_FACTOR,
  defaultFactor,
  deriveHash,
  factorError,
  hashPassword,
  isPasswordScheme,
  isPbkdf2Scheme,
  MAX_BCRYPT_COST,
  MAX_DIGEST_FACTOR,
  MAX_PBKDF2_FACTOR,
  PASSWORD_SCHEMES,
  type Pbkdf2Scheme,
} from '../../../src/domain/password'
import { derivePbkdf2 } from '../../../src/domain/password/pbkdf2'
import { bcryptHash } from '../../../src/domain/password/bcrypt'
import { iteratedDigestHash } from '../../../src/domain/password/legacy'

const PBKDF2_SCHEMES: Pbkdf2Scheme[] = ['salted-pbkdf2-hmac-sha256', 'salted-pbkdf2-hmac-sha256-512', 'salted-pbkdf2-hmac-sha512-512']
const SALT = 'jVqbuA9k2Mlo37OWXBMKLw=='

afterEach(() => {
  vi.restoreAllMocks()
})

describe('scheme names', () => {
  it('lists exactly the seven supported FusionAuth names', () => {
    expect([...PASSWORD_SCHEMES].sort()).toEqual(
      [
        'bcrypt',
        'salted-hmac-sha256',
        'salted-md5',
        'salted-pbkdf2-hmac-sha256',
        'salted-pbkdf2-hmac-sha256-512',
        'salted-pbkdf2-hmac-sha512-512',
        'salted-sha256',
      ].sort(),
    )
    for (const scheme of PASSWORD_SCHEMES) expect(isPasswordScheme(scheme)).toBe(true)
    for (const other of ['phpass-md5', 'PBKDF2', '', null, 7, 'salted-sha256 ']) expect(isPasswordScheme(other)).toBe(false)
    expect(PASSWORD_SCHEMES.filter(isPbkdf2Scheme)).toEqual(PBKDF2_SCHEMES)
  })
})

describe('factor limits', () => {
  it('keeps the default PBKDF2 factor within what production Workers allow', () => {
    expect(MAX_PBKDF2_FACTOR).toBe(100_000)
    expect(DEFAULT_FACTOR).toBeLessThanOrEqual(MAX_PBKDF2_FACTOR)
    for (const scheme of PASSWORD_SCHEMES) expect(factorError(scheme, defaultFactor(scheme))).toBeNull()
    expect(defaultFactor('salted-pbkdf2-hmac-sha256')).toBe(100_000)
    expect(defaultFactor('salted-sha256')).toBe(20_000)
    expect(defaultFactor('salted-md5')).toBe(20_000)
    expect(defaultFactor('salted-hmac-sha256')).toBe(1)
    expect(defaultFactor('bcrypt')).toBe(10)
  })

  for (const scheme of PBKDF2_SCHEMES) {
    it(`${scheme}: accepts 1..100,000 and refuses 100,001 before any WebCrypto call`, async () => {
      expect(factorError(scheme, 1)).toBeNull()
      expect(factorError(scheme, 100_000)).toBeNull()
      expect(factorError(scheme, 100_001)).toMatch(/at most 100,000/)
      expect(factorError(scheme, 600_000)).not.toBeNull()

      const importKey = vi.spyOn(crypto.subtle, 'importKey')
      const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits')
      await expect(deriveHash('password', scheme, SALT, 100_001)).rejects.toThrow(RangeError)
      await expect(hashPassword('password', scheme, 100_001)).rejects.toThrow(RangeError)
      expect(importKey).not.toHaveBeenCalled()
      expect(deriveBits).not.toHaveBeenCalled()
    })
  }

  it('derivePbkdf2 itself refuses out-of-range iterations without calling WebCrypto', async () => {
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits')
    const password = new TextEncoder().encode('password')
    for (const iterations of [100_001, 1_000_000, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(derivePbkdf2(password, new Uint8Array(16), iterations, 'SHA-256', 256)).rejects.toThrow(RangeError)
    }
    expect(deriveBits).not.toHaveBeenCalled()
    // The guard is not simply refusing everything.
    expect((await derivePbkdf2(password, new Uint8Array(16), 1, 'SHA-256', 256)).length).toBe(32)
    expect(deriveBits).toHaveBeenCalledTimes(1)
  })

  it('refuses non-integers and values below 1 for every scheme', () => {
    for (const scheme of PASSWORD_SCHEMES) {
      for (const bad of [0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(factorError(scheme, bad), `${scheme} ${bad}`).not.toBeNull()
      }
    }
  })

  it('bounds the digest schemes and bcrypt', async () => {
    expect(factorError('salted-sha256', MAX_DIGEST_FACTOR)).toBeNull()
    expect(factorError('salted-sha256', MAX_DIGEST_FACTOR + 1)).not.toBeNull()
    expect(factorError('salted-md5', MAX_DIGEST_FACTOR + 1)).not.toBeNull()
    await expect(iteratedDigestHash('salted-md5', 'p', new Uint8Array(4), MAX_DIGEST_FACTOR + 1)).rejects.toThrow(RangeError)

    expect(factorError('bcrypt', 3)).not.toBeNull()
    expect(factorError('bcrypt', 4)).toBeNull()
    expect(factorError('bcrypt', MAX_BCRYPT_COST)).toBeNull()
    expect(factorError('bcrypt', MAX_BCRYPT_COST + 1)).not.toBeNull()
    expect(factorError('bcrypt', 31)).not.toBeNull()
    await expect(bcryptHash('p', 'CCCCCCCCCCCCCCCCCCCCC.', 31)).rejects.toThrow(RangeError)
    await expect(bcryptHash('p', 'not a bcrypt salt', 5)).rejects.toThrow(RangeError)

    // The factor of salted-hmac-sha256 is ignored, so any Java int is fine.
    expect(factorError('salted-hmac-sha256', 2_147_483_647)).toBeNull()
    expect(factorError('salted-hmac-sha256', 2_147_483_648)).not.toBeNull()
  })
})
