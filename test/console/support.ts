/** Shared set-up for the console suites: the console's application, an admin who can sign in, and signed calls. */
import { env } from 'cloudflare:test'
import type { Application } from '../../src/domain/application'
import { FUSIONAUTH_ADMIN_APPLICATION_ID } from '../../src/domain/console/console-session'
import type { User } from '../../src/domain/user'
import { ApplicationStore } from '../../src/store/application-store'
import { createApplication, createUser, defaultTenant, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'

export const ORIGIN = 'http://localhost'
export const PASSWORD = 'console horse battery'

/** The console's application (FusionAuth's admin application id), created once per database. */
export async function consoleApplication(): Promise<Application> {
  const existing = await new ApplicationStore(env.DB).get(FUSIONAUTH_ADMIN_APPLICATION_ID)
  if (existing !== null) return existing
  const tenant = await defaultTenant()
  try {
    return await createApplication(tenant.id, {
      id: FUSIONAUTH_ADMIN_APPLICATION_ID,
      name: 'FusionAuth',
      // The sign-in page calls POST /api/login from the browser, which holds no API key.
      loginConfiguration: { requireAuthentication: false, generateRefreshTokens: false, allowTokenRefresh: false },
      roles: [
        { id: crypto.randomUUID(), name: 'admin', isSuperRole: true, isDefault: false },
        { id: crypto.randomUUID(), name: 'user_support_viewer', isSuperRole: false, isDefault: false },
      ],
    })
  } catch {
    // Another test of this file created it first.
    const created = await new ApplicationStore(env.DB).get(FUSIONAUTH_ADMIN_APPLICATION_ID)
    if (created === null) throw new Error('could not create the console application')
    return created
  }
}

/** A user registered to the console's application with `roles` (admin by default). */
export async function consoleUser(roles: string[] = ['admin'], applicationId?: string): Promise<{ user: User; email: string }> {
  const application = applicationId ?? (await consoleApplication()).id
  const tenant = await defaultTenant()
  const email = uniqueEmail('console')
  const user = await createUser({ tenantId: tenant.id, email, password: PASSWORD, registrations: [{ applicationId: application, roles }] })
  return { user, email }
}

/** POST /api/login for the console's application, as the sign-in page does; the access token. */
export async function consoleLoginToken(
  email: string,
  nowMillis?: number,
  applicationId = FUSIONAUTH_ADMIN_APPLICATION_ID,
): Promise<string> {
  const response = await call('/api/login', { apiKey: null, body: { loginId: email, password: PASSWORD, applicationId }, nowMillis })
  const body = await json<{ token?: string }>(response)
  if (body.token === undefined) throw new Error(`login answered ${response.status} without a token`)
  return body.token
}

export interface SignedIn {
  cookie: string
  csrfToken: string
  userId: string
}

/** Trades a token for a session: the response, and the cookie pair it set. */
export async function exchange(token: string, options: { origin?: string | null; nowMillis?: number } = {}): Promise<Response> {
  const origin = options.origin === undefined ? ORIGIN : options.origin
  return call('/console/api/session', {
    apiKey: null,
    body: { token },
    headers: origin === null ? {} : { Origin: origin },
    nowMillis: options.nowMillis,
  })
}

/** `console_session=...` from a Set-Cookie header. */
export function sessionCookie(response: Response): string {
  const header = response.headers.get('set-cookie') ?? ''
  const pair = header.split(';')[0] ?? ''
  if (!pair.startsWith('console_session=')) throw new Error(`no console_session cookie in [${header}]`)
  return pair
}

/** Signs a fresh admin in; returns the cookie and CSRF token. */
export async function signIn(roles: string[] = ['admin'], nowMillis?: number): Promise<SignedIn> {
  const { user, email } = await consoleUser(roles)
  const response = await exchange(await consoleLoginToken(email, nowMillis), { nowMillis })
  if (response.status !== 200) throw new Error(`session exchange answered ${response.status}`)
  const body = await json<{ csrfToken: string }>(response)
  return { cookie: sessionCookie(response), csrfToken: body.csrfToken, userId: user.id }
}

/** A console call with the session cookie; state-changing calls also send Origin and the CSRF token unless told not to. */
export function consoleCall(
  path: string,
  session: SignedIn | null,
  options: { method?: string; body?: unknown; origin?: string | null; csrf?: string | null; nowMillis?: number } = {},
): Promise<Response> {
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = {}
  if (session !== null) headers.Cookie = session.cookie
  if (method !== 'GET') {
    const origin = options.origin === undefined ? ORIGIN : options.origin
    if (origin !== null) headers.Origin = origin
    const csrf = options.csrf === undefined ? session?.csrfToken : options.csrf
    if (csrf !== null && csrf !== undefined) headers['X-Console-CSRF'] = csrf
  }
  return call(`/console/api${path}`, { apiKey: null, method, body: options.body, headers, nowMillis: options.nowMillis })
}
