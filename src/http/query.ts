import type { Context } from 'hono'

/**
 * A query parameter, treating what the official client sends for an omitted argument as absent:
 * it writes `undefined` and `null` values out literally (`?userId=undefined`).
 */
export function queryParam(c: Context, name: string): string | undefined {
  const value = c.req.query(name)
  return value === undefined || value === '' || value === 'undefined' || value === 'null' ? undefined : value
}
