import { describe, expect, it } from 'vitest'
import {
  compileDateFormat,
  DEFAULT_DATE_TIME_SECONDS_FORMAT,
  isValidZoneId,
  type JavaDateFormatter,
} from '../../../src/domain/export/java-date-format'

function formatter(pattern: string): JavaDateFormatter {
  const compiled = compileDateFormat(pattern)
  if (!compiled.ok) throw new Error(`pattern rejected: ${compiled.message}`)
  return compiled.formatter
}

const format = (pattern: string, instantMillis: number, zoneId: string): string => formatter(pattern).format(instantMillis, zoneId)

// 2022-01-02 03:04:05.006 UTC, a Sunday.
const SUNDAY = Date.UTC(2022, 0, 2, 3, 4, 5, 6)

describe('default pattern', () => {
  it('prints the documented sample rows (America/Denver, MDT)', () => {
    const f = formatter(DEFAULT_DATE_TIME_SECONDS_FORMAT)
    expect(f.format(Date.UTC(2022, 4, 12, 20, 46, 44), 'America/Denver')).toBe('5/12/2022 02:46:44 PM MDT')
    expect(f.format(Date.UTC(2022, 4, 12, 6, 25, 12), 'America/Denver')).toBe('5/12/2022 12:25:12 AM MDT')
  })

  it('accepts a zone alias and prints the same wall-clock time', () => {
    expect(format(DEFAULT_DATE_TIME_SECONDS_FORMAT, Date.UTC(2022, 4, 12, 20, 46, 44), 'US/Mountain')).toBe('5/12/2022 02:46:44 PM MDT')
  })
})

describe('zone conversion across DST changes', () => {
  const pattern = 'yyyy-MM-dd HH:mm:ss z XXX'
  it('America/Denver springs forward from 01:59:59 MST to 03:00:00 MDT', () => {
    expect(format(pattern, Date.UTC(2022, 2, 13, 8, 59, 59), 'America/Denver')).toBe('2022-03-13 01:59:59 MST -07:00')
    expect(format(pattern, Date.UTC(2022, 2, 13, 9, 0, 0), 'America/Denver')).toBe('2022-03-13 03:00:00 MDT -06:00')
    expect(format(pattern, Date.UTC(2022, 2, 13, 8, 30, 0), 'America/Denver')).toBe('2022-03-13 01:30:00 MST -07:00')
    expect(format(pattern, Date.UTC(2022, 2, 13, 9, 30, 0), 'America/Denver')).toBe('2022-03-13 03:30:00 MDT -06:00')
  })

  it('America/Denver falls back and repeats 01:xx', () => {
    expect(format(pattern, Date.UTC(2022, 10, 6, 7, 30, 0), 'America/Denver')).toBe('2022-11-06 01:30:00 MDT -06:00')
    expect(format(pattern, Date.UTC(2022, 10, 6, 8, 30, 0), 'America/Denver')).toBe('2022-11-06 01:30:00 MST -07:00')
  })

  it('Europe/London moves from GMT to BST (Java prints BST, not GMT+1)', () => {
    expect(format(pattern, Date.UTC(2022, 2, 27, 0, 59, 59), 'Europe/London')).toBe('2022-03-27 00:59:59 GMT Z')
    expect(format(pattern, Date.UTC(2022, 2, 27, 1, 0, 0), 'Europe/London')).toBe('2022-03-27 02:00:00 BST +01:00')
  })

  it('handles a half-hour DST shift that happens mid-hour in UTC (Australia/Lord_Howe)', () => {
    const p = 'HH:mm:ss XXX'
    expect(format(p, Date.UTC(2022, 9, 1, 15, 0, 0), 'Australia/Lord_Howe')).toBe('01:30:00 +10:30')
    expect(format(p, Date.UTC(2022, 9, 1, 15, 29, 59), 'Australia/Lord_Howe')).toBe('01:59:59 +10:30')
    expect(format(p, Date.UTC(2022, 9, 1, 15, 30, 0), 'Australia/Lord_Howe')).toBe('02:30:00 +11:00')
    expect(format(p, Date.UTC(2022, 9, 1, 15, 59, 59), 'Australia/Lord_Howe')).toBe('02:59:59 +11:00')
  })

  it('changes the date when the zone is a day ahead of UTC', () => {
    expect(format('yyyy-MM-dd HH:mm', Date.UTC(2022, 11, 31, 20, 0), 'Asia/Tokyo')).toBe('2023-01-01 05:00')
  })
})

describe('letter families', () => {
  it('years: y, yy, yyy, yyyy, yyyyy, u', () => {
    expect(format('y|yy|yyy|yyyy|yyyyy|uuuu|uu', SUNDAY, 'UTC')).toBe('2022|22|2022|2022|02022|2022|22')
    expect(format('yy', Date.UTC(2005, 5, 1), 'UTC')).toBe('05')
  })

  it('era and quarter: G, Q', () => {
    expect(format('G|GGGG|GGGGG|Q|QQ|QQQ|QQQQ', SUNDAY, 'UTC')).toBe('AD|Anno Domini|A|1|01|Q1|1st quarter')
    expect(format('QQQ qqqq', Date.UTC(2022, 10, 1), 'UTC')).toBe('Q4 4th quarter')
  })

  it('months: M, MM, MMM, MMMM, MMMMM, L', () => {
    expect(format('M|MM|MMM|MMMM|MMMMM|L|LLL', SUNDAY, 'UTC')).toBe('1|01|Jan|January|J|1|Jan')
    expect(format('M|MM|MMM|MMMM', Date.UTC(2022, 8, 30), 'UTC')).toBe('9|09|Sep|September')
  })

  it('days: d, dd, D, DD, DDD', () => {
    expect(format('d|dd|D|DD|DDD', SUNDAY, 'UTC')).toBe('2|02|2|02|002')
    expect(format('D', Date.UTC(2022, 11, 31), 'UTC')).toBe('365')
    expect(format('D', Date.UTC(2024, 11, 31), 'UTC')).toBe('366')
  })

  it('day of week: E, EEEE, EEEEE, e, ee, eee, c, cccc (en-US numbering, Sunday = 1)', () => {
    expect(format('E|EEE|EEEE|EEEEE|e|ee|eee|eeee|c|cccc', SUNDAY, 'UTC')).toBe('Sun|Sun|Sunday|S|1|01|Sun|Sunday|1|Sunday')
    expect(format('E e', Date.UTC(2022, 0, 8), 'UTC')).toBe('Sat 7')
    expect(format('EEEE e', Date.UTC(2022, 0, 3), 'UTC')).toBe('Monday 2')
  })

  it('hours and AM/PM: H, h, k, K, a', () => {
    expect(format('H|HH|h|hh|k|kk|K|KK|a', SUNDAY, 'UTC')).toBe('3|03|3|03|3|03|3|03|AM')
    expect(format('H|h|k|K|a', Date.UTC(2022, 0, 2, 0, 0), 'UTC')).toBe('0|12|24|0|AM')
    expect(format('H|h|k|K|a', Date.UTC(2022, 0, 2, 12, 0), 'UTC')).toBe('12|12|12|0|PM')
    expect(format('H|h|k|K|a', Date.UTC(2022, 0, 2, 23, 0), 'UTC')).toBe('23|11|23|11|PM')
  })

  it('minutes, seconds, fractions and nanos: m, s, S, n, A, N', () => {
    expect(format('m|mm|s|ss', SUNDAY, 'UTC')).toBe('4|04|5|05')
    expect(format('S|SS|SSS|SSSSSS|SSSSSSSSS', SUNDAY, 'UTC')).toBe('0|00|006|006000|006000000')
    expect(format('S|SSS', Date.UTC(2022, 0, 2, 0, 0, 0, 987), 'UTC')).toBe('9|987')
    expect(format('n|A|N', SUNDAY, 'UTC')).toBe('6000000|11045006|11045006000000')
  })

  it('zone names and ids: z, zzzz, v, vvvv, VV', () => {
    const may = Date.UTC(2022, 4, 12, 20, 46, 44)
    expect(format('z|zzz|zzzz|VV', may, 'America/Denver')).toBe('MDT|MDT|Mountain Daylight Time|America/Denver')
    expect(format('z|zzzz', Date.UTC(2022, 0, 12), 'America/Denver')).toBe('MST|Mountain Standard Time')
    expect(format('v|vvvv', may, 'America/Denver')).toBe('MT|Mountain Time')
    expect(format('z|zzzz|VV', may, 'UTC')).toBe('UTC|Coordinated Universal Time|UTC')
  })

  it('offsets in MDT: X, x, Z, O', () => {
    const may = Date.UTC(2022, 4, 12, 20, 46, 44)
    expect(format('X|XX|XXX|XXXX|XXXXX', may, 'America/Denver')).toBe('-06|-0600|-06:00|-0600|-06:00')
    expect(format('x|xx|xxx|xxxx|xxxxx', may, 'America/Denver')).toBe('-06|-0600|-06:00|-0600|-06:00')
    expect(format('Z|ZZ|ZZZ|ZZZZ|ZZZZZ', may, 'America/Denver')).toBe('-0600|-0600|-0600|GMT-06:00|-06:00')
    expect(format('O|OOOO', may, 'America/Denver')).toBe('GMT-6|GMT-06:00')
  })

  it('offsets with minutes (Asia/Kolkata, +05:30)', () => {
    expect(format('X|XX|XXX|x|Z|O|OOOO', SUNDAY, 'Asia/Kolkata')).toBe('+0530|+0530|+05:30|+0530|+0530|GMT+5:30|GMT+05:30')
  })

  it('zero offsets: Z for X, +00 forms for x, GMT for O', () => {
    expect(format('X|XXX|XXXXX|x|xx|xxx|Z|ZZZZ|ZZZZZ|O|OOOO', SUNDAY, 'UTC')).toBe('Z|Z|Z|+00|+0000|+00:00|+0000|GMT|Z|GMT|GMT')
  })
})

describe('literals', () => {
  it('prints quoted text, doubled quotes and non-letter characters as they are', () => {
    expect(format("yyyy-MM-dd'T'HH:mm:ss", SUNDAY, 'UTC')).toBe('2022-01-02T03:04:05')
    expect(format("h 'o''clock' a", SUNDAY, 'UTC')).toBe("3 o'clock AM")
    expect(format("''yy''", SUNDAY, 'UTC')).toBe("'22'")
    expect(format("'yyyy MM at' HH", SUNDAY, 'UTC')).toBe('yyyy MM at 03')
    expect(format('dd.MM.yyyy / HH:mm, ∆', SUNDAY, 'UTC')).toBe('02.01.2022 / 03:04, ∆')
  })

  it('prints optional sections', () => {
    expect(format('HH[:mm[:ss]]', SUNDAY, 'UTC')).toBe('03:04:05')
  })
})

describe('invalid input', () => {
  it.each([
    ['yyyy-MM-dd Ti', 'Unknown pattern letter: T'],
    ['b', 'Unknown pattern letter: b'],
    ['YYYY', 'Unsupported pattern letter: Y'],
    ['MMMMMM', 'Too many pattern letters: M'],
    ['ddd', 'Too many pattern letters: d'],
    ['hhh', 'Too many pattern letters: h'],
    ['aa', 'Too many pattern letters: a'],
    ['zzzzz', 'Too many pattern letters: z'],
    ['SSSSSSSSSS', 'Too many pattern letters: S'],
    ['V', 'Pattern letter count must be 2: V'],
    ['OO', 'Pattern letter count must be 1 or 4: O'],
    ['cc', 'Invalid pattern "cc"'],
    ["yyyy 'unterminated", "Pattern ends with an incomplete string literal: yyyy 'unterminated"],
    ['yyyy]', 'Pattern invalid as it contains ] without previous ['],
    ['yyyy#', "Pattern includes reserved character: '#'"],
  ])('rejects %s', (pattern, message) => {
    expect(compileDateFormat(pattern)).toEqual({ ok: false, message })
  })

  it('accepts the empty pattern', () => {
    expect(format('', SUNDAY, 'UTC')).toBe('')
  })

  it('validates zone ids', () => {
    expect(isValidZoneId('America/Denver')).toBe(true)
    expect(isValidZoneId('US/Mountain')).toBe(true)
    expect(isValidZoneId('UTC')).toBe(true)
    expect(isValidZoneId('Mars/Olympus_Mons')).toBe(false)
    expect(isValidZoneId('')).toBe(false)
    expect(isValidZoneId(' ')).toBe(false)
  })

  it('throws RangeError when formatting in an unknown zone', () => {
    expect(() => format('yyyy', SUNDAY, 'Mars/Olympus_Mons')).toThrow(RangeError)
  })
})
