import { type StoredPassword, isPasswordScheme } from '../domain/password'
import type { Registration, User } from '../domain/user'
import { parseDataColumn } from './json-column'

/** The columns of `users` that the stores read, prefixed for a query aliasing the table as `u`. */
export const USER_COLUMNS = 'u.id, u.data, u.password_hash, u.password_salt, u.encryption_scheme, u.factor, u.last_login_instant'

/** A row selected with USER_COLUMNS. */
export interface UserRow {
  id: string
  data: string
  password_hash: string | null
  password_salt: string | null
  encryption_scheme: string | null
  factor: number | null
  last_login_instant: number | null
}

/** A row of `registrations` with its last login. */
export interface RegistrationRow {
  data: string
  last_login_instant: number | null
}

/** The API view of a user row; lastLoginInstant lives in its own column so a login need not rewrite the JSON. */
export function userFromRow(row: UserRow): User {
  return withLastLoginLast(parseDataColumn<User>(row.data), row.last_login_instant)
}

export function registrationFromRow(row: RegistrationRow): Registration {
  return withLastLoginLast(parseDataColumn<Registration>(row.data), row.last_login_instant)
}

/**
 * lastLoginInstant from its column (else the JSON's), always as the last key: a login then answers with the same
 * key order whether or not the login queue has written the previous login yet.
 */
function withLastLoginLast<T extends { lastLoginInstant?: number }>(value: T, column: number | null): T {
  const instant = column ?? value.lastLoginInstant
  delete value.lastLoginInstant
  if (instant !== undefined) value.lastLoginInstant = instant
  return value
}

/** The password columns as a StoredPassword, or null for a user without one (or with a scheme this build does not know). */
export function storedPasswordFromRow(row: UserRow): StoredPassword | null {
  const { password_hash: hash, password_salt: salt, encryption_scheme: scheme, factor } = row
  if (hash === null || salt === null || factor === null || !isPasswordScheme(scheme)) return null
  return { hash, salt, scheme, factor }
}
