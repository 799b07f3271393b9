/**
 * CSV of the login-record export (RFC 4180 quoting). The header copies FusionAuth's documented sample byte for
 * byte, quotes and trailing spaces included ("User Id ","Identity value ",...); data fields are quoted only when
 * they need it. Lines end with "\n": the documentation shows no line ending and "\n" is what a Java
 * writer on Linux emits. Location columns (City ... Longitude) stay empty: FusionAuth fills them only with its
 * paid Advanced Threat Detection.
 */
import type { JavaDateFormatter } from './java-date-format'

export const CSV_LINE_END = '\n'

const HEADER_TITLES = [
  'User Id',
  'Identity value',
  'Identity type',
  'Time',
  'Application Id',
  'IP Address',
  'City',
  'Country',
  'Zipcode',
  'Region',
  'Latitude',
  'Longitude',
]

/** The first line of every CSV part, line end included. */
export const LOGIN_RECORD_CSV_HEADER = HEADER_TITLES.map((title) => `"${title} "`).join(',') + CSV_LINE_END

const LOCATION_COLUMNS = ',,,,,,'

const NEEDS_QUOTES = /[",\r\n]/

/** One field, quoted (with quotes doubled) when it holds a comma, a quote, CR or LF. */
export function escapeCsvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** A login record as the export reads it. */
export interface ExportLoginRecord {
  userId: string
  loginId?: string | null
  /** Set when the login is tied to one identity (FusionAuth 1.59+); the identity columns stay empty otherwise. */
  loginIdType?: string | null
  /** Epoch milliseconds, named as in FusionAuth's login-record JSON. */
  instant: number
  applicationId?: string | null
  ipAddress?: string | null
}

/** One data line, line end included; `Time` is `instant` printed by `formatter` in `zoneId`. */
export function loginRecordCsvLine(record: ExportLoginRecord, formatter: JavaDateFormatter, zoneId: string): string {
  const identified = record.loginIdType != null && record.loginIdType !== ''
  const fields = [
    record.userId,
    identified ? (record.loginId ?? '') : '',
    identified ? (record.loginIdType ?? '') : '',
    formatter.format(record.instant, zoneId),
    record.applicationId ?? '',
    record.ipAddress ?? '',
  ]
  return fields.map(escapeCsvField).join(',') + LOCATION_COLUMNS + CSV_LINE_END
}
