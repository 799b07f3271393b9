/**
 * jwt.refresh-token.revoke for refresh tokens revoked as a side effect of another action: deactivation, hard delete,
 * a password change (tenant policy onPasswordChanged) and a prevent-login action (onLoginPrevented). The event is
 * FusionAuth's "all of a user's tokens" form (`applicationTimeToLiveInSeconds`, `user`, `userId`), sent only when a
 * token was there to revoke, and joins the action's own events: a refusal answers 504 and stores nothing.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { EventType } from '../../src/domain/events/event-types'
import type { TransactionType } from '../../src/domain/events/transaction-types'
import { call, expectEmpty, json } from '../helpers'
import { PASSWORD, type World, createPreventLoginAction, loginOk, world } from '../routes/session-fixtures'
import { type Mode, createWebhook, eventIn, hookUrl, receivedBy, sends } from './delivery-fixtures'

const REVOKE = 'jwt.refresh-token.revoke'

/** A world whose tenant sends `types` under `transactionType` (delivered during the request) to one webhook. */
async function revokeWorld(types: EventType[], transactionType: TransactionType = 'Any', mode: Mode = 'ok') {
  const w = await world({ tenant: sends(Object.fromEntries(types.map((type) => [type, transactionType]))) })
  const { inbox, url } = hookUrl(mode)
  await createWebhook({ url, eventsEnabled: types, tenantIds: [w.tenant.id] })
  return { w, inbox }
}

async function refreshTokenCount(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?').bind(userId).first<{ n: number }>()
  return row?.n ?? 0
}

const eventsOf = async (inbox: string) => (await receivedBy(inbox)).map(eventIn)

function expectUserRevocation(event: Record<string, unknown> | undefined, w: World): void {
  // `info` only when the request has an address or a User-Agent; no refreshToken or applicationId (all the user's tokens).
  expect(
    Object.keys(event ?? {})
      .filter((key) => key !== 'info')
      .sort(),
  ).toEqual(['applicationTimeToLiveInSeconds', 'createInstant', 'id', 'tenantId', 'type', 'user', 'userId'].sort())
  expect(event).toMatchObject({
    type: REVOKE,
    tenantId: w.tenant.id,
    applicationTimeToLiveInSeconds: { [w.application.id]: w.tenant.jwtConfiguration.timeToLiveInSeconds },
    user: { id: w.user.id },
    userId: w.user.id,
  })
}

const prevent = async (w: World, actionId: string) =>
  call('/api/user/action', { body: { action: { actioneeUserId: w.user.id, userActionId: actionId, expiry: Date.now() + 3_600_000 } } })

describe('jwt.refresh-token.revoke as a side effect', () => {
  it('deactivation sends it after user.deactivate, the user as deactivated', async () => {
    const { w, inbox } = await revokeWorld(['user.deactivate', REVOKE])
    await loginOk(w)
    expect((await call(`/api/user/${w.user.id}`, { method: 'DELETE' })).status).toBe(200)
    const events = await eventsOf(inbox)
    expect(events.map((event) => event.type).sort()).toEqual([REVOKE, 'user.deactivate'].sort())
    const revoke = events.find((event) => event.type === REVOKE)
    expectUserRevocation(revoke, w)
    expect(revoke?.user).toMatchObject({ active: false })
    expect(await refreshTokenCount(w.user.id)).toBe(0)
  })

  it('a hard delete sends it with the user as it was', async () => {
    const { w, inbox } = await revokeWorld([REVOKE])
    await loginOk(w)
    expect((await call(`/api/user/${w.user.id}?hardDelete=true`, { method: 'DELETE' })).status).toBe(200)
    const [revoke, ...more] = await eventsOf(inbox)
    expect(more).toEqual([])
    expectUserRevocation(revoke, w)
  })

  it('a password change sends it under onPasswordChanged (the default)', async () => {
    const { w, inbox } = await revokeWorld([REVOKE])
    await loginOk(w)
    const response = await call('/api/user/change-password', {
      body: { loginId: w.email, currentPassword: PASSWORD, password: 'a brand new password' },
      tenantId: w.tenant.id,
    })
    expect(response.status).toBe(200)
    const [revoke, ...more] = await eventsOf(inbox)
    expect(more).toEqual([])
    expectUserRevocation(revoke, w)
    expect(await refreshTokenCount(w.user.id)).toBe(0)
  })

  it('a prevent-login action sends it under onLoginPrevented (the default)', async () => {
    const { w, inbox } = await revokeWorld([REVOKE])
    await loginOk(w)
    expect((await prevent(w, await createPreventLoginAction())).status).toBe(200)
    const [revoke, ...more] = await eventsOf(inbox)
    expect(more).toEqual([])
    expectUserRevocation(revoke, w)
  })

  it('nothing to revoke sends nothing; a policy that keeps the tokens sends nothing', async () => {
    const { w, inbox } = await revokeWorld([REVOKE])
    expect((await prevent(w, await createPreventLoginAction())).status).toBe(200)
    expect((await call(`/api/user/${w.user.id}`, { method: 'DELETE' })).status).toBe(200)
    expect(await eventsOf(inbox)).toEqual([])

    const kept = await revokeWorld([REVOKE])
    const patched = await call(`/api/tenant/${kept.w.tenant.id}`, {
      method: 'PATCH',
      body: { tenant: { jwtConfiguration: { refreshTokenRevocationPolicy: { onLoginPrevented: false, onPasswordChanged: false } } } },
    })
    expect(patched.status).toBe(200)
    await loginOk(kept.w)
    expect((await prevent(kept.w, await createPreventLoginAction())).status).toBe(200)
    const changed = await call('/api/user/change-password', {
      body: { loginId: kept.w.email, currentPassword: PASSWORD, password: 'a brand new password' },
      tenantId: kept.w.tenant.id,
    })
    expect(changed.status).toBe(200)
    expect(await eventsOf(kept.inbox)).toEqual([])
    expect(await refreshTokenCount(kept.w.user.id)).toBe(1)
  })

  it('a refused revocation answers 504 and the action stores nothing', async () => {
    const { w, inbox } = await revokeWorld([REVOKE], 'AbsoluteMajority', 'fail')
    await loginOk(w)
    await expectEmpty(await call(`/api/user/${w.user.id}`, { method: 'DELETE' }), 504)
    await expectEmpty(await call(`/api/user/${w.user.id}?hardDelete=true`, { method: 'DELETE' }), 504)
    await expectEmpty(await prevent(w, await createPreventLoginAction()), 504)
    await expectEmpty(
      await call('/api/user/change-password', {
        body: { loginId: w.email, currentPassword: PASSWORD, password: 'a brand new password' },
        tenantId: w.tenant.id,
      }),
      504,
    )
    expect((await eventsOf(inbox)).map((event) => event.type)).toEqual([REVOKE, REVOKE, REVOKE, REVOKE])
    expect(await refreshTokenCount(w.user.id)).toBe(1)
    const user = (await json<{ user: { active: boolean } }>(await call(`/api/user/${w.user.id}`))).user
    expect(user.active).toBe(true)
    const { results } = await env.DB.prepare('SELECT id FROM user_actions WHERE user_id = ?').bind(w.user.id).all()
    expect(results).toEqual([])
    // The password is unchanged.
    expect((await loginOk(w)).token).toBeTypeOf('string')
  })
})
