/**
 * Console sessions. A person signs in through this product's own Login API (POST /api/login, and
 * /api/two-factor/login on a 242) for the console's application, then trades the access token for a session: a
 * random id in an HttpOnly cookie, stored hashed in KV with the roles it was granted and a CSRF token. Every console
 * call is authorised by that session, never by an API key in the browser. The user is read again on every call, so a
 * user deactivated, locked or no longer holding the `admin` role loses the console at once, not when the session ends.
 */
import type { DataContext } from '../../store/data-context'
import { randomToken, timingSafeEqualStrings } from '../crypto/secrets'
import { accessTokenLookups } from '../tokens/access-token-lookups'
import { verifyAccessToken } from '../tokens/access-token-verification'
import { refuseBeforePassword } from '../login/login-checks'
import type { User } from '../user'

/** FusionAuth's own admin application (its admin UI signs in to it); the console uses it unless told otherwise. */
export const FUSIONAUTH_ADMIN_APPLICATION_ID = '3c219e58-ed0e-4b18-ad48-f4f92793ae32'

/** FusionAuth's convention: the `admin` role of the admin application may do everything in its admin UI. */
export const CONSOLE_ADMIN_ROLE = 'admin'

/** How long a session lasts from sign-in; the cookie's Max-Age is the same. */
export const CONSOLE_SESSION_TTL_SECONDS = 8 * 60 * 60

/** What KV holds for a session (under a hash of its id). */
export interface ConsoleSession {
  userId: string
  tenantId: string
  applicationId: string
  roles: string[]
  /** Sent back by the page as X-Console-CSRF on every state-changing call. */
  csrfToken: string
  loginId: string
  startedMillis: number
  expiresMillis: number
}

export type SessionStart =
  | { kind: 'started'; sessionId: string; session: ConsoleSession; maxAgeSeconds: number }
  /** The token does not verify, is for another application, or its user is not (or no longer) an active console admin. */
  | { kind: 'refused' }

/** The console's application id: CONSOLE_APPLICATION_ID when it is set, else FusionAuth's admin application. */
export function consoleApplicationId(configured: string | undefined): string {
  const trimmed = configured?.trim().toLowerCase()
  return trimmed === undefined || trimmed === '' ? FUSIONAUTH_ADMIN_APPLICATION_ID : trimmed
}

/** Whether the console's application exists; without it the console is off. */
export async function consoleEnabled(data: DataContext, applicationId: string): Promise<boolean> {
  return (await data.applications.get(applicationId)) !== null
}

/**
 * The roles the user holds now on the console's application (group roles included, as a login's JWT carries them),
 * or null when they may not use the console: gone, or refused as a login to that application would be
 * (deactivated, a prevent-login action in force, expired), or without the admin role. One batched read.
 */
async function consoleAdmin(data: DataContext, userId: string, applicationId: string): Promise<{ user: User; roles: string[] } | null> {
  const subject = await data.logins.findById(userId, data.nowMillis)
  if (subject === null || refuseBeforePassword(subject, applicationId, data.nowMillis) !== null) return null
  const registration = (subject.user.registrations ?? []).find((r) => r.applicationId === applicationId)
  const roles = registration?.roles ?? []
  return roles.includes(CONSOLE_ADMIN_ROLE) ? { user: subject.user, roles: [...roles] } : null
}

/** Verifies an access token from POST /api/login for the console's application and opens a session for its user. */
export async function startConsoleSession(data: DataContext, token: string, applicationId: string): Promise<SessionStart> {
  const now = data.nowMillis
  const verified = await verifyAccessToken({ token, requestTenantId: null, nowSeconds: Math.floor(now / 1000) }, accessTokenLookups(data))
  if (!verified.ok || verified.application?.id !== applicationId) return { kind: 'refused' }
  const admin = await consoleAdmin(data, verified.claims.sub.toLowerCase(), applicationId)
  if (admin === null || admin.user.tenantId !== verified.tenant.id) return { kind: 'refused' }
  const { user, roles } = admin

  const sessionId = randomToken(32)
  const session: ConsoleSession = {
    userId: user.id,
    tenantId: user.tenantId,
    applicationId,
    roles,
    csrfToken: randomToken(32),
    loginId: user.email ?? user.username ?? user.id,
    startedMillis: now,
    expiresMillis: now + CONSOLE_SESSION_TTL_SECONDS * 1000,
  }
  await data.consoleSessions.put(sessionId, session, CONSOLE_SESSION_TTL_SECONDS, now)
  return { kind: 'started', sessionId, session, maxAgeSeconds: CONSOLE_SESSION_TTL_SECONDS }
}

/**
 * The session for a cookie value, or null: unknown, expired, for another console application than the one
 * configured now, or its user is gone, could not log in to the console's application now, or lost the admin role.
 */
export async function readConsoleSession(data: DataContext, sessionId: string, applicationId: string): Promise<ConsoleSession | null> {
  const session = await data.consoleSessions.get(sessionId, data.nowMillis)
  if (session === null || session.applicationId !== applicationId) return null
  const admin = await consoleAdmin(data, session.userId, applicationId)
  return admin === null ? null : { ...session, roles: admin.roles }
}

/** Sign-out: the session is deleted. KV deletes reach other locations within about a minute. */
export async function endConsoleSession(data: DataContext, sessionId: string): Promise<void> {
  await data.consoleSessions.delete(sessionId)
}

/** The page's X-Console-CSRF header against the session's token, in constant time. */
export function csrfTokenMatches(session: ConsoleSession, presented: string | undefined): boolean {
  return presented !== undefined && presented !== '' && timingSafeEqualStrings(presented, session.csrfToken)
}
