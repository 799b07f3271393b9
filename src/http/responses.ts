/**
 * Success responses in FusionAuth's shape. Error responses are built in one place too: throw an ApiError
 * (errors.ts) and app.onError renders it.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * A JSON body with FusionAuth's exact content type and any status, FusionAuth's own included (242, 212, 213),
 * which Hono's status type does not list.
 */
export function fusionJson(c: Context, body: object, status = 200): Response {
  c.header('Content-Type', 'application/json;charset=UTF-8')
  // Hono types statuses as the IANA list; a Response takes any status from 200 to 599.
  return c.body(JSON.stringify(body), status as ContentfulStatusCode)
}

/** A successful body-less answer: the official client must not see a JSON content type here. */
export const emptyOk = (c: Context): Response => c.body(null, 200)
