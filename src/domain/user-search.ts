/**
 * The User Search API (`/api/user/search`) with FusionAuth's database search engine: what a search asks for, the
 * `queryString` rules, and the use case. Requests are read into a UserSearch by user-search-criteria.ts; the store
 * (store/user-search-store.ts) turns it into SQL over an index.
 *
 * `queryString` follows FusionAuth's `BaseSearchCriteria.toSearchString` (fusionauth-java-client): trimmed and
 * lower-cased; without a `*` it matches any user whose email, username, firstName, lastName or fullName contains
 * it; with one or more `*` the whole value must match the pattern, `*` standing for any run of characters (so
 * `pied*` is a prefix, `*piper` a suffix, `*` everyone). FusionAuth hands the pattern to SQL LIKE unescaped, so a
 * `%` or `_` typed by a caller is a wildcard there; here they are literal characters, and `*` is the only wildcard.
 */
import type { DataContext } from '../store/data-context'
import type { User } from './user'

/** FusionAuth's `UserSearchCriteria.DatabaseSortableFields`. */
export const SORTABLE_USER_FIELDS = [
  'birthDate',
  'email',
  'fullName',
  'id',
  'insertInstant',
  'lastLoginInstant',
  'login',
  'tenantId',
  'username',
] as const
export type SortableUserField = (typeof SORTABLE_USER_FIELDS)[number]

/** One of `sortFields`: FusionAuth's SortField, whose defaults are `asc` and `_last`. */
export interface UserSort {
  field: SortableUserField
  descending: boolean
  /** `missing: "_first"`: users without the field come first instead of last. */
  missingFirst: boolean
}

/** What a queryString selects. Parts are lower-cased and never empty; `*` split them. */
export type TextMatch =
  | { kind: 'everyone' }
  | {
      kind: 'pattern'
      parts: string[]
      /** The value must start with the first part (the pattern did not begin with `*`, and had one). */
      anchoredStart: boolean
      /** The value must end with the last part. */
      anchoredEnd: boolean
    }

/** A queryString search: one page of the matching users, in `sort` order, and their total. */
export interface TextSearch {
  kind: 'text'
  match: TextMatch
  numberOfResults: number
  startRow: number
  sort: UserSort[]
}

/** A search by id: every listed user the request may see, neither paginated nor sorted, as FusionAuth documents. */
export interface IdSearch {
  kind: 'ids'
  ids: string[]
}

export type UserSearch = IdSearch | TextSearch

/** The response body's data: FusionAuth's SearchResponse without the Elasticsearch-only `nextResults`. */
export interface UserSearchResult {
  total: number
  users: User[]
}

/** A queryString under FusionAuth's database-engine rules (see the module comment). */
export function textMatchOf(queryString: string): TextMatch {
  const term = queryString.trim().toLowerCase()
  if (!term.includes('*')) return { kind: 'pattern', parts: [term], anchoredStart: false, anchoredEnd: false }
  const pieces = term.split('*')
  const parts = pieces.filter((piece) => piece !== '')
  if (parts.length === 0) return { kind: 'everyone' }
  return { kind: 'pattern', parts, anchoredStart: pieces[0] !== '', anchoredEnd: pieces.at(-1) !== '' }
}

/**
 * Runs a search in the request's tenant: `tenantId` null (a global key, no tenant header) searches every tenant,
 * as FusionAuth's search spans tenants; otherwise users of other tenants are never returned, not even by id.
 */
export async function searchUsers(data: DataContext, search: UserSearch, tenantId: string | null): Promise<UserSearchResult> {
  if (search.kind === 'text') return data.userSearch.search(search, tenantId)
  const users = await data.userSearch.byIds(search.ids, tenantId)
  return { total: users.length, users }
}
