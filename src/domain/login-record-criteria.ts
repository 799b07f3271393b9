/**
 * Reads login-record search and export requests from a query string (GET) or a JSON body (POST) into criteria,
 * collecting FusionAuth's error codes: `[couldNotConvert]x` when a query value is not of the parameter's type (as
 * FusionAuth's parameter binding reports it), `[invalid]x` for a wrong JSON type or a value out of range.
 *
 * Empty query values are absent, as in FusionAuth. The official client sends unset arguments as the literal text
 * `undefined` (or `null`): for paging and formatting parameters that is read as absent, since the default is what
 * the caller meant; for filters it is refused, since dropping a filter would silently widen the result.
 */
import { type Errors, codes } from '../http/errors'
import { FieldReader, isUuid } from '../http/fields'
import {
  DEFAULT_NUMBER_OF_RESULTS,
  DEFAULT_START_ROW,
  type LoginRecordCriteria,
  type LoginRecordSearch,
  MAX_JAVA_INT,
  MAX_NUMBER_OF_RESULTS,
  type SearchPage,
} from './login-record'

/** An export request before its pattern and zone are checked (see login-record-export.ts). */
export interface LoginRecordExportInput {
  criteria: LoginRecordCriteria
  dateTimeSecondsFormat?: string
  zoneId?: string
}

const WHOLE_NUMBER = /^[+-]?\d+$/
const CLIENT_PLACEHOLDERS = new Set(['undefined', 'null'])

/** Typed access to query parameters (the first value of each), recording conversion errors. */
export class QueryReader {
  constructor(
    private readonly query: URLSearchParams,
    readonly errors: Errors,
  ) {}

  /** The raw value; undefined when absent or empty, and for a client placeholder when `lenient`. */
  private raw(name: string, lenient: boolean): string | undefined {
    const value = this.query.get(name)
    if (value === null || value === '') return undefined
    return lenient && CLIENT_PLACEHOLDERS.has(value) ? undefined : value
  }

  private couldNotConvert(name: string, value: string): undefined {
    const detail = codes.couldNotConvert(name, value)
    this.errors.field(name, detail.code, detail.message)
    return undefined
  }

  string(name: string): string | undefined {
    return this.raw(name, true)
  }

  uuid(name: string): string | undefined {
    const value = this.raw(name, false)
    if (value === undefined) return undefined
    return isUuid(value) ? value.toLowerCase() : this.couldNotConvert(name, value)
  }

  /** A Java long; values past JavaScript's safe integers are refused rather than rounded. */
  long(name: string, lenient = false): number | undefined {
    const value = this.raw(name, lenient)
    if (value === undefined) return undefined
    const parsed = WHOLE_NUMBER.test(value) ? Number(value) : Number.NaN
    return Number.isSafeInteger(parsed) ? parsed : this.couldNotConvert(name, value)
  }

  /** A Java int (FusionAuth's paging fields). */
  int(name: string): number | undefined {
    const value = this.long(name, true)
    if (value === undefined || Math.abs(value) <= MAX_JAVA_INT) return value
    return this.couldNotConvert(name, String(this.query.get(name)))
  }

  boolean(name: string): boolean | undefined {
    const value = this.raw(name, true)
    if (value === undefined) return undefined
    const lower = value.toLowerCase()
    if (lower === 'true' || lower === 'false') return lower === 'true'
    return this.couldNotConvert(name, value)
  }
}

export function checkRange(errors: Errors, path: string, value: number | undefined, max: number): number | undefined {
  if (value === undefined || (value >= 0 && value <= max)) return value
  errors.field(path, `[invalid]${path}`, `The [${path}] property must be between 0 and ${max}.`)
  return undefined
}

function rejectOrderBy(errors: Errors, path: string): void {
  errors.field(path, `[invalid]${path}`, `The [${path}] property is not supported. Login records are always sorted newest first.`)
}

/** The page a search asked for, with FusionAuth's defaults for what it left out. */
function pageOf(numberOfResults: number | undefined, startRow: number | undefined, retrieveTotal: boolean | undefined): SearchPage {
  return {
    numberOfResults: numberOfResults ?? DEFAULT_NUMBER_OF_RESULTS,
    startRow: startRow ?? DEFAULT_START_ROW,
    retrieveTotal: retrieveTotal ?? false,
  }
}

/** Keeps the criteria a reader found; absent filters stay absent rather than undefined-valued. */
function criteriaOf(values: { applicationId?: string; userId?: string; start?: number; end?: number }): LoginRecordCriteria {
  const criteria: LoginRecordCriteria = {}
  if (values.applicationId !== undefined) criteria.applicationId = values.applicationId
  if (values.userId !== undefined) criteria.userId = values.userId
  if (values.start !== undefined) criteria.start = values.start
  if (values.end !== undefined) criteria.end = values.end
  return criteria
}

const criteriaFromBody = (reader: FieldReader): LoginRecordCriteria =>
  criteriaOf({
    applicationId: reader.uuid('applicationId'),
    userId: reader.uuid('userId'),
    start: reader.integer('start'),
    end: reader.integer('end'),
  })

const criteriaFromQuery = (reader: QueryReader): LoginRecordCriteria =>
  criteriaOf({
    applicationId: reader.uuid('applicationId'),
    userId: reader.uuid('userId'),
    start: reader.long('start'),
    end: reader.long('end'),
  })

/** `GET /api/system/login-record/search?applicationId&userId&start&end&numberOfResults&startRow&retrieveTotal`. */
export function readSearchQuery(query: URLSearchParams, errors: Errors): LoginRecordSearch {
  const reader = new QueryReader(query, errors)
  const criteria = criteriaFromQuery(reader)
  const numberOfResults = checkRange(errors, 'numberOfResults', reader.int('numberOfResults'), MAX_NUMBER_OF_RESULTS)
  const startRow = checkRange(errors, 'startRow', reader.int('startRow'), MAX_JAVA_INT)
  const retrieveTotal = reader.boolean('retrieveTotal')
  if (query.get('orderBy') !== null && query.get('orderBy') !== '') rejectOrderBy(errors, 'orderBy')
  return { criteria, page: pageOf(numberOfResults, startRow, retrieveTotal) }
}

/** `POST /api/system/login-record/search` with `{retrieveTotal, search: {...}}`. */
export function readSearchBody(body: unknown, errors: Errors): LoginRecordSearch {
  const root = FieldReader.body(body, errors)
  const retrieveTotal = root.boolean('retrieveTotal')
  const search = root.object('search')
  const criteria = criteriaFromBody(search)
  const numberOfResults = checkRange(errors, search.path('numberOfResults'), search.integer('numberOfResults'), MAX_NUMBER_OF_RESULTS)
  const startRow = checkRange(errors, search.path('startRow'), search.integer('startRow'), MAX_JAVA_INT)
  // FusionAuth supports no sort column for login records, so any orderBy at all is refused.
  if (search.source.orderBy !== undefined && search.source.orderBy !== null) rejectOrderBy(errors, search.path('orderBy'))
  return { criteria, page: pageOf(numberOfResults, startRow, retrieveTotal) }
}

/** `GET /api/system/login-record/export?applicationId&userId&start&end&dateTimeSecondsFormat&zoneId`. */
export function readExportQuery(query: URLSearchParams, errors: Errors): LoginRecordExportInput {
  const reader = new QueryReader(query, errors)
  const input: LoginRecordExportInput = { criteria: criteriaFromQuery(reader) }
  const format = reader.string('dateTimeSecondsFormat')
  const zoneId = reader.string('zoneId')
  if (format !== undefined) input.dateTimeSecondsFormat = format
  if (zoneId !== undefined && zoneId.trim() !== '') input.zoneId = zoneId.trim()
  return input
}

/** `POST /api/system/login-record/export` with `{criteria: {...}, dateTimeSecondsFormat, zoneId}`. */
export function readExportBody(body: unknown, errors: Errors): LoginRecordExportInput {
  const root = FieldReader.body(body, errors)
  const input: LoginRecordExportInput = { criteria: criteriaFromBody(root.object('criteria')) }
  const format = root.string('dateTimeSecondsFormat')
  const zoneId = root.string('zoneId')
  // An empty string means "not given", as an unset field in FusionAuth's admin form does.
  if (format !== undefined && format !== '') input.dateTimeSecondsFormat = format
  if (zoneId !== undefined && zoneId.trim() !== '') input.zoneId = zoneId.trim()
  return input
}
