import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { UserStore } from '../../src/store/user-store'
import { createPreventLoginAction } from '../routes/session-fixtures'
import { challenge, enableAuthenticator, stepStart, twoFactorLogin, world } from '../domain/two-factor-login/world'
import { call, expectEmpty, json } from '../helpers'

/**
 * Issue 8, defect 9: what happens to the user between the 242 and the code must count. A user deactivated,
 * locked by a prevent-login action, or expired after the password step gets 423, 409 or 410 from
 * POST /api/two-factor/login, as a password login would, and no token.
 */
async function pendingLogin() {
  const base = stepStart()
  const w = await world()
  const enabled = await enableAuthenticator(w.user.id, base)
  const now = base + 30_000
  const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: now })
  return { ...w, twoFactorId, now, code: await totpCode(enabled.keyBytes, timeStepAt(now)) }
}

async function changeUser(userId: string, change: Record<string, unknown>): Promise<void> {
  const users = new UserStore(env.DB)
  const stored = await users.get(userId)
  if (stored === null) throw new Error('user missing')
  await users.update({ ...stored.user, ...change })
}

describe('user state changes between the 242 and the code (issue 8, defect 9)', () => {
  it('a user deactivated after the password step gets 423 and no token', async () => {
    const p = await pendingLogin()
    await changeUser(p.user.id, { active: false })
    await expectEmpty(await twoFactorLogin({ twoFactorId: p.twoFactorId, code: p.code }, { nowMillis: p.now }), 423)
  })

  it('a user locked by a prevent-login action after the password step gets 409 with the action and no token', async () => {
    const p = await pendingLogin()
    const actionId = await createPreventLoginAction()
    const taken = await call('/api/user/action', {
      body: { action: { actioneeUserId: p.user.id, userActionId: actionId, expiry: p.now + 3_600_000 } },
      nowMillis: p.now,
    })
    expect(taken.status).toBe(200)
    const response = await twoFactorLogin({ twoFactorId: p.twoFactorId, code: p.code }, { nowMillis: p.now })
    expect(response.status).toBe(409)
    const body = await json<{ actions?: { actionId: string }[]; token?: string }>(response)
    expect(body.actions?.map((a) => a.actionId)).toEqual([actionId])
    expect(body.token).toBeUndefined()
  })

  it('a user whose account expired after the password step gets 410 and no token', async () => {
    const p = await pendingLogin()
    await changeUser(p.user.id, { expiry: p.now - 1 })
    await expectEmpty(await twoFactorLogin({ twoFactorId: p.twoFactorId, code: p.code }, { nowMillis: p.now }), 410)
  })
})
