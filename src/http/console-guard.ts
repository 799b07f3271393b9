/**
 * What stands in front of every /console/api/* call: the console must be on (its application exists), the
 * console_session cookie must name a live session of an active admin, and a state-changing call must come from this
 * origin (Origin header) and carry the session's CSRF token (X-Console-CSRF). SameSite=Strict already keeps the
 * cookie off cross-site requests in current browsers; the Origin and token checks do not depend on that.
 */
import type { Context, MiddlewareHandler } from 'hono'
import {
  type ConsoleSession,
  consoleApplicationId,
  consoleEnabled,
  csrfTokenMatches,
  readConsoleSession,
} from '../domain/console/console-session'
import type { AppEnv } from '../env'
import { CONSOLE_SESSION_COOKIE, readCookie } from './cookies'
import { ApiError, Errors, notFound, unauthorized } from './errors'

export const CSRF_HEADER = 'X-Console-CSRF'

export interface ConsoleEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { consoleApplicationId: string; consoleSession: ConsoleSession }
}

const forbidden = (code: string, message: string): ApiError => new ApiError(403, new Errors().general(code, message))

/** The console's application id from CONSOLE_APPLICATION_ID; 404 for every console call while that application is absent. */
export const consoleOn: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const applicationId = consoleApplicationId(c.env.CONSOLE_APPLICATION_ID)
  if (!(await consoleEnabled(c.var.data, applicationId))) throw notFound()
  c.set('consoleApplicationId', applicationId)
  // Console answers are about one signed-in person: never cached, never sniffed into something else.
  c.header('Cache-Control', 'no-store')
  c.header('X-Content-Type-Options', 'nosniff')
  await next()
}

/** A state-changing request must name this origin; a missing or foreign Origin is refused. */
export function requireSameOrigin(c: Context<ConsoleEnv>): void {
  const origin = c.req.header('origin')
  if (origin === undefined || origin !== new URL(c.req.url).origin) {
    throw forbidden('[InvalidOrigin]', 'The console accepts changes only from its own pages.')
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD'])

/** The session for the cookie, else 401; for anything but GET, the same origin and the CSRF token, else 403. */
export const requireConsoleSession: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const sessionId = readCookie(c, CONSOLE_SESSION_COOKIE)
  const session =
    sessionId === undefined || sessionId === '' ? null : await readConsoleSession(c.var.data, sessionId, c.var.consoleApplicationId)
  if (session === null) throw unauthorized()
  if (!SAFE_METHODS.has(c.req.method)) {
    requireSameOrigin(c)
    if (!csrfTokenMatches(session, c.req.header(CSRF_HEADER))) {
      throw forbidden('[InvalidCSRFToken]', `The [${CSRF_HEADER}] header is missing or does not match this session.`)
    }
  }
  c.set('consoleSession', session)
  await next()
}

/** The session id the request's cookie carries (sign-out deletes it). */
export const presentedSessionId = (c: Context<ConsoleEnv>): string | undefined => readCookie(c, CONSOLE_SESSION_COOKIE)
