/**
 * The limits every JSON value from outside (a request body) or from a data column is held to, checked
 * without recursion so that no input can reach the call-stack limit that a recursive walk would.
 */

/**
 * The deepest nesting (objects and arrays, the outermost counting 1) a JSON value may have.
 * `JSON.stringify`, structured clone and the validators all recurse, and workerd's stack overflows at a few
 * thousand levels; 100 keeps every walk far from that while allowing far more than any FusionAuth object
 * (about 5 levels) or a client's free-form `data` plausibly needs. Jackson, which FusionAuth parses with,
 * refuses beyond 1,000 levels; the gap only refuses JSON that no FusionAuth client sends.
 */
export const MAX_JSON_DEPTH = 100

/**
 * Keys that select or reach a prototype in JavaScript. JSON.parse makes them plain own properties, but a
 * spread, an assignment or a merge of one can set an object's prototype, so they are dropped everywhere.
 * FusionAuth (Java) would store them as ordinary keys; no FusionAuth object has fields with these names.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * Whether JSON text nests deeper than `maxDepth`, by one pass over the characters (brackets inside strings
 * do not count). Malformed text gets an answer too; JSON.parse refuses it afterwards.
 */
export function jsonTextDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) {
      inString = true
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
    }
  }
  return false
}

/** Whether the text may hold a prototype key, spelled out or through a `\u` escape (a cheap test before walking a parsed value). */
export const mayHoldPrototypeKeys = (text: string): boolean =>
  text.includes('__proto__') || text.includes('constructor') || text.includes('prototype') || text.includes('\\u')

type Container = Record<string, unknown> | unknown[]

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null

/**
 * Makes a parsed JSON value safe in place, iteratively: removes prototype keys at every level and drops any
 * object or array nested deeper than `maxDepth` (the key removed, or the element taken out of its array).
 * Returns the same value.
 */
export function sanitizeParsedJson<T>(root: T, maxDepth: number = MAX_JSON_DEPTH): T {
  if (!isContainer(root)) return root
  const work: { container: Container; depth: number }[] = [{ container: root, depth: 1 }]
  for (let next = work.pop(); next !== undefined; next = work.pop()) {
    const { container, depth } = next
    if (Array.isArray(container)) {
      for (let i = container.length - 1; i >= 0; i--) {
        const child: unknown = container[i]
        if (!isContainer(child)) continue
        if (depth >= maxDepth) container.splice(i, 1)
        else work.push({ container: child, depth: depth + 1 })
      }
    } else {
      for (const key of Object.keys(container)) {
        const child = container[key]
        if (PROTOTYPE_KEYS.has(key) || (isContainer(child) && depth >= maxDepth)) delete container[key]
        else if (isContainer(child)) work.push({ container: child, depth: depth + 1 })
      }
    }
  }
  return root
}
