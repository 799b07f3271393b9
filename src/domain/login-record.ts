/**
 * Login records as FusionAuth shows them (`DisplayableRawLogin`), the criteria that select them, and the limits
 * this server puts on a search page. Search and export share the criteria; the store turns them into SQL.
 */

/** A login record to write. `authenticationType` is FusionAuth's (PASSWORD, PING, ...). */
export interface NewLoginRecord {
  tenantId: string
  userId: string
  applicationId: string | null
  loginId: string
  /** `email`, `username` or `phoneNumber` when the login is tied to one identity (FusionAuth 1.59+). */
  loginIdType?: string | null
  /** Epoch milliseconds. */
  instant: number
  ipAddress: string | null
  authenticationType: string
}

/** One entry of `logins[]` in a search response; absent values are left out, as FusionAuth's JSON does. */
export interface DisplayableLogin {
  applicationId?: string
  applicationName?: string
  instant: number
  ipAddress?: string
  loginId: string
  loginIdType?: string
  userId: string
}

/** A record as the export reads it: newest first, keyed by (instant, id) for the next page. */
export interface ExportedLoginRecord {
  id: number
  userId: string
  loginId: string
  loginIdType: string | null
  instant: number
  applicationId: string | null
  ipAddress: string | null
}

/** The filters search and export share. `start` and `end` are inclusive epoch milliseconds. */
export interface LoginRecordCriteria {
  applicationId?: string
  userId?: string
  start?: number
  end?: number
}

/** A page of a search: `numberOfResults` rows after skipping `startRow`, newest first. */
export interface SearchPage {
  numberOfResults: number
  startRow: number
  retrieveTotal: boolean
}

export interface LoginRecordSearch {
  criteria: LoginRecordCriteria
  page: SearchPage
}

export interface LoginRecordSearchResult {
  logins: DisplayableLogin[]
  /** Present only when the search asked for it (`retrieveTotal`), as FusionAuth documents. */
  total?: number
}

/** FusionAuth's defaults (BaseSearchCriteria). */
export const DEFAULT_NUMBER_OF_RESULTS = 25
export const DEFAULT_START_ROW = 0

/**
 * The largest page this server returns. FusionAuth has no cap; one is kept here so that a single request's
 * D1 read stays small (an uncapped page over a million records would exceed the isolate's memory).
 */
export const MAX_NUMBER_OF_RESULTS = 500

/** Java's Integer.MAX_VALUE: FusionAuth's startRow and numberOfResults are ints. */
export const MAX_JAVA_INT = 2_147_483_647

/** Where the next export page starts: strictly older than this (instant, id). */
export interface ExportCursor {
  instant: number
  id: number
}

/** The cursor after a page, or null when the page was the last (shorter than asked). */
export function nextExportCursor(page: readonly ExportedLoginRecord[], pageSize: number): ExportCursor | null {
  const last = page[page.length - 1]
  if (last === undefined || page.length < pageSize) return null
  return { instant: last.instant, id: last.id }
}
