/**
 * The console's user actions are the admin API's own (domain/user-actions.ts, user-activation.ts,
 * refresh-token-revocation.ts), so they send the same events: lock and unlock a user.action (start, cancel),
 * deactivate and reactivate user.deactivate / user.reactivate, and each revocation its jwt.refresh-token.revoke.
 * Transactional, as through the API: a refusing webhook answers 504 and the console's action stores nothing.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { EventType } from '../../src/domain/events/event-types'
import type { TransactionType } from '../../src/domain/events/transaction-types'
import { expectEmpty, json } from '../helpers'
import { createWebhook, eventIn, hookUrl, type Mode, receivedBy, sends } from '../events/delivery-fixtures'
import { loginOk, world } from '../routes/session-fixtures'
import { consoleCall, signIn } from './support'

const REVOKE = 'jwt.refresh-token.revoke'
const TYPES: EventType[] = ['user.action', 'user.deactivate', 'user.reactivate', REVOKE]

/** A user in a tenant that sends TYPES (delivered during the request) to one webhook answering `mode`. */
async function watched(transactionType: TransactionType = 'Any', mode: Mode = 'ok') {
  const w = await world({ tenant: sends(Object.fromEntries(TYPES.map((type) => [type, transactionType]))) })
  const { inbox, url } = hookUrl(mode)
  await createWebhook({ url, eventsEnabled: TYPES, tenantIds: [w.tenant.id] })
  const events = async () => (await receivedBy(inbox)).map(eventIn)
  return { w, events }
}

const post = (path: string, session: Awaited<ReturnType<typeof signIn>>) => consoleCall(path, session, { method: 'POST' })

async function refreshTokenCount(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?').bind(userId).first<{ n: number }>()
  return row?.n ?? 0
}

describe('console actions send the API’s events', () => {
  it('lock: user.action (start) with the console user as actioner, and the revocation; unlock: user.action (cancel)', async () => {
    const session = await signIn()
    const { w, events } = await watched()
    await loginOk(w)
    expect((await post(`/users/${w.user.id}/lock`, session)).status).toBe(200)
    const locked = await events()
    expect(locked.map((event) => event.type).sort()).toEqual(['user.action', REVOKE].sort())
    expect(locked.find((event) => event.type === 'user.action')).toMatchObject({
      tenantId: w.tenant.id,
      phase: 'start',
      action: 'Lock',
      actioneeUserId: w.user.id,
      actionerUserId: session.userId,
    })
    expect(locked.find((event) => event.type === REVOKE)).toMatchObject({ userId: w.user.id, user: { id: w.user.id } })

    expect((await post(`/users/${w.user.id}/unlock`, session)).status).toBe(200)
    const [, , canceled, ...more] = await events()
    expect(more).toEqual([])
    expect(canceled).toMatchObject({ type: 'user.action', phase: 'cancel', actioneeUserId: w.user.id, actionerUserId: session.userId })
  })

  it('deactivate: user.deactivate and the revocation; reactivate: user.reactivate; revoke: its revocation', async () => {
    const session = await signIn()
    const { w, events } = await watched()
    await loginOk(w)
    expect((await post(`/users/${w.user.id}/deactivate`, session)).status).toBe(200)
    const deactivated = await events()
    expect(deactivated.map((event) => event.type).sort()).toEqual(['user.deactivate', REVOKE].sort())
    expect(deactivated.find((event) => event.type === 'user.deactivate')).toMatchObject({
      tenantId: w.tenant.id,
      user: { id: w.user.id, active: false },
    })

    expect((await post(`/users/${w.user.id}/reactivate`, session)).status).toBe(200)
    expect((await events())[2]).toMatchObject({ type: 'user.reactivate', user: { id: w.user.id, active: true } })

    await loginOk(w)
    expect(await json<{ revoked: number }>(await post(`/users/${w.user.id}/revoke-refresh-tokens`, session))).toEqual({ revoked: 1 })
    const all = await events()
    expect(all.map((event) => event.type)).toHaveLength(4)
    expect(all[3]).toMatchObject({ type: REVOKE, userId: w.user.id })
  })

  it('a refusing webhook: 504, and the lock, the deactivation and the revocation store nothing', async () => {
    const session = await signIn()
    const { w, events } = await watched('AbsoluteMajority', 'fail')
    await loginOk(w)
    await expectEmpty(await post(`/users/${w.user.id}/lock`, session), 504)
    await expectEmpty(await post(`/users/${w.user.id}/deactivate`, session), 504)
    await expectEmpty(await post(`/users/${w.user.id}/revoke-refresh-tokens`, session), 504)
    expect((await events()).map((event) => event.type).sort()).toEqual(['user.action', REVOKE, 'user.deactivate', REVOKE, REVOKE].sort())
    const details = await json<{ locked: boolean; refreshTokens: number; user: { active: boolean } }>(
      await consoleCall(`/users/${w.user.id}`, session),
    )
    expect([details.locked, details.user.active, details.refreshTokens]).toEqual([false, true, 1])
    expect(await refreshTokenCount(w.user.id)).toBe(1)
  })
})
