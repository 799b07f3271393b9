import type { D1Handle } from './d1-handle'
import { attachMemberships, MEMBERSHIPS_COLUMN } from './group-store'
import type { StoredPassword } from '../domain/password'
import { type Registration, type User, loginKey } from '../domain/user'
import { type RegistrationRow, USER_COLUMNS, type UserRow, registrationFromRow, storedPasswordFromRow, userFromRow } from './user-rows'

/** A user as stored: the API view plus the password material that never leaves the server. */
export interface UserRecord {
  user: User
  password: StoredPassword | null
}

/** Users and their registrations. A user's `registrations` array is assembled from the registrations table. */
export class UserStore {
  constructor(private readonly db: D1Handle) {}

  /** One round trip: the user and all its registrations. */
  async get(id: string): Promise<UserRecord | null> {
    const [users, registrations] = await this.db.batch([
      this.db.prepare(`SELECT ${USER_COLUMNS}, ${MEMBERSHIPS_COLUMN} FROM users u WHERE u.id = ?`).bind(id),
      this.db.prepare('SELECT data, last_login_instant FROM registrations WHERE user_id = ? ORDER BY insert_instant').bind(id),
    ])
    return assemble(users?.results[0], registrations?.results ?? [])
  }

  /**
   * Finds a user by email or username within a tenant, with registrations, in one round trip.
   * An email match wins over a username match (FusionAuth's default loginIdTypes order).
   */
  async findByLoginId(tenantId: string, loginId: string): Promise<UserRecord | null> {
    const key = loginKey(loginId)
    const match = 'u.tenant_id = ?1 AND (u.email_key = ?2 OR u.username_key = ?2)'
    const [users, registrations] = await this.db.batch([
      this.db
        .prepare(`SELECT ${USER_COLUMNS}, ${MEMBERSHIPS_COLUMN} FROM users u WHERE ${match} ORDER BY (u.email_key = ?2) DESC LIMIT 1`)
        .bind(tenantId, key),
      this.db
        .prepare(
          `SELECT r.data, r.last_login_instant, r.user_id FROM registrations r JOIN users u ON u.id = r.user_id WHERE ${match} ORDER BY r.insert_instant`,
        )
        .bind(tenantId, key),
    ])
    const row = users?.results[0]
    if (row === undefined) return null
    const userId = (row as UserRow).id
    const own = (registrations?.results ?? []).filter((r) => (r as { user_id: string }).user_id === userId)
    return assemble(row, own)
  }

  /**
   * Finds a user in a tenant by email only, username only, or either (email wins), like findByLoginId but
   * honouring FusionAuth's `loginIdTypes`.
   */
  async findByIdentity(tenantId: string, value: string, types: readonly LoginIdType[]): Promise<UserRecord | null> {
    const wantsEmail = types.includes('email')
    const wantsUsername = types.includes('username')
    if (wantsEmail && wantsUsername) return this.findByLoginId(tenantId, value)
    if (!wantsEmail && !wantsUsername) return null
    const column = wantsEmail ? 'email_key' : 'username_key'
    const [users, registrations] = await this.db.batch([
      this.db
        .prepare(`SELECT ${USER_COLUMNS}, ${MEMBERSHIPS_COLUMN} FROM users u WHERE u.tenant_id = ? AND u.${column} = ?`)
        .bind(tenantId, loginKey(value)),
      this.db
        .prepare(
          `SELECT r.data, r.last_login_instant FROM registrations r JOIN users u ON u.id = r.user_id WHERE u.tenant_id = ? AND u.${column} = ? ORDER BY r.insert_instant`,
        )
        .bind(tenantId, loginKey(value)),
    ])
    return assemble(users?.results[0], registrations?.results ?? [])
  }

  /** Which of these ids already exist (any tenant: user ids are global). Chunked under D1's 100-parameter cap. */
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>()
    for (const chunk of chunks(ids, 99)) {
      const { results } = await this.db
        .prepare(`SELECT id AS value FROM users WHERE id IN (${chunk.map(() => '?').join(',')})`)
        .bind(...chunk)
        .all<{ value: string }>()
      for (const row of results) found.add(row.value)
    }
    return found
  }

  /** Which of these lower-cased emails or usernames are taken in the tenant. */
  async takenLoginKeys(tenantId: string, kind: LoginIdType, keys: readonly string[]): Promise<Set<string>> {
    const column = kind === 'email' ? 'email_key' : 'username_key'
    const found = new Set<string>()
    for (const chunk of chunks(keys, 98)) {
      const { results } = await this.db
        .prepare(`SELECT ${column} AS value FROM users WHERE tenant_id = ? AND ${column} IN (${chunk.map(() => '?').join(',')})`)
        .bind(tenantId, ...chunk)
        .all<{ value: string }>()
      for (const row of results) found.add(row.value)
    }
    return found
  }

  async emailTaken(tenantId: string, email: string, exceptUserId = ''): Promise<boolean> {
    const row = await this.db
      .prepare('SELECT 1 FROM users WHERE tenant_id = ? AND email_key = ? AND id != ?')
      .bind(tenantId, loginKey(email), exceptUserId)
      .first()
    return row !== null
  }

  async usernameTaken(tenantId: string, username: string, exceptUserId = ''): Promise<boolean> {
    const row = await this.db
      .prepare('SELECT 1 FROM users WHERE tenant_id = ? AND username_key = ? AND id != ?')
      .bind(tenantId, loginKey(username), exceptUserId)
      .first()
    return row !== null
  }

  async idTaken(id: string): Promise<boolean> {
    return (await this.db.prepare('SELECT 1 FROM users WHERE id = ?').bind(id).first()) !== null
  }

  insertStatement(user: User, password: StoredPassword | null): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO users (id, tenant_id, email_key, username_key, active, password_hash, password_salt, encryption_scheme, factor, data, insert_instant, last_update_instant)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        user.id,
        user.tenantId,
        user.email === undefined ? null : loginKey(user.email),
        user.username === undefined ? null : loginKey(user.username),
        user.active ? 1 : 0,
        password?.hash ?? null,
        password?.salt ?? null,
        password?.scheme ?? null,
        password?.factor ?? null,
        JSON.stringify(withoutRegistrations(user)),
        user.insertInstant,
        user.lastUpdateInstant,
      )
  }

  /** Replaces the user's profile (not its password or registrations). */
  updateStatement(user: User): D1PreparedStatement {
    return this.db
      .prepare('UPDATE users SET email_key = ?, username_key = ?, active = ?, data = ?, last_update_instant = ? WHERE id = ?')
      .bind(
        user.email === undefined ? null : loginKey(user.email),
        user.username === undefined ? null : loginKey(user.username),
        user.active ? 1 : 0,
        JSON.stringify(withoutRegistrations(user)),
        user.lastUpdateInstant,
        user.id,
      )
  }

  async update(user: User): Promise<void> {
    await this.updateStatement(user).run()
  }

  /** Moves lastLoginInstant forward only (MAX): an older redelivery of a login must not move it back. */
  lastLoginStatement(userId: string, instant: number): D1PreparedStatement {
    return this.db
      .prepare('UPDATE users SET last_login_instant = MAX(COALESCE(last_login_instant, 0), ?) WHERE id = ?')
      .bind(instant, userId)
  }

  /** The registration's lastLoginInstant, forward only as lastLoginStatement. */
  registrationLastLoginStatement(userId: string, applicationId: string, instant: number): D1PreparedStatement {
    return this.db
      .prepare(
        'UPDATE registrations SET last_login_instant = MAX(COALESCE(last_login_instant, 0), ?) WHERE user_id = ? AND application_id = ?',
      )
      .bind(instant, userId, applicationId)
  }

  passwordStatement(userId: string, password: StoredPassword): D1PreparedStatement {
    return this.db
      .prepare('UPDATE users SET password_hash = ?, password_salt = ?, encryption_scheme = ?, factor = ? WHERE id = ?')
      .bind(password.hash, password.salt, password.scheme, password.factor, userId)
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.prepare('DELETE FROM users WHERE id = ?').bind(id).run()).meta.changes > 0
  }

  async getRegistration(userId: string, applicationId: string): Promise<Registration | null> {
    const row = await this.db
      .prepare('SELECT data, last_login_instant FROM registrations WHERE user_id = ? AND application_id = ?')
      .bind(userId, applicationId)
      .first<{ data: string; last_login_instant: number | null }>()
    return row ? registrationFromRow(row) : null
  }

  registrationInsertStatement(userId: string, registration: Registration): D1PreparedStatement {
    return this.db
      .prepare(
        'INSERT INTO registrations (id, user_id, application_id, data, insert_instant, last_update_instant) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .bind(
        registration.id,
        userId,
        registration.applicationId,
        JSON.stringify(registration),
        registration.insertInstant,
        registration.lastUpdateInstant,
      )
  }

  registrationUpdateStatement(userId: string, registration: Registration): D1PreparedStatement {
    return this.db
      .prepare('UPDATE registrations SET data = ?, last_update_instant = ? WHERE user_id = ? AND application_id = ?')
      .bind(JSON.stringify(registration), registration.lastUpdateInstant, userId, registration.applicationId)
  }

  async deleteRegistration(userId: string, applicationId: string): Promise<boolean> {
    const result = await this.db
      .prepare('DELETE FROM registrations WHERE user_id = ? AND application_id = ?')
      .bind(userId, applicationId)
      .run()
    return result.meta.changes > 0
  }
}

/** The identities a user can be found by (FusionAuth's `loginIdTypes`). */
export type LoginIdType = 'email' | 'username'

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** The user's own JSON: registrations, memberships and lastLoginInstant live in tables and columns of their own. */
function withoutRegistrations(user: User): Omit<User, 'registrations' | 'lastLoginInstant' | 'memberships'> {
  const { registrations: _registrations, lastLoginInstant: _lastLogin, memberships: _memberships, ...rest } = user
  return rest
}

// Rows of this file's own SELECTs (USER_COLUMNS and registrations' data, last_login_instant).
function assemble(row: unknown, registrationRows: unknown[]): UserRecord | null {
  if (row === undefined || row === null) return null
  const stored = row as UserRow
  const user = userFromRow(stored)
  user.registrations = registrationRows.map((r) => registrationFromRow(r as RegistrationRow))
  attachMemberships(user, (row as { memberships?: unknown }).memberships)
  return { user, password: storedPasswordFromRow(stored) }
}
