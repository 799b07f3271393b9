import type { Context } from 'hono'
import type { EventInfo } from '../domain/events/event'
import type { EventSource } from '../domain/events/event-source'
import type { LoginRequestSource } from '../domain/events/login-events'
import type { AppEnv } from '../env'
import { clientIp } from './client-ip'

/**
 * FusionAuth's `event.info` for an event a request causes: the caller's address (as login records take it) and
 * its User-Agent. FusionAuth also fills deviceName/deviceType/os from the agent string and `location` from a
 * GeoIP database; neither exists here, so those stay out rather than being guessed.
 */
export function requestEventInfo(c: Context, requestedIp?: string | null): EventInfo {
  const ipAddress = clientIp(c, requestedIp)
  const userAgent = requestUserAgent(c)
  return {
    ...(ipAddress === null ? {} : { ipAddress }),
    ...(userAgent === undefined ? {} : { userAgent }),
  }
}

/** The request's User-Agent for `event.info.userAgent`; an empty header counts as none. */
export function requestUserAgent(c: Context): string | undefined {
  const userAgent = c.req.header('user-agent')
  return userAgent === undefined || userAgent === '' ? undefined : userAgent
}

/** The request as the source of the events its action causes: its clock and its info (any env with the app's variables). */
export const requestEventSource = <E extends AppEnv>(c: Context<E>, requestedIp?: string | null): EventSource => ({
  createInstant: c.get('nowMillis'),
  info: requestEventInfo(c, requestedIp),
})

/** The request as the login family's events take it when it names no device: its address and User-Agent. */
export const requestLoginSource = (c: Context): LoginRequestSource => ({ ipAddress: clientIp(c, null), userAgent: requestUserAgent(c) })
