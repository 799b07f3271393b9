import type { D1Handle } from './d1-handle'
import type { Application } from '../domain/application'
import type { StoredPassword } from '../domain/password'
import type { Tenant } from '../domain/tenant'
import { type User, loginKey } from '../domain/user'
import { withInheritedRoles } from '../domain/group'
import type { JsonObject } from '../http/fields'
import { attachMemberships, inheritedRolesFromRows, inheritedRolesQuery, MEMBERSHIPS_COLUMN } from './group-store'
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
  /** What the decision was made on, for the guard on the login's one primary write (see stateGuard). */
  readState: LoginReadState
}

/**
 * The parts of a user's stored state a login decision depends on, as they were read: the JSON (active, expiry,
 * passwordChangeRequired, the two-factor methods' view, registrations' copy), the password hash, and how many
 * prevent-login actions were in force. Opaque to domain code, which only hands it back to the store.
 */
export interface LoginReadState {
  readonly userId: string
  readonly data: string
  readonly passwordHash: string | null
  readonly preventingActionCount: number
}

/** A condition a write is made on: SQL over the primary's current rows and its bound values. */
export interface WriteCondition {
  readonly sql: string
  readonly binds: readonly unknown[]
}

/**
 * True on the primary while the user is as the login read them (possibly from a replica that lagged): still active,
 * the same JSON and password hash, and the same number of prevent-login actions in force. A login's one primary
 * write carries it, so a decision made on stale rows writes nothing and is made again at the primary.
 */
function stateGuard(state: LoginReadState, nowMillis: number): WriteCondition {
  return {
    sql: `EXISTS (SELECT 1 FROM users WHERE id = ? AND active = 1 AND data = ? AND password_hash IS ?)
          AND (SELECT COUNT(*) FROM user_actions WHERE user_id = ? AND prevent_login = 1 AND canceled = 0 AND (expiry IS NULL OR expiry > ?)) = ?`,
    binds: [state.userId, state.data, state.passwordHash, state.userId, nowMillis, state.preventingActionCount],
  }
}

/** An application with its tenant. */
export interface ApplicationContext {
  application: Application
  tenant: Tenant
}

/** Which user: a FROM source that yields users as `u`, a WHERE clause, and its bound values (numbered ?1, ?2, ...). */
interface UserMatch {
  users: string
  where: string
  order: string
  binds: unknown[]
}

const LOGIN_ID = '(u.email_key = ?2 OR u.username_key = ?2)'
// An email match wins over a username match (FusionAuth's default loginIdTypes order).
const EMAIL_FIRST = 'ORDER BY (u.email_key = ?2) DESC'

const byLoginId = (tenantId: string, loginId: string): UserMatch => ({
  users: 'users u',
  where: `u.tenant_id = ?1 AND ${LOGIN_ID}`,
  order: EMAIL_FIRST,
  binds: [tenantId, loginKey(loginId)],
})

// A join, not `u.tenant_id = (SELECT ...)`: with the OR, SQLite turns a scalar subquery into a scan of the
// users indexes, while the join keeps both index searches (test/store/login-store.test.ts checks the plans).
const byLoginIdInApplicationTenant = (applicationId: string, loginId: string): UserMatch => ({
  users: 'applications ap JOIN users u ON u.tenant_id = ap.tenant_id',
  where: `ap.id = ?1 AND ${LOGIN_ID}`,
  order: EMAIL_FIRST,
  binds: [applicationId, loginKey(loginId)],
})

const byId = (userId: string): UserMatch => ({ users: 'users u', where: 'u.id = ?1', order: '', binds: [userId] })

/**
 * The login path's reads, batched: the user, its registrations, its two-factor methods and its prevent-login
 * actions in force arrive together, so a login spends one round trip here whatever the user has.
 */
/**
 * The user (with its group memberships), its registrations, its prevent-login actions in force, its two-factor
 * methods (public views) and the roles its groups grant: the SQL and bound values of the five SELECTs a login batches. Exported for the query-plan test.
 */
export function subjectQueries(match: UserMatch, nowMillis: number): { sql: string; binds: unknown[] }[] {
  const { users, where, order, binds } = match
  const now = `?${binds.length + 1}`
  return [
    { sql: `SELECT ${USER_COLUMNS}, ${MEMBERSHIPS_COLUMN} FROM ${users} WHERE ${where} ${order} LIMIT 1`, binds },
    {
      sql: `SELECT r.user_id, r.data, r.last_login_instant FROM ${users} JOIN registrations r ON r.user_id = u.id WHERE ${where} ORDER BY r.insert_instant`,
      binds,
    },
    {
      sql: `SELECT a.user_id, a.data FROM ${users} JOIN user_actions a ON a.user_id = u.id
            WHERE ${where} AND a.prevent_login = 1 AND a.canceled = 0 AND (a.expiry IS NULL OR a.expiry > ${now})`,
      binds: [...binds, nowMillis],
    },
    // Secrets stay in two_factor_methods.secret_encrypted; `data` is the public view (see two-factor-store.ts).
    {
      sql: `SELECT m.user_id, m.data FROM ${users} JOIN two_factor_methods m ON m.user_id = u.id WHERE ${where} ORDER BY m.insert_instant, m.id`,
      binds,
    },
    // The roles the user's groups grant for the applications it is registered to (FusionAuth's group roles).
    { sql: inheritedRolesQuery(users, where), binds },
  ]
}

export const userMatches = { byId, byLoginId, byLoginIdInApplicationTenant }

export class LoginStore {
  constructor(private readonly db: D1Handle) {}

  /** The condition a login's primary write carries: the user is still as `state` was read (see stateGuard). */
  unchangedSince(state: LoginReadState, nowMillis: number): WriteCondition {
    return stateGuard(state, nowMillis)
  }

  /** The condition an unknown login id's failure write carries: still no user of the tenant has this login id. */
  stillUnknown(tenantId: string, loginId: string): WriteCondition {
    return {
      sql: 'NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = ? AND (u.email_key = ? OR u.username_key = ?))',
      binds: [tenantId, loginKey(loginId), loginKey(loginId)],
    }
  }

  /** Whether `condition` holds now, read where this store reads (the primary, for DataContext.primary). */
  async holds(condition: WriteCondition): Promise<boolean> {
    return (
      (
        await this.db
          .prepare(`SELECT ${condition.sql} AS holds`)
          .bind(...condition.binds)
          .first<{ holds: number }>()
      )?.holds === 1
    )
  }

  async findByLoginId(tenantId: string, loginId: string, nowMillis: number): Promise<LoginSubject | null> {
    return parseSubject(await this.db.batch(this.subjectStatements(byLoginId(tenantId, loginId), nowMillis)))
  }

  async findById(userId: string, nowMillis: number): Promise<LoginSubject | null> {
    return parseSubject(await this.db.batch(this.subjectStatements(byId(userId), nowMillis)))
  }

  /**
   * The application, its tenant and the user the login id names in that tenant, in one round trip: the common
   * POST /api/login (with an applicationId) then reads D1 once before it writes once. The caller decides later
   * whether the request may use the application; an unknown application yields no user.
   */
  async findForApplication(
    applicationId: string,
    loginId: string,
    nowMillis: number,
  ): Promise<{ context: ApplicationContext | null; subject: LoginSubject | null }> {
    const match = byLoginIdInApplicationTenant(applicationId, loginId)
    const [context, ...subject] = await this.db.batch([
      this.db
        .prepare('SELECT a.data AS application, t.data AS tenant FROM applications a JOIN tenants t ON t.id = a.tenant_id WHERE a.id = ?')
        .bind(applicationId),
      ...this.subjectStatements(match, nowMillis),
    ])
    // The first SELECT above: two JSON columns this Worker wrote.
    const row = context?.results[0] as { application: string; tenant: string } | undefined
    return {
      context:
        row === undefined
          ? null
          : { application: parseDataColumn<Application>(row.application), tenant: parseDataColumn<Tenant>(row.tenant) },
      subject: parseSubject(subject),
    }
  }

  private subjectStatements(match: UserMatch, nowMillis: number): D1PreparedStatement[] {
    return subjectQueries(match, nowMillis).map(({ sql, binds }) => this.db.prepare(sql).bind(...binds))
  }
}

type OwnedRow = { user_id: string; data: string }

/** Parses the results of subjectStatements (this file's own SELECTs, hence the row casts). */
function parseSubject(results: D1Result[]): LoginSubject | null {
  const [users, registrations, actions, methods, groupRoles] = results
  const row = users?.results[0] as (UserRow & { memberships?: string }) | undefined
  if (row === undefined) return null
  const owned = <T extends { user_id: string }>(result: D1Result | undefined): T[] =>
    ((result?.results ?? []) as T[]).filter((r) => r.user_id === row.id)

  const user = userFromRow(row)
  // A login sees a registration's roles with those the user's groups grant, as FusionAuth issues them in the JWT.
  user.registrations = withInheritedRoles(
    owned<RegistrationRow & { user_id: string }>(registrations).map(registrationFromRow),
    inheritedRolesFromRows(groupRoles?.results ?? [], row.id),
  )
  attachMemberships(user, row.memberships)
  const preventingActions = owned<OwnedRow>(actions).map((a) => parseDataColumn<PreventingAction>(a.data))
  // The methods table is the truth for the two-factor gate; the copy in the user JSON is for display.
  const methodViews = owned<OwnedRow>(methods).map((m) => parseDataColumn<JsonObject>(m.data))
  if (methodViews.length > 0) user.twoFactor = { methods: methodViews }
  else delete user.twoFactor
  const readState: LoginReadState = {
    userId: row.id,
    data: row.data,
    passwordHash: row.password_hash,
    preventingActionCount: preventingActions.length,
  }
  return { user, password: storedPasswordFromRow(row), preventingActions, readState }
}
