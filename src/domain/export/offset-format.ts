/**
 * Java's two ways of printing a UTC offset: offset ids (`X`, `x`, `Z`: +0130, -07:00, Z) and localized
 * offsets (`O`, `ZZZZ`: GMT-7, GMT-07:00), as in DateTimeFormatterBuilder's OffsetIdPrinterParser and
 * LocalizedOffsetIdPrinterParser.
 */

const pad2 = (value: number): string => String(value).padStart(2, '0')

/**
 * Java's offset-id layouts by letter count for X and x (Z uses 2 and 5):
 * 1 = +HHmm (minutes only when non-zero), 2 = +HHMM, 3 = +HH:MM, 4 = +HHMMss, 5 = +HH:MM:ss (seconds only when non-zero).
 */
const LAYOUTS: Record<number, { colon: boolean; minutes: 'always' | 'nonzero'; seconds: 'never' | 'nonzero' }> = {
  1: { colon: false, minutes: 'nonzero', seconds: 'never' },
  2: { colon: false, minutes: 'always', seconds: 'never' },
  3: { colon: true, minutes: 'always', seconds: 'never' },
  4: { colon: false, minutes: 'always', seconds: 'nonzero' },
  5: { colon: true, minutes: 'always', seconds: 'nonzero' },
}

/** An offset id for letter count 1-5; `zeroText` is printed for a zero offset (Java's noOffsetText). */
export function formatOffsetId(offsetSeconds: number, count: number, zeroText: string): string {
  const layout = LAYOUTS[count] ?? LAYOUTS[2]
  if (layout === undefined || offsetSeconds === 0) return zeroText
  const abs = Math.abs(offsetSeconds)
  const hours = Math.floor(abs / 3600)
  const minutes = Math.floor(abs / 60) % 60
  const seconds = abs % 60
  const separator = layout.colon ? ':' : ''
  let out = `${offsetSeconds < 0 ? '-' : '+'}${pad2(hours)}`
  let printed = hours
  if (layout.minutes === 'always' || minutes > 0) {
    out += separator + pad2(minutes)
    printed += minutes
    if (layout.seconds === 'nonzero' && seconds > 0) {
      out += separator + pad2(seconds)
      printed += seconds
    }
  }
  // Java falls back to the zero text when nothing non-zero was printed (e.g. +00:00:30 as +HHMM).
  return printed === 0 ? zeroText : out
}

/** `GMT-7` / `GMT+5:30` (short) or `GMT-07:00` (full); plain `GMT` for a zero offset. */
export function formatLocalizedOffset(offsetSeconds: number, full: boolean): string {
  if (offsetSeconds === 0) return 'GMT'
  const abs = Math.abs(offsetSeconds)
  const hours = Math.floor(abs / 3600)
  const minutes = Math.floor(abs / 60) % 60
  const seconds = abs % 60
  let out = `GMT${offsetSeconds < 0 ? '-' : '+'}`
  if (full) {
    out += `${pad2(hours)}:${pad2(minutes)}`
    if (seconds !== 0) out += `:${pad2(seconds)}`
  } else {
    out += String(hours)
    if (minutes !== 0 || seconds !== 0) {
      out += `:${pad2(minutes)}`
      if (seconds !== 0) out += `:${pad2(seconds)}`
    }
  }
  return out
}
