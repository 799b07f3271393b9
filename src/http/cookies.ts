import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

export const ACCESS_TOKEN_COOKIE = 'access_token'
export const REFRESH_TOKEN_COOKIE = 'refresh_token'
export const TRUST_COOKIE = 'fusionauth.trust'

/** Secure only over HTTPS (directly or behind a proxy that says so), as FusionAuth does. */
function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https'
}

const base = (c: Context) => ({ path: '/', httpOnly: true, secure: isHttps(c), sameSite: 'Lax' as const })

/**
 * The longest a cookie may live: 400 days (RFC 6265bis caps Max-Age and Expires there, browsers enforce it,
 * and hono refuses to serialise more). A refresh token or trust id may live longer (FusionAuth accepts any
 * positive lifetime); the cookie then expires first and the token keeps its own lifetime for clients that send it.
 */
export const MAX_COOKIE_AGE_SECONDS = 400 * 24 * 60 * 60

/** Max-Age and Expires for a persistent cookie: the lifetime asked for, capped at 400 days, whole seconds. */
function persistent(maxAgeSeconds: number): { maxAge: number; expires: Date } {
  const maxAge = Number.isNaN(maxAgeSeconds) ? 0 : Math.max(0, Math.min(Math.floor(maxAgeSeconds), MAX_COOKIE_AGE_SECONDS))
  // hono measures Expires against the real clock, so it is set from the real clock too.
  return { maxAge, expires: new Date(Date.now() + maxAge * 1000) }
}

/** access_token: an HttpOnly session cookie (no Max-Age). */
export function setAccessTokenCookie(c: Context, token: string): void {
  setCookie(c, ACCESS_TOKEN_COOKIE, token, base(c))
}

/** refresh_token: an HttpOnly persistent cookie living as long as the refresh token, at most 400 days. */
export function setRefreshTokenCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, REFRESH_TOKEN_COOKIE, token, { ...base(c), ...persistent(maxAgeSeconds) })
}

/** fusionauth.trust: an HttpOnly persistent cookie for the two-factor trust id, at most 400 days. */
export function setTrustCookie(c: Context, trustId: string, maxAgeSeconds: number): void {
  setCookie(c, TRUST_COOKIE, trustId, { ...base(c), ...persistent(maxAgeSeconds) })
}

export const CONSOLE_SESSION_COOKIE = 'console_session'

/** The console's session: HttpOnly, SameSite=Strict and scoped to /console, so no other page of the origin sends it. */
const consoleBase = (c: Context) => ({ ...base(c), path: '/console', sameSite: 'Strict' as const })

/** console_session: lives as long as the console session, at most 400 days. */
export function setConsoleSessionCookie(c: Context, sessionId: string, maxAgeSeconds: number): void {
  setCookie(c, CONSOLE_SESSION_COOKIE, sessionId, { ...consoleBase(c), ...persistent(maxAgeSeconds) })
}

export function clearConsoleSessionCookie(c: Context): void {
  deleteCookie(c, CONSOLE_SESSION_COOKIE, consoleBase(c))
}

export function clearCookie(c: Context, name: string): void {
  deleteCookie(c, name, base(c))
}

export const readCookie = (c: Context, name: string): string | undefined => getCookie(c, name)
