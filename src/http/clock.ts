import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'

/** Header the test suite uses to pin the clock; honoured only when ENVIRONMENT is `test`. */
export const TEST_NOW_HEADER = 'x-test-now-millis'

/**
 * Sets `nowMillis` for the request. Domain code takes the instant as a value, never Date.now(),
 * so tests can move time (fake timers do not move KV's expiry or D1's rows).
 */
export const clock: MiddlewareHandler<AppEnv> = async (c, next) => {
  let now = Date.now()
  if (c.env.ENVIRONMENT === 'test') {
    const pinned = Number(c.req.header(TEST_NOW_HEADER))
    if (Number.isSafeInteger(pinned) && pinned > 0) now = pinned
  }
  c.set('nowMillis', now)
  await next()
}
