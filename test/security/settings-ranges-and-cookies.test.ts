/**
 * Issue 8, defect 7: lifetimes FusionAuth accepts (two years of refresh token or two-factor trust) made every
 * login that set those cookies 500, because cookies may not live more than 400 days (RFC 6265bis). Cookies are
 * capped while the tokens keep their own lifetimes; lifetimes outside FusionAuth's ranges are refused with
 * the field's code.
 */
import { env } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { clearCookie, MAX_COOKIE_AGE_SECONDS, setAccessTokenCookie, setRefreshTokenCookie, setTrustCookie } from '../../src/http/cookies'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'
import { challenge, enableAuthenticator, passwordLogin, stepStart, trustCookie, twoFactorLogin } from '../domain/two-factor-login/world'
import { fieldCodes, uniqueName } from '../routes/admin-fixtures'
import { PASSWORD } from '../routes/session-fixtures'

const FOUR_HUNDRED_DAYS_SECONDS = 400 * 24 * 60 * 60
const TWO_YEARS_MINUTES = 2 * 365 * 24 * 60
const TWO_YEARS_SECONDS = TWO_YEARS_MINUTES * 60
const DAY_MILLIS = 24 * 60 * 60 * 1000
/** One more than FusionAuth's Integer fields can hold. */
const BEYOND_INTEGER = 2 ** 31

const refreshApplication = { loginConfiguration: { requireAuthentication: false, generateRefreshTokens: true, allowTokenRefresh: true } }

function maxAgeOf(setCookie: string | undefined): number | undefined {
  const match = /;\s*Max-Age=(\d+)/i.exec(setCookie ?? '')
  return match === null ? undefined : Number(match[1])
}

const cookieNamed = (response: Response, name: string): string | undefined =>
  response.headers.getSetCookie().find((value) => value.startsWith(`${name}=`))

async function loginIn(tenantId: string, nowMillis?: number) {
  const application = await createApplication(tenantId, refreshApplication)
  const email = uniqueEmail()
  await createUser({ tenantId, email, password: PASSWORD, registrations: [{ applicationId: application.id }] })
  const response = await call('/api/login', {
    apiKey: null,
    body: { loginId: email, password: PASSWORD, applicationId: application.id },
    nowMillis,
  })
  return { application, response }
}

describe('cookies never outlive 400 days', () => {
  it('caps Max-Age and Expires of every cookie this code sets, whatever the lifetime asked for', async () => {
    expect(MAX_COOKIE_AGE_SECONDS).toBe(FOUR_HUNDRED_DAYS_SECONDS)
    const app = new Hono()
    app.get('/', (c) => {
      const lifetime = Number(c.req.query('lifetime'))
      setAccessTokenCookie(c, 'access')
      setRefreshTokenCookie(c, 'refresh', lifetime)
      setTrustCookie(c, 'trust', lifetime)
      clearCookie(c, 'old')
      return c.body(null, 200)
    })
    for (const lifetime of [
      60,
      FOUR_HUNDRED_DAYS_SECONDS,
      FOUR_HUNDRED_DAYS_SECONDS + 1,
      TWO_YEARS_SECONDS,
      2 ** 31 - 1,
      Number.MAX_SAFE_INTEGER,
    ]) {
      const before = Date.now()
      const response = await app.request(`https://example.com/?lifetime=${lifetime}`)
      expect(response.status, `lifetime ${lifetime}`).toBe(200)
      const cookies = response.headers.getSetCookie()
      expect(cookies).toHaveLength(4)
      for (const cookie of cookies) {
        const maxAge = maxAgeOf(cookie)
        if (maxAge !== undefined) expect(maxAge).toBeLessThanOrEqual(FOUR_HUNDRED_DAYS_SECONDS)
        const expires = /;\s*Expires=([^;]+)/i.exec(cookie)?.[1]
        if (expires !== undefined) expect(Date.parse(expires)).toBeLessThanOrEqual(before + FOUR_HUNDRED_DAYS_SECONDS * 1000 + 1000)
      }
      expect(maxAgeOf(cookies.find((c) => c.startsWith('refresh_token=')))).toBe(Math.min(lifetime, FOUR_HUNDRED_DAYS_SECONDS))
      expect(maxAgeOf(cookies.find((c) => c.startsWith('fusionauth.trust=')))).toBe(Math.min(lifetime, FOUR_HUNDRED_DAYS_SECONDS))
      expect(maxAgeOf(cookies.find((c) => c.startsWith('access_token=')))).toBeUndefined()
    }
  })
})

describe('two-year lifetimes, accepted as FusionAuth accepts them', () => {
  it('a tenant with a two-year refresh token and trust lifetime is accepted, and its logins answer 200 with capped cookies', async () => {
    const created = await call('/api/tenant', {
      body: {
        tenant: {
          name: uniqueName('two-years'),
          jwtConfiguration: { refreshTokenTimeToLiveInMinutes: TWO_YEARS_MINUTES },
          externalIdentifierConfiguration: { twoFactorTrustIdTimeToLiveInSeconds: TWO_YEARS_SECONDS },
        },
      },
    })
    expect(created.status).toBe(200)
    const { tenant } = await json<{ tenant: { id: string } }>(created)

    const now = Date.now()
    const { application, response } = await loginIn(tenant.id, now)
    expect(response.status).toBe(200)
    expect(maxAgeOf(cookieNamed(response, 'refresh_token'))).toBe(34_560_000)
    const body = await json<{ refreshToken: string; refreshTokenId: string }>(response)

    // The refresh token keeps its own two-year lifetime: stored so, and still exchangeable after 400 days.
    const row = await env.DB.prepare('SELECT expiration_instant FROM refresh_tokens WHERE id = ?')
      .bind(body.refreshTokenId)
      .first<{ expiration_instant: number }>()
    expect(row?.expiration_instant).toBe(now + TWO_YEARS_MINUTES * 60_000)
    const later = await call('/api/jwt/refresh', {
      apiKey: null,
      body: { refreshToken: body.refreshToken },
      nowMillis: now + 500 * DAY_MILLIS,
    })
    expect(later.status).toBe(200)
    const tooLate = await call('/api/jwt/refresh', {
      apiKey: null,
      body: { refreshToken: body.refreshToken },
      nowMillis: now + 731 * DAY_MILLIS,
    })
    expect(tooLate.status).not.toBe(200)
    expect(application.id).toBeTypeOf('string')
  })

  it('an application with a two-year refresh token and trust lifetime is accepted', async () => {
    const tenant = await createTenant()
    const response = await call('/api/application', {
      body: {
        application: {
          name: uniqueName('two-years'),
          tenantId: tenant.id,
          jwtConfiguration: { enabled: true, timeToLiveInSeconds: 3600, refreshTokenTimeToLiveInMinutes: TWO_YEARS_MINUTES },
          externalIdentifierConfiguration: { twoFactorTrustIdTimeToLiveInSeconds: TWO_YEARS_SECONDS },
        },
      },
    })
    expect(response.status).toBe(200)
  })

  it('a tenant row stored with a two-year refresh lifetime before the fix still logs in: 200, Max-Age 34560000', async () => {
    // The fixture writes the tenant straight into D1, as a row saved before validation existed would be.
    const tenant = await createTenant({ jwtConfiguration: { refreshTokenTimeToLiveInMinutes: TWO_YEARS_MINUTES } })
    const { response } = await loginIn(tenant.id)
    expect(response.status).toBe(200)
    expect(maxAgeOf(cookieNamed(response, 'refresh_token'))).toBe(34_560_000)
    expect(cookieNamed(response, 'refresh_token')).toContain('HttpOnly')
  })

  it('a two-year trust gives a trust cookie of 400 days, and the trust id itself lasts two years', async () => {
    const tenant = await createTenant({ externalIdentifierConfiguration: { twoFactorTrustIdTimeToLiveInSeconds: TWO_YEARS_SECONDS } })
    const application = await createApplication(tenant.id, { loginConfiguration: { requireAuthentication: false } })
    const email = uniqueEmail('mfa')
    const user = await createUser({ tenantId: tenant.id, email, password: PASSWORD, registrations: [{ applicationId: application.id }] })
    const base = stepStart()
    const enabled = await enableAuthenticator(user.id, base)
    const now = base + 30_000
    const twoFactorId = await challenge(application.id, email, { nowMillis: now })
    const code = await totpCode(enabled.keyBytes, timeStepAt(now))
    const response = await twoFactorLogin({ twoFactorId, code, trustComputer: true }, { nowMillis: now })
    expect(response.status).toBe(200)
    expect(maxAgeOf(trustCookie(response)?.setCookie)).toBe(34_560_000)
    const { twoFactorTrustId } = await json<{ twoFactorTrustId: string }>(response)

    const after500Days = await passwordLogin(application.id, email, { nowMillis: now + 500 * DAY_MILLIS, body: { twoFactorTrustId } })
    expect(after500Days.status).toBe(200)
    const afterTwoYears = await passwordLogin(application.id, email, { nowMillis: now + 731 * DAY_MILLIS, body: { twoFactorTrustId } })
    expect(afterTwoYears.status).toBe(242)
  })
})

describe('lifetimes outside FusionAuth ranges are refused with the field code', () => {
  it('tenant lifetimes must be more than 0 and fit FusionAuth Integer fields', async () => {
    const response = await call('/api/tenant', {
      body: {
        tenant: {
          name: uniqueName('too-long'),
          jwtConfiguration: { timeToLiveInSeconds: BEYOND_INTEGER, refreshTokenTimeToLiveInMinutes: BEYOND_INTEGER },
          externalIdentifierConfiguration: {
            twoFactorTrustIdTimeToLiveInSeconds: BEYOND_INTEGER,
            twoFactorIdTimeToLiveInSeconds: Number.MAX_SAFE_INTEGER,
            oneTimePasswordTimeToLiveInSeconds: 0,
          },
        },
      },
    })
    expect(await fieldCodes(response)).toEqual(
      expect.arrayContaining([
        '[invalid]tenant.jwtConfiguration.timeToLiveInSeconds',
        '[invalid]tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes',
        '[invalid]tenant.externalIdentifierConfiguration.twoFactorTrustIdTimeToLiveInSeconds',
        '[invalid]tenant.externalIdentifierConfiguration.twoFactorIdTimeToLiveInSeconds',
        '[invalid]tenant.externalIdentifierConfiguration.oneTimePasswordTimeToLiveInSeconds',
      ]),
    )
  })

  it('a tenant PATCH beyond the range is refused too', async () => {
    const tenant = await createTenant()
    const response = await call(`/api/tenant/${tenant.id}`, {
      method: 'PATCH',
      body: { tenant: { jwtConfiguration: { refreshTokenTimeToLiveInMinutes: BEYOND_INTEGER } } },
    })
    expect(await fieldCodes(response)).toEqual(['[invalid]tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes'])
  })

  it('application lifetimes must fit FusionAuth Integer fields, enabled or not', async () => {
    const tenant = await createTenant()
    const enabled = await call('/api/application', {
      body: {
        application: {
          name: uniqueName('too-long'),
          tenantId: tenant.id,
          jwtConfiguration: { enabled: true, timeToLiveInSeconds: BEYOND_INTEGER, refreshTokenTimeToLiveInMinutes: BEYOND_INTEGER },
          externalIdentifierConfiguration: { twoFactorTrustIdTimeToLiveInSeconds: BEYOND_INTEGER },
        },
      },
    })
    expect(await fieldCodes(enabled)).toEqual(
      expect.arrayContaining([
        '[invalid]application.jwtConfiguration.timeToLiveInSeconds',
        '[invalid]application.jwtConfiguration.refreshTokenTimeToLiveInMinutes',
        '[invalid]application.externalIdentifierConfiguration.twoFactorTrustIdTimeToLiveInSeconds',
      ]),
    )
    const disabled = await call('/api/application', {
      body: {
        application: {
          name: uniqueName('too-long'),
          tenantId: tenant.id,
          jwtConfiguration: { enabled: false, refreshTokenTimeToLiveInMinutes: BEYOND_INTEGER },
        },
      },
    })
    expect(await fieldCodes(disabled)).toEqual(['[invalid]application.jwtConfiguration.refreshTokenTimeToLiveInMinutes'])
  })
})
