/**
 * The CSV text of the export, written the way the Worker writes it (src/domain/export/csv.ts), for the node:sqlite
 * side of the export comparison: FusionAuth's header, one line per record, `Time` in the default pattern
 * `M/d/yyyy hh:mm:ss a z` in the default report zone, and the zone's offset and name looked up through Intl once per
 * UTC hour, as src/domain/export/zone-clock.ts caches them. Only the default pattern is implemented here.
 */
import { Zip, ZipDeflate } from 'fflate'

export const CSV_HEADER = `${[
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
  .map((title) => `"${title} "`)
  .join(',')}\n`

const HOUR_MILLIS = 3_600_000
const NEEDS_QUOTES = /[",\r\n]/
const field = (value) =>
  value === null || value === undefined ? '' : NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value
const two = (n) => (n < 10 ? `0${n}` : String(n))

/** Formats epoch milliseconds as `M/d/yyyy hh:mm:ss a z` in `zoneId`. */
export class DefaultPatternFormatter {
  constructor(zoneId) {
    this.byHour = new Map()
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zoneId,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    })
  }

  /** The zone's offset (ms) and short name during the UTC hour holding `millis`. */
  zoneAt(millis) {
    const hour = Math.floor(millis / HOUR_MILLIS)
    let zone = this.byHour.get(hour)
    if (zone === undefined) {
      const at = hour * HOUR_MILLIS
      const parts = Object.fromEntries(this.parts.formatToParts(at).map((part) => [part.type, part.value]))
      const local = Date.UTC(
        Number(parts.year),
        Number(parts.month) - 1,
        Number(parts.day),
        Number(parts.hour),
        Number(parts.minute),
        Number(parts.second),
      )
      zone = { offsetMillis: local - at, name: parts.timeZoneName }
      this.byHour.set(hour, zone)
    }
    return zone
  }

  format(millis) {
    const zone = this.zoneAt(millis)
    const local = new Date(millis + zone.offsetMillis)
    const hours = local.getUTCHours()
    const clock = hours % 12 === 0 ? 12 : hours % 12
    return `${local.getUTCMonth() + 1}/${local.getUTCDate()}/${local.getUTCFullYear()} ${two(clock)}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'} ${zone.name}`
  }
}

/** One CSV line of a login-record row (snake_case columns as SQLite returns them), line end included. */
export function csvLine(row, formatter) {
  const identified = row.login_id_type !== null && row.login_id_type !== ''
  return `${[
    field(row.user_id),
    identified ? field(row.login_id) : '',
    identified ? field(row.login_id_type) : '',
    field(formatter.format(row.instant)),
    field(row.application_id),
    field(row.ip_address),
  ].join(',')},,,,,,\n`
}

/**
 * A zip writer like src/domain/export/zip-stream.ts (fflate's synchronous Zip + ZipDeflate at level 6, text handed
 * over in ~64 KiB batches) that only counts the compressed bytes it would send.
 */
export class CountingCsvZip {
  constructor() {
    this.bytes = 0
    this.pending = ''
    this.encoder = new TextEncoder()
    this.zip = new Zip((error, chunk) => {
      if (error) throw error
      this.bytes += chunk.length
    })
    this.file = new ZipDeflate('login_records.csv', { level: 6 })
    this.zip.add(this.file)
    this.write(CSV_HEADER)
  }

  write(text) {
    this.pending += text
    if (this.pending.length >= 64 * 1024) this.flush(false)
  }

  flush(final) {
    this.file.push(this.encoder.encode(this.pending), final)
    this.pending = ''
  }

  /** Ends the entry and the archive; returns the archive's size in bytes. */
  end() {
    this.flush(true)
    this.zip.end()
    return this.bytes
  }
}
