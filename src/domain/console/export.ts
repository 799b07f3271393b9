/**
 * The console's export download: the login-record export's own pipeline (pattern and zone checked first, then
 * keyset pages -> CSV -> streaming zip), so a console download is byte for byte what the export API sends.
 */
import type { Errors } from '../../http/errors'
import type { DataContext } from '../../store/data-context'
import { LOGIN_RECORD_CSV_HEADER } from '../export/csv'
import { zipCsvStream } from '../export/zip-stream'
import { exportCsvChunks, exportFileName, resolveExportFormat } from '../login-record-export'
import type { LoginRecordExportInput } from '../login-record-criteria'

export interface ExportDownload {
  body: ReadableStream<Uint8Array>
  fileName: string
}

/** The zip stream and its file name, or null with the pattern or zone errors recorded. */
export async function exportDownload(data: DataContext, input: LoginRecordExportInput, errors: Errors): Promise<ExportDownload | null> {
  const reportTimezone = input.zoneId === undefined ? (await data.systemConfiguration.get())?.configuration.reportTimezone : ''
  const format = resolveExportFormat(input, reportTimezone ?? 'UTC', errors)
  if (format === null) return null
  const body = zipCsvStream(exportCsvChunks(data, input.criteria, format), {
    header: LOGIN_RECORD_CSV_HEADER,
    modifiedMillis: data.nowMillis,
  })
  return { body, fileName: exportFileName(data.nowMillis, format) }
}
