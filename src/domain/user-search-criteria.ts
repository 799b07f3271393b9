/**
 * Reads a user search from a query string (GET) or a JSON body (POST `{search: {...}}`) into a UserSearch, or
 * throws a 400 with every problem found. GET and POST take the same fields; errors name them without (GET) or
 * with (POST) the `search.` prefix, as FusionAuth's field paths do.
 *
 * `ids` wins over `queryString` (FusionAuth: "mutually exclusive, listed in order of precedence"). The
 * Elasticsearch-only fields are refused rather than ignored: `query` (raw Elasticsearch JSON) has no meaning for the
 * database engine, and `nextResults` is a token only Elasticsearch hands out; silently dropping either would answer
 * a different question than the caller asked.
 */
import { Errors, codes } from '../http/errors'
import { FieldReader, isObject, isUuid } from '../http/fields'
import { DEFAULT_NUMBER_OF_RESULTS, DEFAULT_START_ROW, MAX_JAVA_INT, MAX_NUMBER_OF_RESULTS } from './login-record'
import { QueryReader, checkRange } from './login-record-criteria'
import { SORTABLE_USER_FIELDS, type SortableUserField, type UserSearch, type UserSort, textMatchOf } from './user-search'

/**
 * At most this many ids per search: a search by id is not paginated, so this bounds the response as
 * MAX_NUMBER_OF_RESULTS bounds a page. FusionAuth has no documented cap.
 */
export const MAX_SEARCH_IDS = MAX_NUMBER_OF_RESULTS

/** More sort fields than sortable fields can only repeat one. */
export const MAX_SORT_FIELDS = SORTABLE_USER_FIELDS.length

/**
 * `*`-separated parts in one queryString. Each part is bound once in the SQL (D1 allows 100 parameters per
 * statement), and no real search needs more.
 */
export const MAX_QUERY_STRING_PARTS = 32

/** What both readers find, before the shared checks. */
interface RawSearch {
  ids: string[]
  queryString: string | undefined
  numberOfResults: number | undefined
  startRow: number | undefined
  sort: UserSort[]
}

/** `GET /api/user/search?ids=..&ids=..` or `?queryString=..&numberOfResults&startRow&sortFields[0].name=..`. */
export function readUserSearchQuery(query: URLSearchParams): UserSearch {
  const errors = new Errors()
  const reader = new QueryReader(query, errors)
  const ids: string[] = []
  for (const value of query.getAll('ids')) {
    if (value === '') continue
    if (isUuid(value)) ids.push(value.toLowerCase())
    else {
      const detail = codes.couldNotConvert('ids', value)
      errors.field('ids', detail.code, detail.message)
    }
  }
  for (const name of ['query', 'nextResults'] as const) {
    if ((query.get(name) ?? '') !== '') refuseElasticsearchField(errors, name)
  }
  reader.boolean('accurateTotal')
  const raw: RawSearch = {
    ids,
    queryString: reader.string('queryString'),
    numberOfResults: checkRange(errors, 'numberOfResults', reader.int('numberOfResults'), MAX_NUMBER_OF_RESULTS),
    startRow: checkRange(errors, 'startRow', reader.int('startRow'), MAX_JAVA_INT),
    sort: sortFieldsOfQuery(query, errors),
  }
  return finish(raw, errors, '')
}

/** `POST /api/user/search` with `{search: {ids | queryString, numberOfResults, startRow, sortFields, accurateTotal}}`. */
export function readUserSearchBody(body: unknown): UserSearch {
  const errors = new Errors()
  const search = FieldReader.body(body, errors).object('search')
  for (const name of ['query', 'nextResults'] as const) {
    if (search.has(name)) refuseElasticsearchField(errors, search.path(name))
  }
  search.boolean('accurateTotal')
  const raw: RawSearch = {
    ids: idsOfBody(search),
    queryString: search.string('queryString'),
    numberOfResults: checkRange(errors, search.path('numberOfResults'), search.integer('numberOfResults'), MAX_NUMBER_OF_RESULTS),
    startRow: checkRange(errors, search.path('startRow'), search.integer('startRow'), MAX_JAVA_INT),
    sort: sortFieldsOfBody(search),
  }
  return finish(raw, errors, 'search.')
}

function refuseElasticsearchField(errors: Errors, path: string): void {
  errors.field(
    path,
    `[invalid]${path}`,
    `The [${path}] property is only supported by the Elasticsearch search engine; this server uses the database search engine. Search with [ids] or [queryString] instead.`,
  )
}

function finish(raw: RawSearch, errors: Errors, prefix: string): UserSearch {
  const idsPath = `${prefix}ids`
  const queryStringPath = `${prefix}queryString`
  const ids = [...new Set(raw.ids)]
  if (ids.length > MAX_SEARCH_IDS)
    errors.field(idsPath, `[tooMany]${idsPath}`, `The [${idsPath}] property may hold at most ${MAX_SEARCH_IDS} ids.`)
  const queryString = raw.queryString?.trim() === '' ? undefined : raw.queryString
  const match = queryString === undefined ? undefined : textMatchOf(queryString)
  if (match?.kind === 'pattern' && match.parts.length > MAX_QUERY_STRING_PARTS) {
    errors.field(
      queryStringPath,
      `[invalid]${queryStringPath}`,
      `The [${queryStringPath}] property may hold at most ${MAX_QUERY_STRING_PARTS} pieces of text between [*] wildcards.`,
    )
  }
  if (errors.empty && ids.length === 0 && match === undefined) {
    errors.general('[invalid]', `You must specify either the [${idsPath}] or [${queryStringPath}] property.`)
  }
  errors.throwIfAny()
  if (ids.length > 0) return { kind: 'ids', ids }
  // Unreachable: with no ids and no match an error was thrown above.
  if (match === undefined) throw new Error('user search without criteria')
  return {
    kind: 'text',
    match,
    numberOfResults: raw.numberOfResults ?? DEFAULT_NUMBER_OF_RESULTS,
    startRow: raw.startRow ?? DEFAULT_START_ROW,
    sort: raw.sort,
  }
}

function idsOfBody(search: FieldReader): string[] {
  const value = search.source.ids
  if (value === undefined || value === null) return []
  if (Array.isArray(value) && value.every(isUuid)) return value.map((id) => id.toLowerCase())
  const path = search.path('ids')
  search.errors.field(path, `[invalid]${path}`, `Invalid [${path}] property. Expected an array of UUIDs.`)
  return []
}

const SORT_PARAMETER = /^sortFields\[(\d{1,3})\]\.(name|order|missing)$/

/** `sortFields[0].name=email&sortFields[0].order=desc&...`, in index order. */
function sortFieldsOfQuery(query: URLSearchParams, errors: Errors): UserSort[] {
  const byIndex = new Map<number, Record<string, string>>()
  for (const [key, value] of query) {
    const found = SORT_PARAMETER.exec(key)
    if (found === null || value === '') continue
    const index = Number(found[1])
    const entry = byIndex.get(index) ?? {}
    entry[found[2] ?? 'name'] = value
    byIndex.set(index, entry)
  }
  const entries = [...byIndex.entries()].sort(([a], [b]) => a - b)
  return sortFieldsOf(
    entries.map(([index, entry]) => new FieldReader(entry, errors, `sortFields[${index}]`)),
    'sortFields',
    errors,
  )
}

function sortFieldsOfBody(search: FieldReader): UserSort[] {
  const value = search.source.sortFields
  const path = search.path('sortFields')
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every(isObject)) {
    search.errors.field(path, `[invalid]${path}`, `Invalid [${path}] property. Expected an array of objects.`)
    return []
  }
  return sortFieldsOf(
    value.map((entry, index) => new FieldReader(entry, search.errors, `${path}[${index}]`)),
    path,
    search.errors,
  )
}

function sortFieldsOf(entries: FieldReader[], path: string, errors: Errors): UserSort[] {
  if (entries.length > MAX_SORT_FIELDS) {
    errors.field(path, `[tooMany]${path}`, `The [${path}] property may hold at most ${MAX_SORT_FIELDS} fields.`)
    return []
  }
  const sorts: UserSort[] = []
  for (const entry of entries) {
    const sort = sortFieldOf(entry)
    if (sort !== undefined) sorts.push(sort)
  }
  return sorts
}

function sortFieldOf(entry: FieldReader): UserSort | undefined {
  const name = entry.requiredString('name')
  const order = entry.string('order')?.toLowerCase() ?? 'asc'
  const missing = entry.string('missing') ?? '_last'
  let valid = name !== undefined
  if (name !== undefined && !isSortable(name)) {
    const path = entry.path('name')
    entry.errors.field(path, `[invalid]${path}`, `The [${path}] property must be one of ${SORTABLE_USER_FIELDS.join(', ')}.`)
    valid = false
  }
  if (order !== 'asc' && order !== 'desc') {
    const path = entry.path('order')
    entry.errors.field(path, `[invalid]${path}`, `The [${path}] property must be asc or desc.`)
    valid = false
  }
  if (missing !== '_first' && missing !== '_last') {
    const path = entry.path('missing')
    entry.errors.field(path, `[invalid]${path}`, `The [${path}] property must be _first or _last with the database search engine.`)
    valid = false
  }
  if (!valid || name === undefined || !isSortable(name)) return undefined
  return { field: name, descending: order === 'desc', missingFirst: missing === '_first' }
}

const isSortable = (name: string): name is SortableUserField => (SORTABLE_USER_FIELDS as readonly string[]).includes(name)
