/**
 * The console's session and its refusals: signing in through the Login API and trading the token for a session,
 * and every way a call without a good session, role, origin or CSRF token is refused.
 */
import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { consoleApplicationId, consoleEnabled, FUSIONAUTH_ADMIN_APPLICATION_ID } from '../../src/domain/console/console-session'
import { dataContextFor } from '../../src/store/data-context'
import { createApplication, defaultTenant } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { consoleApplication, consoleCall, consoleLoginToken, consoleUser, exchange, ORIGIN, sessionCookie, signIn } from './support'

const HOUR = 3_600_000

describe('console sign-in', () => {
  it('trades an admin access token for an HttpOnly, SameSite=Strict cookie scoped to /console', async () => {
    const { email, user } = await consoleUser()
    const response = await exchange(await consoleLoginToken(email))
    expect(response.status).toBe(200)
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^console_session=[\w-]{43};/)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/console')
    expect(cookie).toContain('Max-Age=28800')
    // Plain HTTP here; over HTTPS the cookie is Secure (cookies.ts).
    expect(cookie).not.toContain('Secure')
    const body = await json<{ user: { id: string }; roles: string[]; csrfToken: string }>(response)
    expect(body.user.id).toBe(user.id)
    expect(body.roles).toEqual(['admin'])
    expect(body.csrfToken).toMatch(/^[\w-]{43}$/)

    const session = await consoleCall('/session', { cookie: sessionCookie(response), csrfToken: '', userId: '' })
    expect(session.status).toBe(200)
    expect((await json<{ csrfToken: string }>(session)).csrfToken).toBe(body.csrfToken)
    expect(session.headers.get('cache-control')).toBe('no-store')
  })

  it('marks the cookie Secure over HTTPS', async () => {
    const { email } = await consoleUser()
    const token = await consoleLoginToken(email)
    const response = await SELF.fetch(
      new Request('https://localhost/console/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'https://localhost' },
        body: JSON.stringify({ token }),
      }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('set-cookie')).toMatch(/; Secure/)
  })

  it('names the console application in its config, without a session', async () => {
    const application = await consoleApplication()
    const response = await call('/console/api/config', { apiKey: null })
    expect(await json(response)).toEqual({ applicationId: application.id })
  })

  it('refuses a user without the admin role on the console application', async () => {
    const { email } = await consoleUser(['user_support_viewer'])
    await expectEmpty(await exchange(await consoleLoginToken(email)), 401)
  })

  it("refuses an admin of another application, with that application's token", async () => {
    const tenant = await defaultTenant()
    const other = await createApplication(tenant.id, {
      roles: [{ id: crypto.randomUUID(), name: 'admin', isDefault: false, isSuperRole: true }],
      loginConfiguration: { requireAuthentication: false, generateRefreshTokens: false, allowTokenRefresh: false },
    })
    const { email } = await consoleUser(['admin'], other.id)
    await expectEmpty(await exchange(await consoleLoginToken(email, undefined, other.id)), 401)
  })

  it('refuses a forged token, an expired token and no token', async () => {
    const { email } = await consoleUser()
    const token = await consoleLoginToken(email)
    const [header, payload] = token.split('.')
    await expectEmpty(await exchange(`${header}.${payload}.${'A'.repeat(43)}`), 401)
    // Access tokens live an hour by default.
    await expectEmpty(await exchange(token, { nowMillis: Date.now() + 2 * HOUR }), 401)
    const blank = await call('/console/api/session', { apiKey: null, body: {}, headers: { Origin: ORIGIN } })
    expect(blank.status).toBe(400)
  })

  it('refuses a sign-in posted from another origin, or with no Origin', async () => {
    const { email } = await consoleUser()
    const token = await consoleLoginToken(email)
    const foreign = await exchange(token, { origin: 'https://evil.example' })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('set-cookie')).toBeNull()
    expect((await json<{ generalErrors: { code: string }[] }>(foreign)).generalErrors[0]?.code).toBe('[InvalidOrigin]')
    expect((await exchange(token, { origin: null })).status).toBe(403)
  })
})

describe('console configuration', () => {
  it("uses FusionAuth's admin application unless CONSOLE_APPLICATION_ID names another, and is off while it is absent", async () => {
    expect(consoleApplicationId(undefined)).toBe(FUSIONAUTH_ADMIN_APPLICATION_ID)
    expect(consoleApplicationId(' ')).toBe(FUSIONAUTH_ADMIN_APPLICATION_ID)
    const other = crypto.randomUUID()
    expect(consoleApplicationId(other.toUpperCase())).toBe(other)
    const data = dataContextFor(env, Date.now())
    expect(await consoleEnabled(data, other)).toBe(false)
    await consoleApplication()
    expect(await consoleEnabled(data, FUSIONAUTH_ADMIN_APPLICATION_ID)).toBe(true)
  })
})

describe('console refusals', () => {
  const reads = ['/session', '/activity', '/applications', '/records', `/users?q=a`, `/users/${crypto.randomUUID()}`]

  it('answers 401 to every call without a session cookie', async () => {
    await consoleApplication()
    for (const path of reads) await expectEmpty(await consoleCall(path, null), 401)
    await expectEmpty(await consoleCall(`/users/${crypto.randomUUID()}/lock`, null, { method: 'POST' }), 401)
  })

  it('answers 401 to a forged cookie', async () => {
    await consoleApplication()
    const forged = { cookie: `console_session=${'x'.repeat(43)}`, csrfToken: 'x', userId: '' }
    for (const path of reads) await expectEmpty(await consoleCall(path, forged), 401)
  })

  it('answers 401 once the session has expired', async () => {
    const now = Date.now()
    const session = await signIn(['admin'], now)
    expect((await consoleCall('/activity', session, { nowMillis: now + 7 * HOUR })).status).toBe(200)
    await expectEmpty(await consoleCall('/activity', session, { nowMillis: now + 8 * HOUR + 1000 }), 401)
  })

  it('answers 401 once the user is deactivated, locked or loses the admin role', async () => {
    const first = await signIn()
    const second = await signIn()
    expect((await consoleCall(`/users/${second.userId}/deactivate`, first, { method: 'POST' })).status).toBe(200)
    await expectEmpty(await consoleCall('/activity', second), 401)

    const locked = await signIn()
    expect((await consoleCall(`/users/${locked.userId}/lock`, first, { method: 'POST' })).status).toBe(200)
    await expectEmpty(await consoleCall('/activity', locked), 401)
    expect((await consoleCall(`/users/${locked.userId}/unlock`, first, { method: 'POST' })).status).toBe(200)
    expect((await consoleCall('/activity', locked)).status).toBe(200)

    const third = await signIn()
    const application = await consoleApplication()
    const demoted = await call(`/api/user/registration/${third.userId}`, {
      method: 'PUT',
      body: { registration: { applicationId: application.id, roles: ['user_support_viewer'] } },
    })
    expect(demoted.status).toBe(200)
    await expectEmpty(await consoleCall('/activity', third), 401)
  })

  it('refuses a cross-site POST: no CSRF token, a wrong one, a foreign Origin, no Origin; and nothing happens', async () => {
    const session = await signIn()
    const { user: target } = await consoleUser(['user_support_viewer'])
    const lock = `/users/${target.id}/lock`
    const attempts = [{ csrf: null }, { csrf: 'A'.repeat(43) }, { origin: 'https://evil.example' }, { origin: null }, { csrf: '' }]
    for (const attempt of attempts) {
      const response = await consoleCall(lock, session, { method: 'POST', ...attempt })
      expect(response.status, JSON.stringify(attempt)).toBe(403)
    }
    const details = await json<{ locked: boolean; actions: unknown[] }>(await consoleCall(`/users/${target.id}`, session))
    expect(details.locked).toBe(false)
    expect(details.actions).toEqual([])
    // The same call with the token and the origin goes through.
    const locked = await consoleCall(lock, session, { method: 'POST' })
    expect(locked.status).toBe(200)
    expect((await json<{ locked: boolean }>(locked)).locked).toBe(true)
  })

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const session = await signIn()
    expect((await consoleCall('/session', session, { method: 'DELETE', csrf: null })).status).toBe(403)
    const out = await consoleCall('/session', session, { method: 'DELETE' })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/^console_session=;.*Max-Age=0/)
    await expectEmpty(await consoleCall('/session', session), 401)
  })
})
