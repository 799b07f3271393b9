/**
 * User search SQL over the index of migrations/0008_user_search.sql: `user_search_documents` (one row per user, the
 * five searched fields lower-cased and wrapped in \x02 ... \x03) and `user_search`, its FTS5 trigram index.
 *
 * A queryString pattern (domain/user-search.ts) becomes, for each part, a substring to find; an anchored end adds
 * the wrapper character, so "starts with pied" is the substring "\x02pied". Every part of three or more characters
 * is an FTS5 phrase, which the trigram index finds without a scan and which only matches within one column. What
 * the index cannot decide alone is checked on the matching rows: parts shorter than three characters, and, for
 * several parts, that they occur in that order without overlapping, by a LIKE on the same column. D1 refuses LIKE
 * patterns over 50 bytes; for such a long pattern the check keeps the same-column and the short-part tests but not
 * the order of the parts (a documented difference). A queryString whose every part is shorter than three characters
 * (`jo`, `*a*`) cannot use the index and scans the documents of the tenant (or of all tenants).
 */
import type { User } from '../domain/user'
import type { SortableUserField, TextMatch, TextSearch, UserSearchResult, UserSort } from '../domain/user-search'
import type { D1Handle } from './d1-handle'
import { parseDataColumn } from './json-column'
import { attachMemberships, MEMBERSHIPS_COLUMN } from './group-store'
import { type RegistrationRow, USER_COLUMNS, type UserRow, registrationFromRow, userFromRow } from './user-rows'

/** A statement and its parameters, numbered (?1, ?2, ...) so one value can serve several columns. */
export interface Sql {
  sql: string
  binds: unknown[]
}

const VALUE_START = '\u0002'
const VALUE_END = '\u0003'
const SEARCHED_COLUMNS = ['email', 'username', 'first_name', 'last_name', 'full_name'] as const
/** The trigram tokenizer indexes runs of three characters; a shorter phrase matches nothing. */
const MIN_INDEXED_CHARACTERS = 3
/** D1's SQLITE_LIMIT_LIKE_PATTERN_LENGTH (spec/cloudflare-platform.md). */
const MAX_LIKE_PATTERN_BYTES = 50

/** The user's registrations as one JSON array of registration rows, oldest first, as UserStore.get returns them. */
const REGISTRATIONS = `(SELECT json_group_array(json_object('data', r.data, 'last_login_instant', r.last_login_instant))
  FROM (SELECT data, last_login_instant FROM registrations WHERE user_id = u.id ORDER BY insert_instant) r) AS registrations`

const SORT_EXPRESSIONS: Record<SortableUserField, { sql: string; text: boolean }> = {
  birthDate: { sql: "json_extract(u.data, '$.birthDate')", text: false },
  email: { sql: "json_extract(u.data, '$.email')", text: true },
  fullName: { sql: "json_extract(u.data, '$.fullName')", text: true },
  id: { sql: 'u.id', text: false },
  insertInstant: { sql: 'u.insert_instant', text: false },
  lastLoginInstant: { sql: 'u.last_login_instant', text: false },
  // The identity a login names first: the email, else the username.
  login: { sql: "coalesce(json_extract(u.data, '$.email'), json_extract(u.data, '$.username'))", text: true },
  tenantId: { sql: 'u.tenant_id', text: false },
  username: { sql: "json_extract(u.data, '$.username')", text: true },
}

interface SearchRow extends UserRow {
  registrations: string
  memberships: string
}

class Params {
  readonly values: unknown[] = []

  add(value: unknown): string {
    this.values.push(value)
    return `?${this.values.length}`
  }
}

export class UserSearchStore {
  constructor(private readonly db: D1Handle) {}

  /** One round trip: a page of the matching users and how many match in all. */
  async search(search: TextSearch, tenantId: string | null): Promise<UserSearchResult> {
    const { page, count } = textSearchStatements(search, tenantId)
    const [pageResult, countResult] = await this.db.batch([this.statement(page), this.statement(count)])
    const rows = (pageResult?.results ?? []) as SearchRow[] // this file's SELECT: USER_COLUMNS and registrations
    const total = (countResult?.results[0] as { total: number } | undefined)?.total ?? 0
    return { total, users: rows.map(userOfRow) }
  }

  /** The users with these ids that the tenant scope allows, in the order the ids were given. */
  async byIds(ids: readonly string[], tenantId: string | null): Promise<User[]> {
    const { results } = await this.statement(idSearchStatement(ids, tenantId)).all<SearchRow>()
    const position = new Map(ids.map((id, index) => [id, index]))
    return results.map(userOfRow).sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0))
  }

  private statement({ sql, binds }: Sql): D1PreparedStatement {
    return this.db.prepare(sql).bind(...binds)
  }
}

/** The SELECT of a search by id; the ids travel as one JSON parameter, whatever their number. */
export function idSearchStatement(ids: readonly string[], tenantId: string | null): Sql {
  const params = new Params()
  const conditions = [`u.id IN (SELECT value FROM json_each(${params.add(JSON.stringify(ids))}))`]
  if (tenantId !== null) conditions.push(`u.tenant_id = ${params.add(tenantId)}`)
  return {
    sql: `SELECT ${USER_COLUMNS}, ${REGISTRATIONS}, ${MEMBERSHIPS_COLUMN} FROM users u WHERE ${conditions.join(' AND ')}`,
    binds: params.values,
  }
}

/** The page and count statements of a queryString search (exported for the query-plan tests). */
export function textSearchStatements(search: TextSearch, tenantId: string | null): { page: Sql; count: Sql } {
  const params = new Params()
  const conditions = conditionsFor(search.match, tenantId, params)
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`
  const count = { sql: `SELECT count(*) AS total FROM user_search_documents d ${where}`, binds: [...params.values] }
  const limit = params.add(search.numberOfResults)
  const offset = params.add(search.startRow)
  const page = {
    sql: `SELECT ${USER_COLUMNS}, ${REGISTRATIONS}, ${MEMBERSHIPS_COLUMN}
      FROM user_search_documents d JOIN users u ON u.id = d.user_id
      ${where} ORDER BY ${orderBy(search.sort)} LIMIT ${limit} OFFSET ${offset}`,
    binds: params.values,
  }
  return { page, count }
}

function conditionsFor(match: TextMatch, tenantId: string | null, params: Params): string[] {
  const conditions: string[] = []
  const plan = match.kind === 'everyone' ? null : planOf(match)
  const indexed = plan !== null && plan.phrases.length > 0
  if (indexed)
    conditions.push(
      `d.id IN (SELECT rowid FROM user_search WHERE user_search MATCH ${params.add(matchExpression(plan.phrases, plan.partCount))})`,
    )
  // With a MATCH the index picks the rows; `+` keeps the planner from walking the whole tenant's index instead.
  if (tenantId !== null) conditions.push(`${indexed ? '+' : ''}d.tenant_id = ${params.add(tenantId)}`)
  if (plan?.check.kind === 'like') {
    const pattern = params.add(plan.check.pattern)
    conditions.push(`(${SEARCHED_COLUMNS.map((column) => `d.${column} LIKE ${pattern} ESCAPE '\\'`).join(' OR ')})`)
  } else if (plan?.check.kind === 'contains') {
    const parts = plan.check.parts.map((part) => params.add(part))
    const inColumn = (column: string) => `(${parts.map((part) => `instr(d.${column}, ${part}) > 0`).join(' AND ')})`
    conditions.push(`(${SEARCHED_COLUMNS.map(inColumn).join(' OR ')})`)
  }
  return conditions
}

type Check = { kind: 'none' } | { kind: 'like'; pattern: string } | { kind: 'contains'; parts: string[] }

interface MatchPlan {
  /** Substrings the index can find: parts of at least three characters, with their anchors. */
  phrases: string[]
  partCount: number
  /** What the matching rows must still pass. */
  check: Check
}

function planOf(match: Extract<TextMatch, { kind: 'pattern' }>): MatchPlan {
  const last = match.parts.length - 1
  const anchored = match.parts.map(
    (part, index) =>
      `${index === 0 && match.anchoredStart ? VALUE_START : ''}${part}${index === last && match.anchoredEnd ? VALUE_END : ''}`,
  )
  const isIndexed = (part: string) => [...part].length >= MIN_INDEXED_CHARACTERS
  const phrases = anchored.filter(isIndexed)
  const plan = { phrases, partCount: anchored.length }
  // One part the index can find is the whole answer: a phrase matches exactly that substring within one column.
  if (anchored.length === 1 && phrases.length === 1) return { ...plan, check: { kind: 'none' } }
  const pattern = `%${anchored.map(escapeLike).join('%')}%`
  if (new TextEncoder().encode(pattern).length <= MAX_LIKE_PATTERN_BYTES) return { ...plan, check: { kind: 'like', pattern } }
  const short = anchored.filter((part) => !isIndexed(part))
  return { ...plan, check: short.length === 0 ? { kind: 'none' } : { kind: 'contains', parts: short } }
}

/** One phrase anywhere; several phrases all in the same column (FTS5 column filters). */
function matchExpression(phrases: string[], partCount: number): string {
  const quoted = phrases.map((phrase) => `"${phrase.replaceAll('"', '""')}"`)
  if (partCount === 1) return quoted.join(' ')
  const all = `(${quoted.join(' AND ')})`
  return SEARCHED_COLUMNS.map((column) => `{${column}} : ${all}`).join(' OR ')
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&')

/** The requested order, then document order (creation order) so that pages never overlap. */
function orderBy(sort: readonly UserSort[]): string {
  const terms = sort.map((entry) => {
    const expression = SORT_EXPRESSIONS[entry.field]
    return `${expression.sql}${expression.text ? ' COLLATE NOCASE' : ''} ${entry.descending ? 'DESC' : 'ASC'} NULLS ${entry.missingFirst ? 'FIRST' : 'LAST'}`
  })
  return [...terms, 'd.id'].join(', ')
}

function userOfRow(row: SearchRow): User {
  const user = userFromRow(row)
  user.registrations = parseDataColumn<RegistrationRow[]>(row.registrations).map(registrationFromRow)
  attachMemberships(user, row.memberships)
  return user
}
