import type { Context } from 'hono'
import { codes, fieldError } from './errors'
import { isUuid } from './fields'

/**
 * A query parameter, treating what the official client sends for an omitted argument as absent:
 * it writes `undefined` and `null` values out literally (`?userId=undefined`).
 */
export function queryParam(c: Context, name: string): string | undefined {
  const value = c.req.query(name)
  return value === undefined || value === '' || value === 'undefined' || value === 'null' ? undefined : value
}

/**
 * A UUID from a query parameter or a body field, lower-cased; undefined when absent. Anything else present is
 * FusionAuth's `[couldNotConvert]name` (400).
 */
export function uuidParam(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (!isUuid(value)) throw fieldError(name, codes.couldNotConvert(name, String(value)))
  return value.toLowerCase()
}
