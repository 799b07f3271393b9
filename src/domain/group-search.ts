/**
 * Group search (`/api/group/search`) and group member search (`/api/group/member/search`): criteria from a query
 * string (GET) or a `search` body (POST), FusionAuth's defaults (25 results from row 0) and its `orderBy` fields.
 * A request scoped to a tenant searches only that tenant, whatever `tenantId` it names, as FusionAuth documents.
 */
import { type Errors, codes } from '../http/errors'
import { FieldReader } from '../http/fields'
import type { MemberSearch } from '../store/group-store'
import type { StoredGroup } from './group'
import { groupNameMatcher } from './group'
import { checkRange, QueryReader } from './login-record-criteria'
import { DEFAULT_NUMBER_OF_RESULTS, DEFAULT_START_ROW, MAX_JAVA_INT, MAX_NUMBER_OF_RESULTS } from './login-record'

/** A source of criteria fields: a query string or a `search` object, read with the same names. */
interface CriteriaSource {
  string(name: string): string | undefined
  uuid(name: string): string | undefined
  int(name: string): number | undefined
  path(name: string): string
  errors: Errors
}

function queryCriteria(query: URLSearchParams, errors: Errors): CriteriaSource {
  const reader = new QueryReader(query, errors)
  return { string: (n) => reader.string(n), uuid: (n) => reader.uuid(n), int: (n) => reader.int(n), path: (n) => n, errors }
}

function bodyCriteria(body: unknown, errors: Errors): CriteriaSource {
  const search = FieldReader.body(body, errors).object('search')
  return {
    string: (n) => search.string(n),
    uuid: (n) => search.uuid(n),
    int: (n) => search.integer(n),
    path: (n) => search.path(n),
    errors,
  }
}

/** Criteria from a GET's query or a POST's body. */
export const criteriaOf = (errors: Errors, source: { query: URLSearchParams } | { body: unknown }): CriteriaSource =>
  'query' in source ? queryCriteria(source.query, errors) : bodyCriteria(source.body, errors)

interface Paging {
  startRow: number
  numberOfResults: number
}

function pagingOf(source: CriteriaSource): Paging {
  const numberOfResults = checkRange(source.errors, source.path('numberOfResults'), source.int('numberOfResults'), MAX_NUMBER_OF_RESULTS)
  const startRow = checkRange(source.errors, source.path('startRow'), source.int('startRow'), MAX_JAVA_INT)
  return { numberOfResults: numberOfResults ?? DEFAULT_NUMBER_OF_RESULTS, startRow: startRow ?? DEFAULT_START_ROW }
}

/** `orderBy` as `field [ASC|DESC]` among the allowed fields; absent: the default. */
function orderOf<T extends string>(source: CriteriaSource, allowed: Record<string, T>, fallback: T): { column: T; descending: boolean } {
  const value = source.string('orderBy')
  if (value === undefined) return { column: fallback, descending: false }
  const match = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(value)
  // Own names only: `allowed[name]` would find `toString` and the like on Object.prototype, and the column goes into SQL.
  const name = match?.[1]
  const column = name !== undefined && Object.hasOwn(allowed, name) ? allowed[name] : undefined
  if (match === null || column === undefined) {
    const path = source.path('orderBy')
    source.errors.field(
      path,
      codes.invalid(path, `The [${path}] property is not valid. Order by one of [${Object.keys(allowed).join(', ')}], then ASC or DESC.`),
    )
    return { column: fallback, descending: false }
  }
  return { column, descending: match[2]?.toLowerCase() === 'desc' }
}

export interface GroupSearch extends Paging {
  name?: string
  tenantId: string | null
  orderBy: { column: 'name' | 'id' | 'insertInstant' | 'tenantId'; descending: boolean }
}

const GROUP_ORDER = { name: 'name', id: 'id', insertInstant: 'insertInstant', tenant: 'tenantId', tenantId: 'tenantId' } as const

/** Group search criteria; `scopeTenantId` (the request's tenant) overrides the criteria's `tenantId`. */
export function readGroupSearch(source: CriteriaSource, scopeTenantId: string | null): GroupSearch {
  const name = source.string('name')
  const tenantId = source.uuid('tenantId')
  const search: GroupSearch = {
    ...pagingOf(source),
    tenantId: scopeTenantId ?? tenantId ?? null,
    orderBy: orderOf(source, GROUP_ORDER, 'name'),
    ...(name === undefined || name.trim() === '' ? {} : { name }),
  }
  source.errors.throwIfAny()
  return search
}

/**
 * The page of `groups` matching the search, and how many match. Groups are few per tenant (an admin's objects),
 * so they are filtered and ordered here rather than through a LIKE, which D1 caps at 50 bytes of pattern.
 */
export function pageOfGroups(groups: readonly StoredGroup[], search: GroupSearch): { page: StoredGroup[]; total: number } {
  const matches = search.name === undefined ? () => true : groupNameMatcher(search.name)
  const { column, descending } = search.orderBy
  const key = (group: StoredGroup): string | number => (column === 'name' ? group.name.toLowerCase() : group[column])
  const found = groups.filter((group) => matches(group.name))
  found.sort((a, b) => {
    const [x, y] = [key(a), key(b)]
    const order = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
    return descending ? -order : order
  })
  return { page: found.slice(search.startRow, search.startRow + search.numberOfResults), total: found.length }
}

// `name` is FusionAuth's documented default (`name ASC`), though members have no name: read as creation order.
const MEMBER_ORDER = { groupId: 'group_id', id: 'id', insertInstant: 'insert_instant', name: 'insert_instant', userId: 'user_id' } as const

/** Member search criteria; `scopeTenantId` overrides the criteria's `tenantId`. */
export function readMemberSearch(source: CriteriaSource, scopeTenantId: string | null): MemberSearch {
  const groupId = source.uuid('groupId')
  const userId = source.uuid('userId')
  const tenantId = source.uuid('tenantId')
  const search: MemberSearch = {
    ...pagingOf(source),
    tenantId: scopeTenantId ?? tenantId ?? null,
    orderBy: orderOf(source, MEMBER_ORDER, 'insert_instant'),
    ...(groupId === undefined ? {} : { groupId }),
    ...(userId === undefined ? {} : { userId }),
  }
  source.errors.throwIfAny()
  return search
}
