/**
 * The lockout after too many failed logins revokes the user's refresh tokens under onLoginPrevented, and sends their
 * jwt.refresh-token.revoke as the API's prevent-login action does. Unlike the API's, the lock is stored first: a
 * refusing webhook answers 504 but cannot leave the user unlocked (guesses would go on).
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { TransactionType } from '../../src/domain/events/transaction-types'
import { expectEmpty } from '../helpers'
import { PASSWORD, createPreventLoginAction, login, loginOk, world } from '../routes/session-fixtures'
import { type Mode, createWebhook, eventIn, hookUrl, lockAfterTwoFailures, receivedBy, sends } from './delivery-fixtures'

const REVOKE = 'jwt.refresh-token.revoke'

async function lockingWorld(transactionType: TransactionType, mode: Mode) {
  const actionId = await createPreventLoginAction()
  const w = await world({
    tenant: {
      ...sends({ [REVOKE]: transactionType }),
      ...lockAfterTwoFailures(actionId),
    },
  })
  const { inbox, url } = hookUrl(mode)
  await createWebhook({ url, eventsEnabled: [REVOKE], tenantIds: [w.tenant.id] })
  const wrong = (nowMillis: number) => login({ loginId: w.email, password: 'not it', applicationId: w.application.id }, nowMillis)
  return { w, inbox, wrong }
}

async function refreshTokenCount(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?').bind(userId).first<{ n: number }>()
  return row?.n ?? 0
}

describe('the lockout’s jwt.refresh-token.revoke', () => {
  it('is sent when the lock revokes the refresh tokens, in the all-of-a-user form', async () => {
    const { w, inbox, wrong } = await lockingWorld('Any', 'ok')
    const t0 = Date.now() + 1000
    await loginOk(w, t0)
    await expectEmpty(await wrong(t0 + 1000), 404)
    expect((await wrong(t0 + 2000)).status).toBe(409)
    const [revoke, ...more] = (await receivedBy(inbox)).map(eventIn)
    expect(more).toEqual([])
    expect(revoke).toMatchObject({
      type: REVOKE,
      tenantId: w.tenant.id,
      userId: w.user.id,
      user: { id: w.user.id },
      applicationTimeToLiveInSeconds: { [w.application.id]: w.tenant.jwtConfiguration.timeToLiveInSeconds },
    })
    expect(await refreshTokenCount(w.user.id)).toBe(0)
  })

  it('a refusing webhook answers 504, and the user is locked and the tokens revoked all the same', async () => {
    const { w, inbox, wrong } = await lockingWorld('AbsoluteMajority', 'fail')
    const t0 = Date.now() + 1000
    await loginOk(w, t0)
    await expectEmpty(await wrong(t0 + 1000), 404)
    await expectEmpty(await wrong(t0 + 2000), 504)
    expect((await receivedBy(inbox)).map(eventIn).map((event) => event.type)).toEqual([REVOKE])
    expect(await refreshTokenCount(w.user.id)).toBe(0)
    expect((await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id }, t0 + 3000)).status).toBe(409)
  })
})
