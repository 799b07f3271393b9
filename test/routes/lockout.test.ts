import { describe, expect, it } from 'vitest'
import { call, expectEmpty, json } from '../helpers'
import { type LoginBody, PASSWORD, createPreventLoginAction, login, loginOk, world, type World } from './session-fixtures'

/** A world whose tenant locks a user for 3 minutes after 3 failures within `resetCountInSeconds`. */
async function lockingWorld(resetCountInSeconds = 60): Promise<{ w: World; actionId: string }> {
  const actionId = await createPreventLoginAction()
  const w = await world({
    tenant: {
      failedAuthenticationConfiguration: {
        userActionId: actionId,
        tooManyAttempts: 3,
        resetCountInSeconds,
        actionDuration: 3,
        actionDurationUnit: 'MINUTES',
      },
    },
  })
  return { w, actionId }
}

const attempt = (w: World, password: string, nowMillis: number) =>
  login({ loginId: w.email, password, applicationId: w.application.id }, nowMillis)

describe('failedAuthenticationConfiguration lockout', () => {
  it('locks after tooManyAttempts wrong passwords, refuses the right one while in force, and lifts at expiry', async () => {
    const { w, actionId } = await lockingWorld()
    const t0 = Date.now() + 1000
    const session = await loginOk(w, t0)

    await expectEmpty(await attempt(w, 'wrong-1', t0 + 1000), 404)
    await expectEmpty(await attempt(w, 'wrong-2', t0 + 2000), 404)
    const locked = await attempt(w, 'wrong-3', t0 + 3000)
    expect(locked.status).toBe(409)
    const body = await json<LoginBody>(locked)
    expect(body.actions).toHaveLength(1)
    expect(body.actions?.[0]?.actionId).toBe(actionId)
    expect(body.actions?.[0]?.expiry).toBe(t0 + 3000 + 3 * 60_000)

    // Even the right password is refused while the action is in force.
    expect((await attempt(w, PASSWORD, t0 + 10_000)).status).toBe(409)
    expect((await attempt(w, PASSWORD, t0 + 3000 + 3 * 60_000 - 1)).status).toBe(409)
    // onLoginPrevented (default true) revoked the refresh token issued before the lock.
    expect(
      (await call('/api/jwt/refresh', { body: { refreshToken: session.refreshToken }, apiKey: null, nowMillis: t0 + 20_000 })).status,
    ).toBe(400)

    expect((await attempt(w, PASSWORD, t0 + 3000 + 3 * 60_000 + 1)).status).toBe(200)
  })

  it('restarts the count when the previous failure is older than resetCountInSeconds', async () => {
    const { w } = await lockingWorld(60)
    const t0 = Date.now() + 1000
    await expectEmpty(await attempt(w, 'wrong', t0), 404)
    await expectEmpty(await attempt(w, 'wrong', t0 + 1000), 404)
    // 61 s after the last failure: the count starts again at 1.
    await expectEmpty(await attempt(w, 'wrong', t0 + 62_000), 404)
    await expectEmpty(await attempt(w, 'wrong', t0 + 63_000), 404)
    expect((await attempt(w, 'wrong', t0 + 64_000)).status).toBe(409)
  })

  it('does not lock when the tenant names no user action', async () => {
    const w = await world({ tenant: { failedAuthenticationConfiguration: { tooManyAttempts: 2 } } })
    const t0 = Date.now() + 1000
    for (let i = 0; i < 4; i++) await expectEmpty(await attempt(w, 'wrong', t0 + i * 1000), 404)
    expect((await attempt(w, PASSWORD, t0 + 5000)).status).toBe(200)
  })

  it('counts racing failures exactly: three concurrent wrong passwords lock', async () => {
    const { w } = await lockingWorld()
    const t0 = Date.now() + 1000
    const statuses = (await Promise.all([1, 2, 3].map((i) => attempt(w, `wrong-${i}`, t0)))).map((r) => r.status).sort()
    expect(statuses).toEqual([404, 404, 409])
    expect((await attempt(w, PASSWORD, t0 + 1000)).status).toBe(409)
  })
})
