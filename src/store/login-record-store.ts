/**
 * Login history in D1. Every query filters on the indexed columns and orders newest first on (instant, id), so
 * search pages, export pages and purge batches each read one index range (see migrations/0001_core.sql).
 */
import type {
  DisplayableLogin,
  ExportCursor,
  ExportedLoginRecord,
  LoginRecordCriteria,
  LoginRecordSearchResult,
  NewLoginRecord,
} from '../domain/login-record'
import { deleteExpiredRows } from './bounded-delete'
import type { D1Handle } from './d1-handle'

const COLUMNS = [
  'tenant_id',
  'user_id',
  'application_id',
  'login_id',
  'login_id_type',
  'instant',
  'ip_address',
  'authentication_type',
] as const

/** D1 refuses more than 100 bound parameters per statement: 12 rows of 8 columns is 96. */
export const ROWS_PER_INSERT = Math.floor(100 / COLUMNS.length)

const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(', ')})`

interface SearchRow {
  user_id: string
  application_id: string | null
  application_name: string | null
  login_id: string
  login_id_type: string | null
  instant: number
  ip_address: string | null
}

interface ExportRow {
  id: number
  user_id: string
  application_id: string | null
  login_id: string
  login_id_type: string | null
  instant: number
  ip_address: string | null
}

/** A WHERE clause over `login_records r` and its values, in order, plus the index to read. */
interface Filter {
  from: string
  sql: string
  binds: (string | number)[]
}

function filterFor(criteria: LoginRecordCriteria): Filter {
  // Both ends of the time range are inclusive, as in FusionAuth.
  const conditions: [string, string | number | undefined][] = [
    ['r.user_id = ?', criteria.userId],
    ['r.application_id = ?', criteria.applicationId],
    ['r.instant >= ?', criteria.start],
    ['r.instant <= ?', criteria.end],
  ]
  const clauses: string[] = []
  const binds: (string | number)[] = []
  for (const [clause, value] of conditions) {
    if (value === undefined) continue
    clauses.push(clause)
    binds.push(value)
  }
  // With both a user and an application, SQLite (without ANALYZE statistics) picks the application index; a user's
  // handful of records is the far narrower range.
  const hint = criteria.userId !== undefined && criteria.applicationId !== undefined ? ' INDEXED BY login_records_user_instant' : ''
  return { from: `login_records r${hint}`, sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, binds }
}

function valuesOf(record: NewLoginRecord): (string | number | null)[] {
  return [
    record.tenantId,
    record.userId,
    record.applicationId,
    record.loginId,
    record.loginIdType ?? null,
    record.instant,
    record.ipAddress,
    record.authenticationType,
  ]
}

function displayable(row: SearchRow): DisplayableLogin {
  const login: DisplayableLogin = { instant: row.instant, loginId: row.login_id, userId: row.user_id }
  if (row.application_id !== null) login.applicationId = row.application_id
  if (row.application_name !== null) login.applicationName = row.application_name
  if (row.ip_address !== null) login.ipAddress = row.ip_address
  if (row.login_id_type !== null) login.loginIdType = row.login_id_type
  return login
}

export class LoginRecordStore {
  constructor(private readonly db: D1Handle) {}

  /** One record's INSERT that a redelivery of the same record id turns into nothing (see login-events.ts). */
  insertOnceStatement(recordId: string, record: NewLoginRecord): D1PreparedStatement {
    return this.db
      .prepare(`INSERT OR IGNORE INTO login_records (record_id, ${COLUMNS.join(', ')}) VALUES (?, ${COLUMNS.map(() => '?').join(', ')})`)
      .bind(recordId, ...valuesOf(record))
  }

  /** Multi-row INSERTs of at most ROWS_PER_INSERT rows each (for imports, seeding and benchmarks); run them in a batch. */
  insertManyStatements(records: readonly NewLoginRecord[]): D1PreparedStatement[] {
    const statements: D1PreparedStatement[] = []
    for (let offset = 0; offset < records.length; offset += ROWS_PER_INSERT) {
      const chunk = records.slice(offset, offset + ROWS_PER_INSERT)
      const placeholders = chunk.map(() => ROW_PLACEHOLDERS).join(', ')
      statements.push(
        this.db.prepare(`INSERT INTO login_records (${COLUMNS.join(', ')}) VALUES ${placeholders}`).bind(...chunk.flatMap(valuesOf)),
      )
    }
    return statements
  }

  /**
   * A page of matching records, newest first (ties by id, newest insert first), with the application's current
   * name; a deleted application leaves the name out. The count runs only when asked for, in the same round trip.
   */
  async search(
    criteria: LoginRecordCriteria,
    page: { limit: number; offset: number; retrieveTotal: boolean },
  ): Promise<LoginRecordSearchResult> {
    const filter = filterFor(criteria)
    const select = this.db
      .prepare(
        `SELECT r.user_id, r.application_id, a.name AS application_name, r.login_id, r.login_id_type, r.instant, r.ip_address
         FROM ${filter.from} LEFT JOIN applications a ON a.id = r.application_id
         ${filter.sql} ORDER BY r.instant DESC, r.id DESC LIMIT ? OFFSET ?`,
      )
      .bind(...filter.binds, page.limit, page.offset)
    if (!page.retrieveTotal) {
      const { results } = await select.all<SearchRow>()
      return { logins: results.map(displayable) }
    }
    const count = this.db.prepare(`SELECT COUNT(*) AS total FROM ${filter.from} ${filter.sql}`).bind(...filter.binds)
    const [rows, counted] = await this.db.batch<SearchRow | { total: number }>([select, count])
    // The batch's first result holds SearchRows, its second the one count row; both shapes are this query's own.
    const logins = ((rows?.results ?? []) as SearchRow[]).map(displayable)
    const total = ((counted?.results[0] ?? { total: 0 }) as { total: number }).total
    return { logins, total }
  }

  /** Up to `pageSize` matching records strictly older than `after` in (instant, id) order, newest first. */
  async exportPage(criteria: LoginRecordCriteria, after: ExportCursor | null, pageSize: number): Promise<ExportedLoginRecord[]> {
    const filter = filterFor(criteria)
    let where = filter.sql
    const binds = [...filter.binds]
    if (after !== null) {
      // A row-value comparison lets SQLite seek the (…, instant DESC, id DESC) index instead of re-reading skipped rows.
      where += `${where === '' ? 'WHERE' : ' AND'} (r.instant, r.id) < (?, ?)`
      binds.push(after.instant, after.id)
    }
    const { results } = await this.db
      .prepare(
        `SELECT r.id, r.user_id, r.application_id, r.login_id, r.login_id_type, r.instant, r.ip_address
         FROM ${filter.from} ${where} ORDER BY r.instant DESC, r.id DESC LIMIT ?`,
      )
      .bind(...binds, pageSize)
      .all<ExportRow>()
    return results.map((row) => ({
      id: row.id,
      userId: row.user_id,
      loginId: row.login_id,
      loginIdType: row.login_id_type,
      instant: row.instant,
      applicationId: row.application_id,
      ipAddress: row.ip_address,
    }))
  }

  /** Deletes up to `batchSize` records older than `olderThanMillis` (strictly), oldest first; returns how many. */
  async purgeBatch(olderThanMillis: number, batchSize: number): Promise<number> {
    return deleteExpiredRows(this.db, 'login_records', olderThanMillis, batchSize)
  }
}
