/**
 * Formats epoch-millisecond instants in an IANA zone with a Java `DateTimeFormatter` pattern, as FusionAuth's
 * login-record export does with `dateTimeSecondsFormat`. The pattern is compiled once into printers; each row
 * then costs one cached offset lookup and string building. Text is English, as on an en-US FusionAuth server.
 */
import { parseJavaDatePattern, type FieldLetter } from './java-date-pattern'
import { formatLocalizedOffset, formatOffsetId } from './offset-format'
import { zoneClockFor, type ZoneClock } from './zone-clock'

export { isValidZoneId } from './zone-clock'

/** FusionAuth's default `dateTimeSecondsFormat`. */
export const DEFAULT_DATE_TIME_SECONDS_FORMAT = 'M/d/yyyy hh:mm:ss a z'

export interface JavaDateFormatter {
  readonly pattern: string
  /** Formats `instantMillis` in `zoneId`; throws RangeError for a zone isValidZoneId rejects. */
  format(instantMillis: number, zoneId: string): string
}

export type CompiledDateFormat = { ok: true; formatter: JavaDateFormatter } | { ok: false; message: string }

/** The date-time fields of one instant in one zone, as the printers read them. */
interface ZonedFields {
  epochSeconds: number
  year: number
  month: number
  dayOfMonth: number
  dayOfYear: number
  /** ISO: Monday 1 ... Sunday 7. */
  dayOfWeek: number
  hour: number
  minute: number
  second: number
  nanoOfSecond: number
  offsetSeconds: number
  clock: ZoneClock
}

type Printer = (fields: ZonedFields) => string

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
const ERAS_AD = ['AD', 'Anno Domini', 'A']
const ERAS_BC = ['BC', 'Before Christ', 'B']
const QUARTERS = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter']

const pad = (value: number, width: number): string => String(value).padStart(width, '0')

/** Java's SHORT (count 1-3), FULL (4) and NARROW (5) text styles. */
function textByCount(full: string, count: number): string {
  if (count === 4) return full
  return count === 5 ? full.charAt(0) : full.slice(0, 3)
}

/** A year with Java's sign styles: NORMAL below four letters, EXCEEDS_PAD ('+' once wider than the pad) from four. */
function formatYear(year: number, count: number): string {
  if (count === 2) return pad(((year % 100) + 100) % 100, 2)
  const digits = pad(Math.abs(year), count)
  if (year < 0) return `-${digits}`
  return count >= 4 && digits.length > count ? `+${digits}` : digits
}

const quarterOf = (month: number): number => Math.floor((month - 1) / 3) + 1

/** Day of week as the en-US locale numbers it (Sunday 1 ... Saturday 7), for 'e' and 'c'. */
const localizedDayOfWeek = (isoDayOfWeek: number): number => (isoDayOfWeek % 7) + 1

function numberOrText(count: number, value: number, text: string): string {
  return count <= 2 ? pad(value, count) : textByCount(text, count)
}

function printerFor(letter: FieldLetter, count: number): Printer {
  switch (letter) {
    case 'G':
      return (f) => (f.year > 0 ? ERAS_AD : ERAS_BC)[count === 4 ? 1 : count === 5 ? 2 : 0] ?? ''
    case 'y':
      return (f) => formatYear(f.year > 0 ? f.year : 1 - f.year, count)
    case 'u':
      return (f) => formatYear(f.year, count)
    case 'Q':
    case 'q':
      return (f) =>
        count === 3
          ? `Q${quarterOf(f.month)}`
          : count === 4
            ? (QUARTERS[quarterOf(f.month) - 1] ?? '')
            : pad(quarterOf(f.month), count === 2 ? 2 : 1)
    case 'M':
    case 'L':
      return (f) => numberOrText(count, f.month, MONTHS[f.month - 1] ?? '')
    case 'd':
      return (f) => pad(f.dayOfMonth, count)
    case 'D':
      return (f) => pad(f.dayOfYear, count)
    case 'E':
      return (f) => textByCount(DAYS[f.dayOfWeek - 1] ?? '', count)
    case 'e':
    case 'c':
      return (f) => numberOrText(count, localizedDayOfWeek(f.dayOfWeek), DAYS[f.dayOfWeek - 1] ?? '')
    case 'a':
      return (f) => (f.hour < 12 ? 'AM' : 'PM')
    case 'H':
      return (f) => pad(f.hour, count)
    case 'k':
      return (f) => pad(f.hour === 0 ? 24 : f.hour, count)
    case 'K':
      return (f) => pad(f.hour % 12, count)
    case 'h':
      return (f) => pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count)
    case 'm':
      return (f) => pad(f.minute, count)
    case 's':
      return (f) => pad(f.second, count)
    case 'S':
      return (f) => pad(f.nanoOfSecond, 9).slice(0, count)
    // Java throws at format time when a fixed-width value overflows (e.g. 'nn'); this prints the whole value.
    case 'n':
      return (f) => pad(f.nanoOfSecond, count)
    case 'A':
      return (f) => pad(millisOfDay(f), count)
    case 'N':
      return (f) => pad(millisOfDay(f) * 1_000_000 + (f.nanoOfSecond % 1_000_000), count)
    case 'z':
      return (f) => f.clock.nameAt(f.epochSeconds, count === 4 ? 'long' : 'short')
    case 'v':
      return (f) => f.clock.nameAt(f.epochSeconds, count === 4 ? 'longGeneric' : 'shortGeneric')
    case 'V':
      return (f) => f.clock.zoneId
    case 'O':
      return (f) => formatLocalizedOffset(f.offsetSeconds, count === 4)
    case 'X':
      return (f) => formatOffsetId(f.offsetSeconds, count, 'Z')
    case 'x':
      return (f) => formatOffsetId(f.offsetSeconds, count, ['+00', '+0000', '+00:00', '+0000', '+00:00'][count - 1] ?? '+00')
    case 'Z':
      if (count === 4) return (f) => formatLocalizedOffset(f.offsetSeconds, true)
      return count === 5 ? (f) => formatOffsetId(f.offsetSeconds, 5, 'Z') : (f) => formatOffsetId(f.offsetSeconds, 2, '+0000')
  }
}

const millisOfDay = (f: ZonedFields): number => ((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + Math.floor(f.nanoOfSecond / 1_000_000)

function zonedFields(instantMillis: number, clock: ZoneClock): ZonedFields {
  const epochSeconds = Math.floor(instantMillis / 1000)
  const offsetSeconds = clock.offsetSecondsAt(epochSeconds)
  // Shifting by the offset and reading UTC fields gives the local wall-clock fields.
  const local = new Date((epochSeconds + offsetSeconds) * 1000)
  const startOfYear = new Date(0)
  startOfYear.setUTCFullYear(local.getUTCFullYear(), 0, 1)
  const startOfDay = new Date(local.getTime())
  startOfDay.setUTCHours(0, 0, 0, 0)
  return {
    epochSeconds,
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    dayOfMonth: local.getUTCDate(),
    dayOfYear: Math.round((startOfDay.getTime() - startOfYear.getTime()) / 86_400_000) + 1,
    dayOfWeek: ((local.getUTCDay() + 6) % 7) + 1,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    nanoOfSecond: (instantMillis - epochSeconds * 1000) * 1_000_000,
    offsetSeconds,
    clock,
  }
}

/** Compiles `pattern` once; `{ ok: false, message }` for an unknown letter, a bad count or an unclosed quote. */
export function compileDateFormat(pattern: string): CompiledDateFormat {
  const parsed = parseJavaDatePattern(pattern)
  if (!parsed.ok) return parsed
  const printers: Printer[] = parsed.tokens.map((token) =>
    token.kind === 'literal' ? () => token.text : printerFor(token.letter, token.count),
  )
  const format = (instantMillis: number, zoneId: string): string => {
    const fields = zonedFields(instantMillis, zoneClockFor(zoneId))
    let out = ''
    for (const print of printers) out += print(fields)
    return out
  }
  return { ok: true, formatter: { pattern, format } }
}
