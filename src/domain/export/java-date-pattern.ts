/**
 * Parses a Java `DateTimeFormatter` pattern (the `dateTimeSecondsFormat` of the login-record export) into tokens,
 * following `DateTimeFormatterBuilder.appendPattern`: runs of one ASCII letter are fields, `'...'` is quoted text
 * (`''` is a quote), `[` and `]` are optional sections, every other character is literal text.
 * Letter counts are checked the way Java checks them, so a pattern Java rejects is rejected here too.
 */

export type PatternToken = { kind: 'literal'; text: string } | { kind: 'field'; letter: FieldLetter; count: number }

export type ParsedPattern = { ok: true; tokens: PatternToken[] } | { ok: false; message: string }

/** The letters this formatter prints. */
export type FieldLetter =
  | 'G'
  | 'y'
  | 'u'
  | 'Q'
  | 'q'
  | 'M'
  | 'L'
  | 'd'
  | 'D'
  | 'E'
  | 'e'
  | 'c'
  | 'a'
  | 'H'
  | 'h'
  | 'k'
  | 'K'
  | 'm'
  | 's'
  | 'S'
  | 'n'
  | 'A'
  | 'N'
  | 'z'
  | 'v'
  | 'V'
  | 'O'
  | 'X'
  | 'x'
  | 'Z'

/** Highest letter count Java accepts for each letter (Java's value widths stop at 19). */
const MAX_COUNT: Record<FieldLetter, number> = {
  G: 5,
  y: 19,
  u: 19,
  Q: 5,
  q: 5,
  M: 5,
  L: 5,
  d: 2,
  D: 3,
  E: 5,
  e: 5,
  c: 5,
  a: 1,
  H: 2,
  h: 2,
  k: 2,
  K: 2,
  m: 2,
  s: 2,
  S: 9,
  n: 19,
  A: 19,
  N: 19,
  z: 4,
  v: 4,
  V: 2,
  O: 4,
  X: 5,
  x: 5,
  Z: 5,
}

/** Letters Java knows but this formatter does not print (week-based fields, padding, modified Julian day). */
const UNSUPPORTED_LETTERS = new Set(['Y', 'w', 'W', 'F', 'p', 'g', 'B'])

const RESERVED_CHARACTERS = new Set(['#', '{', '}'])

function isFieldLetter(letter: string): letter is FieldLetter {
  return Object.hasOwn(MAX_COUNT, letter)
}

const isAsciiLetter = (char: string): boolean => (char >= 'A' && char <= 'Z') || (char >= 'a' && char <= 'z')

/** Java's count rules beyond a plain maximum; returns an error message or null. */
function checkCount(letter: FieldLetter, count: number): string | null {
  if (count > MAX_COUNT[letter]) return `Too many pattern letters: ${letter}`
  if (letter === 'V' && count !== 2) return 'Pattern letter count must be 2: V'
  if ((letter === 'O' || letter === 'v') && count !== 1 && count !== 4) {
    return `Pattern letter count must be 1 or 4: ${letter}`
  }
  if (letter === 'c' && count === 2) return 'Invalid pattern "cc"'
  return null
}

/** Parses `pattern`; an error message names the first problem, in the words Java uses where it has some. */
export function parseJavaDatePattern(pattern: string): ParsedPattern {
  const tokens: PatternToken[] = []
  let literal = ''
  let optionalDepth = 0
  const flushLiteral = (): void => {
    if (literal !== '') tokens.push({ kind: 'literal', text: literal })
    literal = ''
  }

  let position = 0
  while (position < pattern.length) {
    const char = pattern.charAt(position)
    if (isAsciiLetter(char)) {
      let end = position + 1
      while (end < pattern.length && pattern.charAt(end) === char) end++
      const count = end - position
      if (!isFieldLetter(char)) {
        return {
          ok: false,
          message: UNSUPPORTED_LETTERS.has(char) ? `Unsupported pattern letter: ${char}` : `Unknown pattern letter: ${char}`,
        }
      }
      const countError = checkCount(char, count)
      if (countError !== null) return { ok: false, message: countError }
      flushLiteral()
      tokens.push({ kind: 'field', letter: char, count })
      position = end
    } else if (char === "'") {
      // Find the closing quote; a doubled quote inside the literal stands for one quote.
      let end = position + 1
      for (; end < pattern.length; end++) {
        if (pattern.charAt(end) === "'") {
          if (pattern.charAt(end + 1) === "'") end++
          else break
        }
      }
      if (end >= pattern.length) {
        return { ok: false, message: `Pattern ends with an incomplete string literal: ${pattern}` }
      }
      const quoted = pattern.substring(position + 1, end)
      literal += quoted === '' ? "'" : quoted.replaceAll("''", "'")
      position = end + 1
    } else if (char === '[') {
      // Every field of a zoned instant is available, so an optional section always prints.
      optionalDepth++
      position++
    } else if (char === ']') {
      if (optionalDepth === 0) return { ok: false, message: 'Pattern invalid as it contains ] without previous [' }
      optionalDepth--
      position++
    } else if (RESERVED_CHARACTERS.has(char)) {
      return { ok: false, message: `Pattern includes reserved character: '${char}'` }
    } else {
      literal += char
      position++
    }
  }
  flushLiteral()
  return { ok: true, tokens }
}
