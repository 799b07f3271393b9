import { describe, expect, it } from 'vitest'
import { deriveHash, splitBcrypt, verifyPassword, type PasswordScheme, type StoredPassword } from '../../../src/domain/password'

// Known answers. PBKDF2-SHA256-512 at 27,500 is the FusionAuth contrib plugin's test vector; the others were
// computed independently with Python's hashlib/hmac (pbkdf2_hmac, sha256, md5, hmac.new) for the same inputs.
const SALT = 'jVqbuA9k2Mlo37OWXBMKLw=='

const VECTORS: ReadonlyArray<{ scheme: PasswordScheme; password: string; factor: number; hash: string }> = [
  {
    scheme: 'salted-pbkdf2-hmac-sha256-512',
    password: 'password',
    factor: 27_500,
    hash: 'LjFqvhPuUHJdQvWIwVQfqxjeujAWqG/DVQRFoOv62/cTznl9ob4jwWwY6i1RrwGviu5iNPU5VIp03SxDyetyfw==',
  },
  { scheme: 'salted-pbkdf2-hmac-sha256', password: 'password', factor: 27_500, hash: 'LjFqvhPuUHJdQvWIwVQfqxjeujAWqG/DVQRFoOv62/c=' },
  { scheme: 'salted-pbkdf2-hmac-sha256', password: 'password', factor: 1_000, hash: 'ssGGK99fLIG8ngLAXjeB6+l/yEvKEyPXhUcJHG008wg=' },
  // UTF-8 password bytes, as Java's PBEKeySpec(char[]) uses.
  { scheme: 'salted-pbkdf2-hmac-sha256', password: 'pässwörd✓', factor: 1_000, hash: 'RzY9j9e9w+ra98CrObmyHw/wlvwso8b5T+UP/RtyKyA=' },
  {
    scheme: 'salted-pbkdf2-hmac-sha512-512',
    password: 'password',
    factor: 1_000,
    hash: 'RkPneJ3uREPQs1XvY7bCiUxO+LwKgYMgc1N3LRM7LwgRph+Xtczf/s/wNBPoBXpl5UEdoMAodvuCh+TnzYL+HA==',
  },
  { scheme: 'salted-sha256', password: 'password', factor: 1, hash: 'PQR2dLr62m94/Y8kgyWKg8CHdbFlSeHGNdgK52z2mpw=' },
  { scheme: 'salted-sha256', password: 'password', factor: 3, hash: 'm4QMfxLtsTTeJ1e0Knw7hHfa9iqnHhHDRDX7UkFvSf8=' },
  { scheme: 'salted-sha256', password: 'pässwörd✓', factor: 2, hash: 'kjSruMOK9UAIVh6wWq9LyQ54MBBsTVJ3sYMp33UW4Gg=' },
  { scheme: 'salted-sha256', password: 'password', factor: 20_000, hash: 'ScRzyhwUqFcCU//J6Aq4iXzEJa5ySjzdNM+ia7uWE60=' },
  { scheme: 'salted-md5', password: 'password', factor: 1, hash: '4onoP2P3OxUnlJzTGONgjA==' },
  { scheme: 'salted-md5', password: 'password', factor: 20_000, hash: 'ee1mq4b+7KtiZt1uOOgy7A==' },
  // The factor is ignored by salted-hmac-sha256.
  { scheme: 'salted-hmac-sha256', password: 'password', factor: 1, hash: 'RrWBY+6K2kXmO9xAW6bK9m+Njf5Pe4E8wUY9vmAv2sY=' },
  { scheme: 'salted-hmac-sha256', password: 'password', factor: 7, hash: 'RrWBY+6K2kXmO9xAW6bK9m+Njf5Pe4E8wUY9vmAv2sY=' },
]

describe('known-answer vectors', () => {
  for (const vector of VECTORS) {
    it(`${vector.scheme} factor ${vector.factor} (${vector.password})`, async () => {
      expect(await deriveHash(vector.password, vector.scheme, SALT, vector.factor)).toBe(vector.hash)
      const stored: StoredPassword = { scheme: vector.scheme, factor: vector.factor, salt: SALT, hash: vector.hash }
      expect(await verifyPassword(vector.password, stored)).toBe(true)
      expect(await verifyPassword(`${vector.password}x`, stored)).toBe(false)
    })
  }

  it('PBKDF2-HMAC-SHA256 at the 100,000-iteration maximum', async () => {
    expect(await deriveHash('password', 'salted-pbkdf2-hmac-sha256', SALT, 100_000)).toBe('PkyNWc0rMwmgLTQ9E864b5RAzyJRGQHAEwsY9Gsgd84=')
  })
})

// Openwall / jBCrypt test vectors, also checked against bcryptjs in Node.
const BCRYPT_VECTORS: ReadonlyArray<[password: string, encoded: string]> = [
  ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['U*U*', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK'],
  ['U*U*U', '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a'],
  ['', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy'],
  ['abc', '$2a$10$WvvTPHKwdBJ3uk0Z37EMR.hLA2W6N9AEBhEgrAOljy2Ae5MtaSIUi'],
]

describe('bcrypt in FusionAuth split form', () => {
  it('splits a modular-crypt string the way FusionAuth imports it', () => {
    expect(splitBcrypt('$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy')).toEqual({
      factor: 10,
      salt: 'N9qo8uLOickgx2ZMRZoMye',
      hash: 'IjZAgcfl7p92ldGxad68LJZdL17lhWy',
    })
    expect(splitBcrypt('$2y$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy')?.factor).toBe(12)
    expect(splitBcrypt('$2a$10$tooShort')).toBeNull()
    expect(splitBcrypt('$1$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy')).toBeNull()
  })

  for (const [password, encoded] of BCRYPT_VECTORS) {
    it(`verifies ${JSON.stringify(password)} against ${encoded.slice(0, 7)}`, async () => {
      const parts = splitBcrypt(encoded)
      expect(parts).not.toBeNull()
      if (parts === null) return
      const stored: StoredPassword = { scheme: 'bcrypt', ...parts }
      expect(await deriveHash(password, 'bcrypt', parts.salt, parts.factor)).toBe(parts.hash)
      expect(await verifyPassword(password, stored)).toBe(true)
      expect(await verifyPassword(`${password}!`, stored)).toBe(false)
    })
  }
})
