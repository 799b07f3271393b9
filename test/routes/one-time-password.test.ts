import { describe, expect, it } from 'vitest'
import { call, json } from '../helpers'
import { type LoginBody, claimsOf, errorCodes, forgotPassword, login, world, type World } from './session-fixtures'

/** A one-time password from the change-password-id flow, issued at `nowMillis`. */
async function oneTimePasswordFor(w: World, nowMillis?: number, state?: Record<string, unknown>): Promise<string> {
  const id = await forgotPassword(w, state === undefined ? {} : { state }, nowMillis)
  const response = await call(`/api/user/change-password/${id}`, { body: { password: 'a brand new passphrase' }, apiKey: null, nowMillis })
  if (response.status !== 200) throw new Error(`change-password answered ${response.status}`)
  return (await json<{ oneTimePassword: string }>(response)).oneTimePassword
}

describe('POST /api/login with a oneTimePassword', () => {
  it('logs in once with authenticationType ONE_TIME_PASSWORD; a second use is [invalid]oneTimePassword', async () => {
    const w = await world()
    const otp = await oneTimePasswordFor(w)
    const first = await login({ oneTimePassword: otp, applicationId: w.application.id })
    expect(first.status).toBe(200)
    const body = await json<LoginBody>(first)
    expect(body.user?.id).toBe(w.user.id)
    expect(claimsOf(body.token ?? '').authenticationType).toBe('ONE_TIME_PASSWORD')
    expect(claimsOf(body.token ?? '').sub).toBe(w.user.id)

    const second = await login({ oneTimePassword: otp, applicationId: w.application.id })
    expect(second.status).toBe(400)
    expect(errorCodes(await json<LoginBody>(second), 'oneTimePassword')).toEqual(['[invalid]oneTimePassword'])
  })

  it('lets exactly one of two concurrent logins with one password through', async () => {
    const w = await world()
    const otp = await oneTimePasswordFor(w)
    const [a, b] = await Promise.all([
      login({ oneTimePassword: otp, applicationId: w.application.id }),
      login({ oneTimePassword: otp, applicationId: w.application.id }),
    ])
    expect([a?.status, b?.status].sort()).toEqual([200, 400])
  })

  it('expires after oneTimePasswordTimeToLiveInSeconds on the injected clock', async () => {
    const w = await world()
    const t0 = Date.now() + 1000
    const late = await oneTimePasswordFor(w, t0)
    const response = await login({ oneTimePassword: late, applicationId: w.application.id }, t0 + 61_000)
    expect(response.status).toBe(400)
    expect(errorCodes(await json<LoginBody>(response), 'oneTimePassword')).toEqual(['[invalid]oneTimePassword'])

    const w2 = await world()
    const onTime = await oneTimePasswordFor(w2, t0)
    expect((await login({ oneTimePassword: onTime, applicationId: w2.application.id }, t0 + 59_000)).status).toBe(200)
  })

  it('returns the forgot-password state on the login', async () => {
    const w = await world()
    const otp = await oneTimePasswordFor(w, undefined, { step: 3 })
    const body = await json<LoginBody>(await login({ oneTimePassword: otp, applicationId: w.application.id }))
    expect(body.state).toEqual({ step: 3 })
  })

  it('refuses a one-time password presented to another tenant, without spending it', async () => {
    const w = await world()
    const other = await world()
    const otp = await oneTimePasswordFor(w)
    const wrongTenant = await login({ oneTimePassword: otp, applicationId: other.application.id })
    expect(wrongTenant.status).toBe(400)
    expect((await login({ oneTimePassword: otp, applicationId: w.application.id })).status).toBe(200)
  })

  it('answers an unknown password with [invalid]oneTimePassword', async () => {
    const w = await world()
    const response = await login({ oneTimePassword: 'not-issued', applicationId: w.application.id })
    expect(errorCodes(await json<LoginBody>(response), 'oneTimePassword')).toEqual(['[invalid]oneTimePassword'])
  })
})
