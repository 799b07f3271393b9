/**
 * The console's Login records page: the search API's filters (user, application, time range) with keyset paging
 * on (instant, id), so the thousandth page costs what the first does (an OFFSET re-reads every skipped row). It
 * reads through the export's page query, which already seeks the (…, instant DESC, id DESC) indexes.
 */
import type { DataContext } from '../../store/data-context'
import type { ExportCursor, ExportedLoginRecord, LoginRecordCriteria } from '../login-record'

export const CONSOLE_PAGE_SIZE = 50

export interface ConsoleRecord extends ExportedLoginRecord {
  applicationName: string | null
}

export interface ConsoleRecordPage {
  records: ConsoleRecord[]
  /** Pass back as `after` for the next (older) page; null on the last page. */
  next: string | null
}

/** The opaque cursor the page sends back: `instant.id`. */
const encodeCursor = (cursor: ExportCursor): string => `${cursor.instant}.${cursor.id}`

export function decodeCursor(text: string): ExportCursor | null {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(text)
  if (match === null) return null
  const instant = Number(match[1])
  const id = Number(match[2])
  return Number.isSafeInteger(instant) && Number.isSafeInteger(id) ? { instant, id } : null
}

/** One page, newest first, with the application names of today (a deleted application's name is null). */
export async function recordPage(
  data: DataContext,
  criteria: LoginRecordCriteria,
  after: ExportCursor | null,
  pageSize = CONSOLE_PAGE_SIZE,
): Promise<ConsoleRecordPage> {
  // One row more than shown says whether an older page exists.
  const [rows, applications] = await Promise.all([
    data.loginRecords.exportPage(criteria, after, pageSize + 1),
    data.applications.list(null),
  ])
  const names = new Map(applications.map((application) => [application.id, application.name]))
  const shown = rows.slice(0, pageSize)
  const last = shown[shown.length - 1]
  return {
    records: shown.map((row) => ({
      ...row,
      applicationName: row.applicationId === null ? null : (names.get(row.applicationId) ?? null),
    })),
    next: rows.length > pageSize && last !== undefined ? encodeCursor({ instant: last.instant, id: last.id }) : null,
  }
}
