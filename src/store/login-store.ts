import type { Application } from '../domain/application'
import type { StoredPassword } from '../domain/password'
import type { Tenant } from '../domain/tenant'
import { type User, loginKey } from '../domain/user'
import type { JsonObject } from '../http/fields'
import { parseDataColumn } from './json-column'
import { type RegistrationRow, USER_COLUMNS, type UserRow, registrationFromRow, storedPasswordFromRow, userFromRow } from './user-rows'

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

/** An application with its tenant. */
export interface ApplicationContext {
  application: Application
  tenant: Tenant
}

/** A WHERE clause on users `u` with its bound values (numbered ?1, ?2, ...). */
interface UserMatch {
  where: string
  order: string
  binds: unknown[]
}

// An email match wins over a username match (FusionAuth's default loginIdTypes order).
const byLoginId = (tenantExpression: string, tenantBind: string, loginId: string): UserMatch => ({
  where: `u.tenant_id = ${tenantExpression} AND (u.email_key = ?2 OR u.username_key = ?2)`,
  order: 'ORDER BY (u.email_key = ?2) DESC',
  binds: [tenantBind, loginKey(loginId)],
})

/**
 * The login path's reads, batched: the user, its registrations, its two-factor methods and its prevent-login
 * actions in force arrive together, so a login spends one round trip here whatever the user has.
 */
export class LoginStore {
  constructor(private readonly db: D1Database) {}

  async findByLoginId(tenantId: string, loginId: string, nowMillis: number): Promise<LoginSubject | null> {
    const match = byLoginId('?1', tenantId, loginId)
    return parseSubject(await this.db.batch(this.subjectStatements(match, nowMillis)))
  }

  async findById(userId: string, nowMillis: number): Promise<LoginSubject | null> {
    return parseSubject(await this.db.batch(this.subjectStatements({ where: 'u.id = ?1', order: '', binds: [userId] }, nowMillis)))
  }

  /**
   * The application, its tenant and the user the login id names in that tenant, in one round trip: the common
   * POST /api/login (with an applicationId) then reads D1 once before it writes once. The caller decides later
   * whether the request may use the application; an unknown application yields no user.
   */
  async findForApplication(applicationId: string, loginId: string, nowMillis: number): Promise<{ context: ApplicationContext | null; subject: LoginSubject | null }> {
    const match = byLoginId('(SELECT tenant_id FROM applications WHERE id = ?1)', applicationId, loginId)
    const [context, ...subject] = await this.db.batch([
      this.db
        .prepare('SELECT a.data AS application, t.data AS tenant FROM applications a JOIN tenants t ON t.id = a.tenant_id WHERE a.id = ?')
        .bind(applicationId),
      ...this.subjectStatements(match, nowMillis),
    ])
    // The first SELECT above: two JSON columns this Worker wrote.
    const row = context?.results[0] as { application: string; tenant: string } | undefined
    return {
      context: row === undefined ? null : { application: parseDataColumn<Application>(row.application), tenant: parseDataColumn<Tenant>(row.tenant) },
      subject: parseSubject(subject),
    }
  }

  private subjectStatements(match: UserMatch, nowMillis: number): D1PreparedStatement[] {
    const { where, order, binds } = match
    const now = `?${binds.length + 1}`
    return [
      this.db.prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE ${where} ${order} LIMIT 1`).bind(...binds),
      this.db
        .prepare(`SELECT r.user_id, r.data, r.last_login_instant FROM registrations r JOIN users u ON u.id = r.user_id WHERE ${where} ORDER BY r.insert_instant`)
        .bind(...binds),
      this.db
        .prepare(
          `SELECT a.user_id, a.data FROM user_actions a JOIN users u ON u.id = a.user_id
           WHERE ${where} AND a.prevent_login = 1 AND a.canceled = 0 AND (a.expiry IS NULL OR a.expiry > ${now})`,
        )
        .bind(...binds, nowMillis),
      // Two-factor methods (public view only; secrets stay in two_factor_methods, see two-factor-store.ts).
      this.db
        .prepare(`SELECT m.user_id, m.data FROM two_factor_methods m JOIN users u ON u.id = m.user_id WHERE ${where} ORDER BY m.insert_instant, m.id`)
        .bind(...binds),
    ]
  }
}

type OwnedRow = { user_id: string; data: string }

/** Parses the results of subjectStatements (this file's own SELECTs, hence the row casts). */
function parseSubject(results: D1Result[]): LoginSubject | null {
  const [users, registrations, actions, methods] = results
  const row = users?.results[0] as UserRow | undefined
  if (row === undefined) return null
  const owned = <T extends { user_id: string }>(result: D1Result | undefined): T[] => ((result?.results ?? []) as T[]).filter((r) => r.user_id === row.id)

  const user = userFromRow(row)
  user.registrations = owned<RegistrationRow & { user_id: string }>(registrations).map(registrationFromRow)
  const preventingActions = owned<OwnedRow>(actions).map((a) => parseDataColumn<PreventingAction>(a.data))
  // The methods table is the truth for the two-factor gate; the copy in the user JSON is for display.
  const methodViews = owned<OwnedRow>(methods).map((m) => parseDataColumn<JsonObject>(m.data))
  if (methodViews.length > 0) user.twoFactor = { methods: methodViews }
  else delete user.twoFactor
  return { user, password: storedPasswordFromRow(row), preventingActions }
}
