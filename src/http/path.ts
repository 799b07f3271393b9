import type { Context } from 'hono'
import { notFound } from './errors'
import { isUuid } from './fields'

/** A UUID path segment for Hono's `:name{pattern}` routes (FusionAuth answers other segments with its own routes or 404). */
export const UUID_SEGMENT = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'

/** The `:name` path parameter as a lower-case UUID; anything else is an unknown object (404), as in FusionAuth. */
export function pathUuid(c: Context, name = 'id'): string {
  const value = c.req.param(name)
  if (!isUuid(value)) throw notFound()
  return value.toLowerCase()
}
