/**
 * Issue 11, "a 504 leaves no trace", for the two single-use credentials an action redeems: a change-password id and
 * a oneTimePassword. A transactional webhook that refuses answers 504 before anything of the action is stored, so the
 * credential must not be spent either: once the receiver answers 200, the same id (or password) works, once. The
 * redemption is part of the action's own batch, so of racing requests exactly one succeeds, and the losers change
 * nothing.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { EventType } from '../../src/domain/events/event-types'
import { call, expectEmpty, json } from '../helpers'
import { createWebhook, hookUrl, sends } from '../events/delivery-fixtures'
import { answerWith, type Receiver, typesReceived } from '../events/receiver'
import { type LoginBody, PASSWORD, type World, errorCodes, forgotPassword, login, loginOk, world } from '../routes/session-fixtures'

const NEW_PASSWORD = 'a brand new passphrase'
const TRIALS = 20

/** A world whose tenant sends `type` under AbsoluteMajority to one webhook answering `mode`. */
async function refusingWorld(type: EventType, mode: 'fail' | 'ok' = 'fail', user: Record<string, unknown> = {}) {
  const w = await world({ tenant: sends({ [type]: 'AbsoluteMajority' }), user })
  const { inbox, url } = hookUrl(mode)
  const receiver: Receiver = { inbox, webhookId: await createWebhook({ url, eventsEnabled: [type], tenantIds: [w.tenant.id] }) }
  return { w, receiver }
}

const changeById = (id: string, password = NEW_PASSWORD) =>
  call(`/api/user/change-password/${encodeURIComponent(id)}`, { body: { password }, apiKey: null })

const passwordLogin = (w: World, password: string) => login({ loginId: w.email, password, applicationId: w.application.id })
const otpLogin = (w: World, oneTimePassword: string) => login({ oneTimePassword, applicationId: w.application.id })

async function refreshTokenCount(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?').bind(userId).first<{ n: number }>()
  return row?.n ?? 0
}

/** A one-time password for the world's user, through forgot password and a change that succeeds. */
async function oneTimePasswordFor(w: World): Promise<string> {
  const response = await changeById(await forgotPassword(w))
  expect(response.status).toBe(200)
  return (await json<{ oneTimePassword: string }>(response)).oneTimePassword
}

/** A 203 login's change-password id: it carries no issue instant, so only the redemption stands between racers. */
async function requiredChangeId(w: World): Promise<string> {
  const response = await passwordLogin(w, PASSWORD)
  expect(response.status).toBe(203)
  return (await json<{ changePasswordId: string }>(response)).changePasswordId
}

describe('a 504 spends no change-password id', () => {
  it('jwt.refresh-token.revoke refused: the password is unchanged, and the same id changes it once the receiver accepts', async () => {
    const { w, receiver } = await refusingWorld('jwt.refresh-token.revoke')
    const before = await loginOk(w)
    expect(before.refreshToken).toBeTypeOf('string')
    const id = await forgotPassword(w)

    await expectEmpty(await changeById(id), 504)
    expect(await typesReceived(receiver)).toEqual(['jwt.refresh-token.revoke'])
    await expectEmpty(await passwordLogin(w, NEW_PASSWORD), 404)
    expect((await call('/api/jwt/refresh', { body: { refreshToken: before.refreshToken }, apiKey: null })).status).toBe(200)

    await answerWith(receiver, 'ok')
    const retried = await changeById(id)
    expect(retried.status).toBe(200)
    expect((await json<{ oneTimePassword?: string }>(retried)).oneTimePassword).toBeTypeOf('string')
    expect((await passwordLogin(w, NEW_PASSWORD)).status).toBe(200)
    // Spent now, by the change that happened.
    await expectEmpty(await changeById(id, 'yet another passphrase'), 404)
  })

  it(`racing changes with one id under a transactional event: exactly one changes the password (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const { w } = await refusingWorld('jwt.refresh-token.revoke', 'ok', { passwordChangeRequired: true })
      const id = await requiredChangeId(w)
      const passwords = [`${NEW_PASSWORD} a`, `${NEW_PASSWORD} b`]
      const responses = await Promise.all(passwords.map((password) => changeById(id, password)))
      expect(responses.map((r) => r.status).sort()).toEqual([200, 404])
      // The loser's batch changed nothing: only the winner's password logs in.
      const winner = responses.findIndex((r) => r.status === 200)
      expect((await passwordLogin(w, passwords[winner] ?? '')).status).toBe(200)
      await expectEmpty(await passwordLogin(w, passwords[1 - winner] ?? ''), 404)
    }
  })
})

describe('a 504 spends no oneTimePassword', () => {
  it('user.login.success refused: no token, and the same oneTimePassword logs in once the receiver accepts', async () => {
    const { w, receiver } = await refusingWorld('user.login.success')
    // The change that issues it sends no user.login.success: the refusal is the login's.
    const otp = await oneTimePasswordFor(w)
    const tokensBefore = await refreshTokenCount(w.user.id)

    await expectEmpty(await otpLogin(w, otp), 504)
    expect(await refreshTokenCount(w.user.id)).toBe(tokensBefore)

    await answerWith(receiver, 'ok')
    const retried = await otpLogin(w, otp)
    expect(retried.status).toBe(200)
    expect((await json<LoginBody>(retried)).refreshToken).toBeTypeOf('string')
    expect(await refreshTokenCount(w.user.id)).toBe(tokensBefore + 1)
    const again = await otpLogin(w, otp)
    expect(again.status).toBe(400)
    expect(errorCodes(await json<LoginBody>(again), 'oneTimePassword')).toEqual(['[invalid]oneTimePassword'])
  })

  it(`racing logins with one oneTimePassword under a transactional event: exactly one, one refresh token (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const { w } = await refusingWorld('user.login.success', 'ok')
      const otp = await oneTimePasswordFor(w)
      const tokensBefore = await refreshTokenCount(w.user.id)
      const responses = await Promise.all([otpLogin(w, otp), otpLogin(w, otp)])
      expect(responses.map((r) => r.status).sort()).toEqual([200, 400])
      expect(await refreshTokenCount(w.user.id)).toBe(tokensBefore + 1)
    }
  })
})
