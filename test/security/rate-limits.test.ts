import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { base64ToBytes } from '../../src/domain/crypto/encoding'
import worker from '../../src/index'
import type { JsonObject } from '../../src/http/fields'
import { TwoFactorStore } from '../../src/store/two-factor-store'
import { UserStore } from '../../src/store/user-store'
import { PASSWORD, challenge, enableEmailMethod, stepStart, world } from '../domain/two-factor-login/world'
import { call, expectEmpty, json } from '../helpers'

/**
 * Beyond FusionAuth (issue 8): tenant.rateLimitConfiguration, counted per user in D1 before the work is done,
 * so concurrent requests cannot slip past the limit. FusionAuth's defaults: every type disabled, 5 per 60 s.
 */
const TRIALS = 20
const TIMEOUT = 300_000
const TYPES = [
  'failedLogin',
  'forgotPassword',
  'sendEmailVerification',
  'sendPasswordless',
  'sendRegistrationVerification',
  'sendTwoFactor',
] as const

const limited = (type: (typeof TYPES)[number], limit: number, timePeriodInSeconds = 60): JsonObject => ({
  rateLimitConfiguration: { [type]: { enabled: true, limit, timePeriodInSeconds } },
})

interface ErrorsBody {
  fieldErrors?: Record<string, { code: string }[]>
}

describe('tenant.rateLimitConfiguration: shape, defaults and validation', () => {
  it('a new tenant has the six types, disabled, 5 per 60 s', async () => {
    const response = await call('/api/tenant', { body: { tenant: { name: `rl-${crypto.randomUUID()}` } } })
    expect(response.status).toBe(200)
    const { tenant } = await json<{ tenant: { rateLimitConfiguration: Record<string, unknown> } }>(response)
    expect(tenant.rateLimitConfiguration).toEqual(
      Object.fromEntries(TYPES.map((t) => [t, { enabled: false, limit: 5, timePeriodInSeconds: 60 }])),
    )
  })

  it('refuses an enabled limit or period below 1, and wrong types, with FusionAuth codes', async () => {
    const create = (rateLimitConfiguration: JsonObject) =>
      call('/api/tenant', { body: { tenant: { name: `rl-${crypto.randomUUID()}`, rateLimitConfiguration } } })
    const zero = await create({ failedLogin: { enabled: true, limit: 0, timePeriodInSeconds: 0 } })
    expect(zero.status).toBe(400)
    const zeroErrors = (await json<ErrorsBody>(zero)).fieldErrors ?? {}
    expect(zeroErrors['tenant.rateLimitConfiguration.failedLogin.limit']?.[0]?.code).toBe(
      '[invalid]tenant.rateLimitConfiguration.failedLogin.limit',
    )
    expect(zeroErrors['tenant.rateLimitConfiguration.failedLogin.timePeriodInSeconds']?.[0]?.code).toBe(
      '[invalid]tenant.rateLimitConfiguration.failedLogin.timePeriodInSeconds',
    )
    const typed = await create({ sendTwoFactor: { enabled: 'yes', limit: 1.5 } })
    expect(typed.status).toBe(400)
    const typedErrors = (await json<ErrorsBody>(typed)).fieldErrors ?? {}
    expect(typedErrors['tenant.rateLimitConfiguration.sendTwoFactor.enabled']).toBeDefined()
    expect(typedErrors['tenant.rateLimitConfiguration.sendTwoFactor.limit']).toBeDefined()
    // As in FusionAuth, the numbers of a disabled type are not range-checked.
    expect((await create({ forgotPassword: { enabled: false, limit: 0, timePeriodInSeconds: 0 } })).status).toBe(200)
  })
})

describe('sendTwoFactor (POST /api/two-factor/send/{twoFactorId} and POST /api/two-factor/send)', () => {
  afterEach(() => vi.restoreAllMocks())

  it(
    '10 concurrent anonymous sends with a limit of 4 send exactly 3 codes after the enabling send; 429 for the rest (20 trials)',
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const base = stepStart()
        const w = await world({ tenant: limited('sendTwoFactor', 4) })
        // The enabling send is the user's first of four.
        const { methodId } = await enableEmailMethod(w.user.id, w.email, base)
        const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: base })
        const stored = vi.spyOn(TwoFactorStore.prototype, 'putCode')
        const responses = await Promise.all(
          Array.from({ length: 10 }, () =>
            call(`/api/two-factor/send/${twoFactorId}`, { body: { methodId }, apiKey: null, nowMillis: base }),
          ),
        )
        const sends = stored.mock.calls.length
        stored.mockRestore()
        expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429])
        expect(sends).toBe(3)
        for (const response of responses.filter((r) => r.status === 429)) await expectEmpty(response, 429)
        // The window is fixed: after it, the user may be sent codes again.
        await expectEmpty(
          await call(`/api/two-factor/send/${twoFactorId}`, { body: { methodId }, apiKey: null, nowMillis: base + 60_000 }),
          200,
        )
      }
    },
    TIMEOUT,
  )

  it(
    'counts the API-key send for the same user',
    async () => {
      const base = stepStart()
      const w = await world({ tenant: limited('sendTwoFactor', 2) })
      const send = () => call('/api/two-factor/send', { body: { userId: w.user.id, method: 'email', email: w.email }, nowMillis: base })
      await expectEmpty(await send(), 200)
      await expectEmpty(await send(), 200)
      await expectEmpty(await send(), 429)
    },
    TIMEOUT,
  )

  it(
    'does not limit when the type is disabled (the default)',
    async () => {
      const base = stepStart()
      const w = await world()
      const { methodId } = await enableEmailMethod(w.user.id, w.email, base)
      const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: base })
      for (let i = 0; i < 8; i++)
        await expectEmpty(await call(`/api/two-factor/send/${twoFactorId}`, { body: { methodId }, apiKey: null, nowMillis: base }), 200)
    },
    TIMEOUT,
  )
})

describe('forgotPassword (POST /api/user/forgot-password)', () => {
  it(
    '6 concurrent requests with a limit of 2 issue exactly 2 changePasswordIds; 429 for the rest (20 trials)',
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const w = await world({ tenant: limited('forgotPassword', 2) })
        const now = Date.now()
        const responses = await Promise.all(
          Array.from({ length: 6 }, () =>
            call('/api/user/forgot-password', { body: { loginId: w.email, applicationId: w.application.id }, nowMillis: now }),
          ),
        )
        expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429, 429])
        for (const response of responses) {
          if (response.status === 200) expect((await json<{ changePasswordId: string }>(response)).changePasswordId).toBeTypeOf('string')
          else await expectEmpty(response, 429)
        }
      }
    },
    TIMEOUT,
  )

  it(
    'counts an unknown loginId by the login id, so 429 does not tell known from unknown',
    async () => {
      const w = await world({ tenant: limited('forgotPassword', 2) })
      const loginId = `nobody-${crypto.randomUUID()}@example.com`
      const ask = () => call('/api/user/forgot-password', { body: { loginId, applicationId: w.application.id } })
      await expectEmpty(await ask(), 404)
      await expectEmpty(await ask(), 404)
      await expectEmpty(await ask(), 429)
    },
    TIMEOUT,
  )
})

describe('failedLogin (POST /api/login)', () => {
  afterEach(() => vi.restoreAllMocks())

  /** PBKDF2 derivations against this user's own salt: the password checks, as opposed to equal-time burns. */
  async function passwordChecks(userId: string) {
    const stored = await new UserStore(env.DB).get(userId)
    const salt = base64ToBytes(stored?.password?.salt ?? '')
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits')
    return () => {
      const checks = deriveBits.mock.calls.filter(([algorithm]) => {
        const given = (algorithm as { salt?: ArrayBufferView }).salt
        if (given === undefined) return false
        const bytes = new Uint8Array(given.buffer, given.byteOffset, given.byteLength)
        return bytes.length === salt.length && bytes.every((b, i) => b === salt[i])
      }).length
      deriveBits.mockRestore()
      return checks
    }
  }

  const login = (w: { application: { id: string }; email: string }, password: string, nowMillis: number) =>
    call('/api/login', { body: { applicationId: w.application.id, loginId: w.email, password }, apiKey: null, nowMillis })

  it(
    '10 concurrent wrong passwords with a limit of 3 check exactly 3 passwords; the right one is then refused until the window ends (20 trials)',
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const w = await world({ tenant: limited('failedLogin', 3) })
        const now = Date.now()
        const checks = await passwordChecks(w.user.id)
        const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => login(w, `wrong-${i}`, now)))
        expect(checks()).toBe(3)
        for (const response of responses) await expectEmpty(response, 404)
        // Rate limited: the right password answers as a wrong one would (FusionAuth's behaviour).
        await expectEmpty(await login(w, PASSWORD, now + 1000), 404)
        expect((await login(w, PASSWORD, now + 60_000)).status).toBe(200)
      }
    },
    TIMEOUT,
  )

  it(
    'does not count successful logins',
    async () => {
      const w = await world({ tenant: limited('failedLogin', 3) })
      const now = Date.now()
      for (let i = 0; i < 8; i++) expect((await login(w, PASSWORD, now)).status).toBe(200)
    },
    TIMEOUT,
  )

  it(
    'a rate-limited 404 costs one hash of the tenant factor, as a wrong password does',
    async () => {
      const w = await world({ tenant: limited('failedLogin', 1) })
      const now = Date.now()
      await expectEmpty(await login(w, 'wrong', now), 404)
      const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits')
      await expectEmpty(await login(w, 'wrong again', now), 404)
      const iterations = deriveBits.mock.calls.map(([algorithm]) => (algorithm as { iterations?: number }).iterations)
      expect(iterations).toEqual([w.tenant.passwordEncryptionConfiguration.encryptionSchemeFactor])
    },
    TIMEOUT,
  )

  it(
    'does not limit when the type is disabled (the default)',
    async () => {
      const w = await world()
      const now = Date.now()
      for (let i = 0; i < 8; i++) await expectEmpty(await login(w, `wrong-${i}`, now), 404)
      expect((await login(w, PASSWORD, now)).status).toBe(200)
    },
    TIMEOUT,
  )
})

describe('the hourly purge', () => {
  it(
    'deletes rate-limit counters whose window has ended',
    async () => {
      const base = stepStart()
      const w = await world({ tenant: limited('sendTwoFactor', 1, 60) })
      const send = (nowMillis: number) =>
        call('/api/two-factor/send', { body: { userId: w.user.id, method: 'email', email: w.email }, nowMillis })
      await expectEmpty(await send(base), 200)
      await expectEmpty(await send(base), 429)
      const rows = async () =>
        (await env.DB.prepare('SELECT COUNT(*) AS n FROM rate_limits WHERE key LIKE ?').bind(`%${w.user.id}%`).first<{ n: number }>())?.n
      expect(await rows()).toBe(1)

      const controller = createScheduledController({ scheduledTime: base + 61_000, cron: '17 * * * *' })
      const ctx = createExecutionContext()
      await worker.scheduled(controller, env, ctx)
      await waitOnExecutionContext(ctx)
      expect(await rows()).toBe(0)
    },
    TIMEOUT,
  )
})
