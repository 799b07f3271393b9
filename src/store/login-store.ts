import type { StoredPassword } from '../domain/password'
import { type Registration, type User, loginKey } from '../domain/user'
import type { JsonObject } from '../http/fields'
import { parseDataColumn } from './json-column'

/** A prevent-login action in force on a user, as the 409 body shows it. */
export interface PreventingAction extends JsonObject {
  actionId: string
  applicationIds?: string[]
}

/** Everything the login decision needs about one user, read in one D1 round trip. */
export interface LoginSubject {
  user: User
  password: StoredPassword | null
  preventingActions: PreventingAction[]
}

interface UserRow {
  id: string
  data: string
  password_hash: string | null
  password_salt: string | null
  encryption_scheme: string | null
  factor: number | null
  last_login_instant: number | null
}

/**
 * The login path's reads, batched: the user, its registrations, its two-factor methods and its prevent-login actions in force
 * arrive together, so a login spends one round trip here whatever the user has.
 */
export class LoginStore {
  constructor(private readonly db: D1Database) {}

  async findByLoginId(tenantId: string, loginId: string, nowMillis: number): Promise<LoginSubject | null> {
    // An email match wins over a username match (FusionAuth's default loginIdTypes order).
    const match = 'u.tenant_id = ?1 AND (u.email_key = ?2 OR u.username_key = ?2)'
    return this.load(match, 'ORDER BY (u.email_key = ?2) DESC', [tenantId, loginKey(loginId)], nowMillis)
  }

  async findById(userId: string, nowMillis: number): Promise<LoginSubject | null> {
    return this.load('u.id = ?1', '', [userId], nowMillis)
  }

  private async load(match: string, order: string, binds: unknown[], nowMillis: number): Promise<LoginSubject | null> {
    const nowParameter = `?${binds.length + 1}`
    const [users, registrations, actions, methods] = await this.db.batch([
      this.db
        .prepare(
          `SELECT u.id, u.data, u.password_hash, u.password_salt, u.encryption_scheme, u.factor, u.last_login_instant
           FROM users u WHERE ${match} ${order} LIMIT 1`,
        )
        .bind(...binds),
      this.db
        .prepare(`SELECT r.user_id, r.data, r.last_login_instant FROM registrations r JOIN users u ON u.id = r.user_id WHERE ${match} ORDER BY r.insert_instant`)
        .bind(...binds),
      this.db
        .prepare(
          `SELECT a.user_id, a.data FROM user_actions a JOIN users u ON u.id = a.user_id
           WHERE ${match} AND a.prevent_login = 1 AND a.canceled = 0 AND (a.expiry IS NULL OR a.expiry > ${nowParameter})`,
        )
        .bind(...binds, nowMillis),
      // Two-factor methods (public view only; secrets stay in two_factor_methods, see two-factor-store.ts).
      this.db
        .prepare(`SELECT m.user_id, m.data FROM two_factor_methods m JOIN users u ON u.id = m.user_id WHERE ${match} ORDER BY m.insert_instant, m.id`)
        .bind(...binds),
    ])
    // Rows of the three SELECTs above; column names are this file's own.
    const row = users?.results[0] as UserRow | undefined
    if (row === undefined) return null
    const user = parseDataColumn<User>(row.data)
    if (row.last_login_instant !== null) user.lastLoginInstant = row.last_login_instant
    user.registrations = ((registrations?.results ?? []) as { user_id: string; data: string; last_login_instant: number | null }[])
      .filter((r) => r.user_id === row.id)
      .map((r) => {
        const registration = parseDataColumn<Registration>(r.data)
        if (r.last_login_instant !== null) registration.lastLoginInstant = r.last_login_instant
        return registration
      })
    const preventingActions = ((actions?.results ?? []) as { user_id: string; data: string }[])
      .filter((a) => a.user_id === row.id)
      .map((a) => parseDataColumn<PreventingAction>(a.data))
    // The methods table is the truth for the two-factor gate; the copy in the user JSON is for display.
    const methodViews = ((methods?.results ?? []) as { user_id: string; data: string }[])
      .filter((m) => m.user_id === row.id)
      .map((m) => parseDataColumn<JsonObject>(m.data))
    if (methodViews.length > 0) user.twoFactor = { methods: methodViews }
    else delete user.twoFactor
    return { user, password: storedPassword(row), preventingActions }
  }
}

function storedPassword(row: UserRow): StoredPassword | null {
  if (row.password_hash === null || row.password_salt === null || row.encryption_scheme === null || row.factor === null) return null
  return { hash: row.password_hash, salt: row.password_salt, scheme: row.encryption_scheme, factor: row.factor } as StoredPassword
}
