/**
 * The login-record export's pipeline: pattern and zone checked up front, then keyset pages read from the store and
 * turned into CSV text one page at a time (see export/zip-stream.ts for the zip). Only one page is held at once, so
 * memory stays flat however many records match.
 */
import type { Errors } from '../http/errors'
import type { DataContext } from '../store/data-context'
import { loginRecordCsvLine } from './export/csv'
import { compileDateFormat, DEFAULT_DATE_TIME_SECONDS_FORMAT, isValidZoneId, type JavaDateFormatter } from './export/java-date-format'
import { type ExportCursor, type LoginRecordCriteria, nextExportCursor } from './login-record'
import type { LoginRecordExportInput } from './login-record-criteria'

/**
 * Rows per D1 read. Large enough that a million-row export is 200 queries (a Worker invocation may make 1,000 on
 * the Paid plan), small enough that one page is a few megabytes of memory and a short query.
 */
export const EXPORT_PAGE_SIZE = 5000

export interface ExportFormat {
  formatter: JavaDateFormatter
  zoneId: string
}

/**
 * The formatter and zone of an export: the request's, else FusionAuth's default pattern and the system's report
 * time zone. An unknown pattern letter or zone is recorded as `[invalid]dateTimeSecondsFormat` / `[invalid]zoneId`.
 */
export function resolveExportFormat(input: LoginRecordExportInput, reportTimezone: string, errors: Errors): ExportFormat | null {
  const pattern = input.dateTimeSecondsFormat ?? DEFAULT_DATE_TIME_SECONDS_FORMAT
  const compiled = compileDateFormat(pattern)
  if (!compiled.ok) {
    errors.field(
      'dateTimeSecondsFormat',
      '[invalid]dateTimeSecondsFormat',
      `The [dateTimeSecondsFormat] property [${pattern}] is not a valid date time pattern. ${compiled.message}`,
    )
  }
  const zoneId = input.zoneId ?? reportTimezone
  if (!isValidZoneId(zoneId)) {
    errors.field('zoneId', '[invalid]zoneId', `The [zoneId] property [${zoneId}] is not a valid time zone.`)
  }
  return compiled.ok && isValidZoneId(zoneId) ? { formatter: compiled.formatter, zoneId } : null
}

/**
 * CSV text for every record matching `criteria`, newest first: one string per page (whole lines only). Pages are read
 * as the consumer pulls, so a slow download slows the reads instead of buffering them.
 */
export async function* exportCsvChunks(
  data: DataContext,
  criteria: LoginRecordCriteria,
  format: ExportFormat,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<string> {
  let after: ExportCursor | null = null
  do {
    const page = await data.loginRecords.exportPage(criteria, after, pageSize)
    if (page.length > 0) {
      let text = ''
      for (const record of page) text += loginRecordCsvLine(record, format.formatter, format.zoneId)
      yield text
    }
    after = nextExportCursor(page, pageSize)
  } while (after !== null)
}

/** Characters a header's quoted filename cannot carry (quotes, backslashes, controls, non-ASCII) become `_`. */
const UNSAFE_FILENAME_CHARACTERS = /[^\x20-\x7e]|["\\]/g

/**
 * FusionAuth's attachment name, `Login Records Export <now formatted>.zip`, with now printed in the export's own
 * pattern and zone. The default pattern puts `/` and `:` in the name; browsers replace those when saving.
 */
export function exportFileName(nowMillis: number, format: ExportFormat): string {
  const stamp = format.formatter.format(nowMillis, format.zoneId)
  return `Login Records Export ${stamp}.zip`.replace(UNSAFE_FILENAME_CHARACTERS, '_')
}

/** The Content-Disposition header for `fileName`. */
export function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${fileName}"`
}
