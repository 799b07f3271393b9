/**
 * Round trips to D1's primary awaited by each request of the login family (issue 10's table). The primary lives
 * in one region; a replica is near every caller. Counted exactly with a wrapper around the real local binding:
 * a regression here fails CI.
 */
import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { SUPERUSER_KEY } from '../helpers'
import { claimsOf, PASSWORD, world, type World } from '../routes/session-fixtures'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import * as twoFactor from '../domain/two-factor-login/world'
import { countingD1 } from '../support/counting-d1'
import { callWith } from '../support/worker-call'

const d1 = countingD1(env.DB)

/** Calls the Worker with the counting binding and returns the response with the round trips it made. */
async function counted(path: string, options: Parameters<typeof callWith>[2] = {}) {
  d1.reset()
  const response = await callWith({ DB: d1.binding }, path, options)
  return { response, primary: d1.trips.primary, replica: d1.trips.replica, log: [...d1.trips.log] }
}

const loginBody = (w: World, extra: Record<string, unknown> = {}) => ({
  loginId: w.email,
  password: PASSWORD,
  applicationId: w.application.id,
  ...extra,
})

describe('round trips to the D1 primary', () => {
  beforeAll(async () => {
    // The isolate's one-time bootstrap check is not part of any request's budget.
    await callWith({ DB: d1.binding }, '/api/login', { body: {} })
  })

  it('password login, 200, with a refresh token: one (the refresh token), reads at a replica', async () => {
    const w = await world()
    const { response, primary, replica, log } = await counted('/api/login', { body: loginBody(w) })
    expect(response.status).toBe(200)
    expect((await response.json<{ refreshToken?: string }>()).refreshToken).toBeDefined()
    expect({ primary, log }).toEqual({
      primary: 1,
      log: expect.arrayContaining([expect.stringMatching(/^primary: INSERT INTO refresh_tokens/)]),
    })
    // The application, tenant and user in one batch, beside the API-key lookup: two replica reads, made concurrently.
    expect(replica).toBe(2)
  })

  it('password login, 200, without a refresh token (noJWT, or an application that issues none): none', async () => {
    const w = await world()
    expect(await counted('/api/login', { body: loginBody(w, { noJWT: true }) })).toMatchObject({ response: { status: 200 }, primary: 0 })
    const noRefresh = await world({ application: { loginConfiguration: { requireAuthentication: true, generateRefreshTokens: false } } })
    expect(await counted('/api/login', { body: loginBody(noRefresh) })).toMatchObject({ response: { status: 200 }, primary: 0 })
  })

  it('wrong password and unknown user: one each, the same for both, whether or not the tenant counts failures', async () => {
    const definition = await callWith({}, '/api/user-action', {
      body: { userAction: { name: `lock-${crypto.randomUUID()}`, preventLogin: true, temporal: true } },
    })
    const { userAction } = await definition.json<{ userAction: { id: string } }>()
    const counting = {
      failedAuthenticationConfiguration: {
        userActionId: userAction.id,
        tooManyAttempts: 100,
        resetCountInSeconds: 60,
        actionDuration: 1,
        actionDurationUnit: 'MINUTES',
      },
    }
    for (const tenant of [counting, {}]) {
      const w = await world({ tenant })
      const wrong = await counted('/api/login', { body: loginBody(w, { password: 'not the password' }) })
      const unknown = await counted('/api/login', { body: loginBody(w, { loginId: `nobody-${crypto.randomUUID()}@example.com` }) })
      expect([wrong.response.status, unknown.response.status]).toEqual([404, 404])
      expect([wrong.primary, unknown.primary]).toEqual([1, 1])
      expect(wrong.replica).toBe(unknown.replica)
    }
  })

  it('login ping by API key and by JWT: none', async () => {
    const w = await world()
    expect(await counted(`/api/login/${w.user.id}/${w.application.id}`, { method: 'PUT', apiKey: SUPERUSER_KEY })).toMatchObject({
      response: { status: 200 },
      primary: 0,
    })
    const login = await callWith({}, '/api/login', { body: loginBody(w, { noJWT: false }) })
    const { token } = await login.json<{ token: string }>()
    expect(claimsOf(token).sub).toBe(w.user.id)
    const jwtPing = await counted('/api/login', { method: 'PUT', apiKey: null, headers: { Authorization: `Bearer ${token}` } })
    expect(jwtPing).toMatchObject({ response: { status: 200 }, primary: 0 })
    // A Bearer header is a JWT: it is never looked up as an API key.
    expect(jwtPing.log.filter((trip) => trip.includes('api_keys'))).toEqual([])
  })

  it('refresh-token exchange: none for a reusable fixed token, one when it rotates or slides', async () => {
    const reusable = await world()
    const issued = await (await callWith({}, '/api/login', { body: loginBody(reusable) })).json<{ refreshToken: string }>()
    expect(await counted('/api/jwt/refresh', { body: { refreshToken: issued.refreshToken }, apiKey: null })).toMatchObject({
      response: { status: 200 },
      primary: 0,
    })

    const rotating = await world({ tenant: { jwtConfiguration: { refreshTokenUsagePolicy: 'OneTimeUse' } } })
    const first = await (await callWith({}, '/api/login', { body: loginBody(rotating) })).json<{ refreshToken: string }>()
    expect(await counted('/api/jwt/refresh', { body: { refreshToken: first.refreshToken }, apiKey: null })).toMatchObject({
      response: { status: 200 },
      primary: 1,
    })

    const sliding = await world({ tenant: { jwtConfiguration: { refreshTokenExpirationPolicy: 'SlidingWindow' } } })
    const slid = await (await callWith({}, '/api/login', { body: loginBody(sliding) })).json<{ refreshToken: string }>()
    expect(await counted('/api/jwt/refresh', { body: { refreshToken: slid.refreshToken }, apiKey: null })).toMatchObject({
      response: { status: 200 },
      primary: 1,
    })
  })

  describe('two-factor completion (200)', () => {
    /** A user with an authenticator and recovery codes, and a twoFactorId from a password login one step later. */
    async function challenged() {
      const base = twoFactor.stepStart()
      const w = await twoFactor.world({
        application: { loginConfiguration: { requireAuthentication: false, generateRefreshTokens: true } },
      })
      const enabled = await twoFactor.enableAuthenticator(w.user.id, base)
      const now = base + 30_000
      const twoFactorId = await twoFactor.challenge(w.application.id, w.email, { nowMillis: now })
      return { ...enabled, now, twoFactorId, code: await totpCode(enabled.keyBytes, timeStepAt(now)) }
    }
    const complete = (twoFactorId: string, code: string, nowMillis: number) =>
      counted('/api/two-factor/login', { body: { twoFactorId, code }, apiKey: null, nowMillis })

    it('with a recovery code: one (count, check, redeem, spend, refresh token and give-back in one batch), reads at a replica', async () => {
      const u = await challenged()
      const { response, primary, log } = await complete(u.twoFactorId, u.recoveryCodes[0] ?? '', u.now)
      expect(response.status).toBe(200)
      expect((await response.json<{ refreshToken?: string }>()).refreshToken).toBeDefined()
      expect({ primary, log: log.filter((trip) => trip.startsWith('primary')) }).toEqual({
        primary: 1,
        log: [expect.stringMatching(/INSERT INTO refresh_tokens/)],
      })
    })

    it('with a TOTP code: one (the step matched in the Worker; count, redeem, step, refresh token and give-back in one batch)', async () => {
      const u = await challenged()
      const { response, primary, log } = await complete(u.twoFactorId, u.code, u.now)
      expect(response.status).toBe(200)
      expect((await response.json<{ refreshToken?: string }>()).refreshToken).toBeDefined()
      expect({ primary, log: log.filter((trip) => trip.startsWith('primary')) }).toEqual({
        primary: 1,
        log: [expect.stringMatching(/^primary: INSERT INTO two_factor_attempts.*UPDATE two_factor_methods.*INSERT INTO refresh_tokens/)],
      })
    })
  })
})
