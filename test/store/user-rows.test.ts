import { describe, expect, it } from 'vitest'
import { type UserRow, registrationFromRow, storedPasswordFromRow, userFromRow } from '../../src/store/user-rows'

const row = (overrides: Partial<UserRow> = {}): UserRow => ({
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  data: JSON.stringify({ id: 'a1b2c3d4-0000-4000-8000-000000000001', email: 'row@example.com', lastLoginInstant: 1 }),
  password_hash: 'aGFzaA==',
  password_salt: 'c2FsdA==',
  encryption_scheme: 'salted-pbkdf2-hmac-sha256',
  factor: 24000,
  last_login_instant: null,
  ...overrides,
})

describe('user rows', () => {
  it('reads the password columns of a known scheme', () => {
    expect(storedPasswordFromRow(row())).toEqual({ hash: 'aGFzaA==', salt: 'c2FsdA==', scheme: 'salted-pbkdf2-hmac-sha256', factor: 24000 })
  })

  it('gives no password for an unknown scheme or a missing column, so no login can verify against it', () => {
    expect(storedPasswordFromRow(row({ encryption_scheme: 'salted-rot13' }))).toBeNull()
    expect(storedPasswordFromRow(row({ encryption_scheme: null }))).toBeNull()
    expect(storedPasswordFromRow(row({ password_hash: null }))).toBeNull()
    expect(storedPasswordFromRow(row({ password_salt: null }))).toBeNull()
    expect(storedPasswordFromRow(row({ factor: null }))).toBeNull()
  })

  it('takes lastLoginInstant from its own column over the JSON', () => {
    expect(userFromRow(row({ last_login_instant: 5 })).lastLoginInstant).toBe(5)
    expect(userFromRow(row()).lastLoginInstant).toBe(1)
    expect(registrationFromRow({ data: JSON.stringify({ applicationId: 'x' }), last_login_instant: 7 })).toEqual({
      applicationId: 'x',
      lastLoginInstant: 7,
    })
    expect(registrationFromRow({ data: JSON.stringify({ applicationId: 'x' }), last_login_instant: null })).toEqual({ applicationId: 'x' })
  })
})
