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
  const user = parseDataColumn<User>(row.data)
  if (row.last_login_instant !== null) user.lastLoginInstant = row.last_login_instant
  return user
}

export function registrationFromRow(row: RegistrationRow): Registration {
  const registration = parseDataColumn<Registration>(row.data)
  if (row.last_login_instant !== null) registration.lastLoginInstant = row.last_login_instant
  return registration
}

/** The password columns as a StoredPassword, or null for a user without one (or with a scheme this build does not know). */
export function storedPasswordFromRow(row: UserRow): StoredPassword | null {
  const { password_hash: hash, password_salt: salt, encryption_scheme: scheme, factor } = row
  if (hash === null || salt === null || factor === null || !isPasswordScheme(scheme)) return null
  return { hash, salt, scheme, factor }
}
