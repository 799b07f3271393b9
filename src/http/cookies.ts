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

/** access_token: an HttpOnly session cookie (no Max-Age). */
export function setAccessTokenCookie(c: Context, token: string): void {
  setCookie(c, ACCESS_TOKEN_COOKIE, token, base(c))
}

/** refresh_token: an HttpOnly persistent cookie living as long as the refresh token. */
export function setRefreshTokenCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, REFRESH_TOKEN_COOKIE, token, { ...base(c), maxAge: maxAgeSeconds, expires: new Date(Date.now() + maxAgeSeconds * 1000) })
}

/** fusionauth.trust: an HttpOnly persistent cookie for the two-factor trust id. */
export function setTrustCookie(c: Context, trustId: string, maxAgeSeconds: number): void {
  setCookie(c, TRUST_COOKIE, trustId, { ...base(c), maxAge: maxAgeSeconds, expires: new Date(Date.now() + maxAgeSeconds * 1000) })
}

export function clearCookie(c: Context, name: string): void {
  deleteCookie(c, name, base(c))
}

export const readCookie = (c: Context, name: string): string | undefined => getCookie(c, name)
