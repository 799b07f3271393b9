import type { Context } from 'hono'
import { notFound } from './errors'
import { isUuid } from './fields'

/** The `:name` path parameter as a lower-case UUID; anything else is an unknown object (404), as in FusionAuth. */
export function pathUuid(c: Context, name = 'id'): string {
  const value = c.req.param(name)
  if (!isUuid(value)) throw notFound()
  return value.toLowerCase()
}
