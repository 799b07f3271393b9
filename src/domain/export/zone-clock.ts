/**
 * UTC offsets and zone names of one IANA zone, taken from `Intl.DateTimeFormat` (workerd ships full ICU data).
 * Building an Intl formatter costs far more than using one, and an export formats every row, so formatters are
 * kept per zone and results are remembered per UTC hour whenever the whole hour has one offset and one name.
 */

export type ZoneNameStyle = 'short' | 'long' | 'shortGeneric' | 'longGeneric'

const SECONDS_PER_HOUR = 3600
const MAX_CACHED_HOURS = 4096
const MAX_CACHED_ZONES = 64

/**
 * Java prints English abbreviations such as BST or CEST where ICU's en-US data only has "GMT+1";
 * other English locales carry those abbreviations, so short names try them in turn.
 */
const SHORT_NAME_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN'] as const
const OFFSET_STYLE_NAME = /^(GMT|UTC)[+\-\u2212]/

/** True when the runtime knows `zoneId` as a time zone (IANA names, their aliases such as US/Mountain, and UTC). */
export function isValidZoneId(zoneId: string): boolean {
  if (zoneId.trim() === '') return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zoneId })
    return true
  } catch {
    return false
  }
}

function floorDiv(value: number, divisor: number): number {
  return Math.floor(value / divisor)
}

/** Offsets and names for one zone. Methods take whole epoch seconds. */
export class ZoneClock {
  private readonly localFields: Intl.DateTimeFormat
  private readonly nameFormatters = new Map<string, Intl.DateTimeFormat>()
  private readonly offsetByHour = new Map<number, number>()
  private readonly nameByHour = new Map<string, string>()

  constructor(readonly zoneId: string) {
    this.localFields = new Intl.DateTimeFormat('en-US', {
      timeZone: zoneId,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  }

  /** Offset from UTC, in seconds, in force at `epochSeconds`. */
  offsetSecondsAt(epochSeconds: number): number {
    const hour = floorDiv(epochSeconds, SECONDS_PER_HOUR)
    const cached = this.offsetByHour.get(hour)
    if (cached !== undefined) return cached
    const start = hour * SECONDS_PER_HOUR
    const first = this.computeOffsetSeconds(start)
    const last = this.computeOffsetSeconds(start + SECONDS_PER_HOUR - 1)
    // Only an hour without a transition is remembered; the hour of a DST change is computed per instant.
    if (first !== last) return this.computeOffsetSeconds(epochSeconds)
    remember(this.offsetByHour, hour, first)
    return first
  }

  /** The zone's display name at `epochSeconds` (e.g. MDT, Mountain Daylight Time, MT, Mountain Time). */
  nameAt(epochSeconds: number, style: ZoneNameStyle): string {
    const hour = floorDiv(epochSeconds, SECONDS_PER_HOUR)
    const key = `${style}:${hour}`
    const cached = this.nameByHour.get(key)
    if (cached !== undefined) return cached
    const start = hour * SECONDS_PER_HOUR
    const first = this.computeName(start, style)
    const last = this.computeName(start + SECONDS_PER_HOUR - 1, style)
    if (first !== last) return this.computeName(epochSeconds, style)
    remember(this.nameByHour, key, first)
    return first
  }

  private computeOffsetSeconds(epochSeconds: number): number {
    let era = 'AD'
    let [year, month, day, hour, minute, second] = [0, 1, 1, 0, 0, 0]
    for (const part of this.localFields.formatToParts(epochSeconds * 1000)) {
      const value = Number(part.value)
      switch (part.type) {
        case 'era':
          era = part.value
          break
        case 'year':
          year = value
          break
        case 'month':
          month = value
          break
        case 'day':
          day = value
          break
        case 'hour':
          hour = value % 24
          break
        case 'minute':
          minute = value
          break
        case 'second':
          second = value
          break
      }
    }
    if (era === 'BC' || era === 'B') year = 1 - year
    const local = new Date(0)
    // setUTCFullYear rather than Date.UTC, which maps years 0-99 to 1900-1999.
    local.setUTCFullYear(year, month - 1, day)
    local.setUTCHours(hour, minute, second, 0)
    return local.getTime() / 1000 - epochSeconds
  }

  private computeName(epochSeconds: number, style: ZoneNameStyle): string {
    if (style !== 'short') return this.nameIn('en-US', epochSeconds, style)
    let fallback = ''
    for (const locale of SHORT_NAME_LOCALES) {
      const name = this.nameIn(locale, epochSeconds, style)
      if (!OFFSET_STYLE_NAME.test(name)) return name
      if (fallback === '') fallback = name
    }
    return fallback
  }

  private nameIn(locale: string, epochSeconds: number, style: ZoneNameStyle): string {
    const key = `${locale}:${style}`
    let formatter = this.nameFormatters.get(key)
    if (formatter === undefined) {
      formatter = new Intl.DateTimeFormat(locale, { timeZone: this.zoneId, timeZoneName: style })
      this.nameFormatters.set(key, formatter)
    }
    const part = formatter.formatToParts(epochSeconds * 1000).find((p) => p.type === 'timeZoneName')
    // ICU writes negative offsets with U+2212 MINUS SIGN; Java prints ASCII hyphen-minus.
    return (part?.value ?? '').replaceAll('\u2212', '-')
  }
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  // A bounded cache: clearing on overflow is enough, because export rows arrive sorted by time.
  if (map.size >= MAX_CACHED_HOURS) map.clear()
  map.set(key, value)
}

const clocks = new Map<string, ZoneClock>()

/** The shared clock for `zoneId`; throws RangeError when the zone is unknown (check with isValidZoneId first). */
export function zoneClockFor(zoneId: string): ZoneClock {
  let clock = clocks.get(zoneId)
  if (clock === undefined) {
    clock = new ZoneClock(zoneId)
    if (clocks.size >= MAX_CACHED_ZONES) clocks.clear()
    clocks.set(zoneId, clock)
  }
  return clock
}
