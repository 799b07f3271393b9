/**
 * The login family's events through the real routes, delivered over HTTP to the suite's receiver: user.login.success
 * (password, ping), user.login.failed, jwt.refresh and jwt.refresh-token.revoke in FusionAuth's shapes; queued when
 * the tenant's transaction type is None, delivered during the request otherwise. A transaction the webhooks do not
 * satisfy answers 504 and leaves nothing: no refresh token, no login record, no lastLoginInstant change.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { EVENT_TYPES } from '../../src/domain/events/event-types'
import type { TransactionType } from '../../src/domain/events/transaction-types'
import { UserStore } from '../../src/store/user-store'
import { call, expectEmpty, json } from '../helpers'
import { PASSWORD, type World, createPreventLoginAction, loginOk, world } from '../routes/session-fixtures'
import { eventually } from '../support/eventually'
import {
  createWebhook,
  eventIn,
  eventuallyReceived,
  hookUrl,
  lockAfterTwoFailures,
  receivedBy,
  sends,
  setEvents,
} from './delivery-fixtures'

const CALLER = { 'X-Forwarded-For': '203.0.113.9', 'User-Agent': 'login-webhooks/1.0' }
const SECRETS = /^(password|salt|hash|factor|secret|encryptionScheme)$/

const keysOf = (value: object): string[] => Object.keys(value).sort()

function deepKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(deepKeys)
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, inner]) => [key, ...deepKeys(inner)])
}

/** A world whose tenant sends `types`, with one webhook per mode, each its own inbox. */
async function eventWorld(types: Parameters<typeof sends>[0], modes: Parameters<typeof hookUrl>[0][] = ['ok'], timeouts = {}) {
  const w = await world({ tenant: sends(types) })
  const inboxes: string[] = []
  for (const mode of modes) {
    const { inbox, url } = hookUrl(mode)
    await createWebhook({ url, eventsEnabled: Object.keys(types) as (keyof typeof EVENT_TYPES)[], tenantIds: [w.tenant.id], ...timeouts })
    inboxes.push(inbox)
  }
  return { w, inboxes }
}

const passwordLogin = (w: World, password = PASSWORD) =>
  call('/api/login', { body: { loginId: w.email, password, applicationId: w.application.id }, headers: CALLER })

async function refreshTokenCount(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?').bind(userId).first<{ n: number }>()
  return row?.n ?? 0
}

async function loginRecords(userId: string): Promise<{ instant: number }[]> {
  const { results } = await env.DB.prepare('SELECT instant FROM login_records WHERE user_id = ?').bind(userId).all<{ instant: number }>()
  return results
}

describe('user.login.success', () => {
  it('a password login sends it in FusionAuth shape (queued under None), signed-in user, IP and User-Agent in info', async () => {
    const { w, inboxes } = await eventWorld({ 'user.login.success': 'None' })
    expect((await passwordLogin(w)).status).toBe(200)
    const [request] = await eventuallyReceived(inboxes[0] ?? '')
    const event = eventIn(request ?? { method: '', path: '', headers: {}, body: '{}' })
    expect(keysOf(event)).toEqual(
      ['applicationId', 'authenticationType', 'connectorId', 'createInstant', 'id', 'info', 'ipAddress', 'tenantId', 'type', 'user'].sort(),
    )
    expect(event).toMatchObject({
      type: 'user.login.success',
      tenantId: w.tenant.id,
      applicationId: w.application.id,
      authenticationType: 'PASSWORD',
      connectorId: 'e3306678-a53a-4964-9040-1c96f36dda72',
      ipAddress: '203.0.113.9',
      info: { ipAddress: '203.0.113.9', userAgent: 'login-webhooks/1.0' },
      user: { id: w.user.id, email: w.email },
    })
    expect(typeof (event.user as { lastLoginInstant?: unknown }).lastLoginInstant).toBe('number')
    expect(deepKeys(event).filter((key) => SECRETS.test(key))).toEqual([])
  })

  it('a login ping sends it too, authenticationType PING', async () => {
    const { w, inboxes } = await eventWorld({ 'user.login.success': 'None' })
    const response = await call(`/api/login/${w.user.id}/${w.application.id}`, { method: 'PUT' })
    expect(response.status).toBe(200)
    const [request] = await eventuallyReceived(inboxes[0] ?? '')
    expect(JSON.parse(request?.body ?? '{}').event).toMatchObject({ type: 'user.login.success', authenticationType: 'PING' })
  })

  it('a tenant that does not send the type sends nothing', async () => {
    const { w, inboxes } = await eventWorld({ 'user.login.failed': 'None' })
    await loginOk(w)
    expect((await passwordLogin(w, 'wrong')).status).toBe(404)
    const received = await eventuallyReceived(inboxes[0] ?? '')
    expect(received.map((request) => eventIn(request).type)).toEqual(['user.login.failed'])
  })
})

describe('user.login.failed', () => {
  it('a wrong password sends it (reason credentials) and still answers 404', async () => {
    const { w, inboxes } = await eventWorld({ 'user.login.failed': 'None' })
    await expectEmpty(await passwordLogin(w, 'not the password'), 404)
    const [request] = await eventuallyReceived(inboxes[0] ?? '')
    const event = eventIn(request ?? { method: '', path: '', headers: {}, body: '{}' })
    expect(keysOf(event)).toEqual(
      ['applicationId', 'authenticationType', 'createInstant', 'id', 'info', 'ipAddress', 'reason', 'tenantId', 'type', 'user'].sort(),
    )
    expect(event).toMatchObject({
      type: 'user.login.failed',
      authenticationType: 'PASSWORD',
      reason: { code: 'credentials' },
      user: { id: w.user.id },
    })
  })

  it('an unknown login id sends nothing (FusionAuth: "not generated when the user does not exist")', async () => {
    const { w, inboxes } = await eventWorld({ 'user.login.failed': 'Any' })
    const response = await call('/api/login', { body: { loginId: 'nobody@example.com', password: 'x', applicationId: w.application.id } })
    await expectEmpty(response, 404)
    expect(await receivedBy(inboxes[0] ?? '')).toEqual([])
  })
})

describe('transactional delivery', () => {
  const twoReceivers = (transactionType: TransactionType) => eventWorld({ 'user.login.success': transactionType }, ['ok', 'fail'])

  it('AbsoluteMajority with one of two receivers failing: 504, and no refresh token, login record or lastLoginInstant', async () => {
    const { w, inboxes } = await twoReceivers('AbsoluteMajority')
    const before = (await new UserStore(env.DB).get(w.user.id))?.user.lastLoginInstant
    await expectEmpty(await passwordLogin(w), 504)
    // Both receivers were asked, during the request.
    for (const inbox of inboxes) expect((await receivedBy(inbox)).map((request) => eventIn(request).type)).toEqual(['user.login.success'])
    expect(await refreshTokenCount(w.user.id)).toBe(0)

    // A later login that succeeds (Any) is recorded; the 504 before it left no record behind.
    await setEvents(w.tenant.id, { 'user.login.success': 'Any' })
    const ok = await json<{ refreshToken?: string }>(await passwordLogin(w))
    expect(ok.refreshToken).toBeDefined()
    const records = await eventually(async () => {
      const found = await loginRecords(w.user.id)
      expect(found.length).toBeGreaterThan(0)
      return found
    })
    expect(records).toHaveLength(1)
    expect(await refreshTokenCount(w.user.id)).toBe(1)
    expect(before).toBeUndefined()
  })

  it('Any with one of two failing: 200', async () => {
    const { w } = await twoReceivers('Any')
    expect((await passwordLogin(w)).status).toBe(200)
  })

  it('SimpleMajority with one of two failing: 200 (half is a simple majority); SuperMajority: 504', async () => {
    const simple = await twoReceivers('SimpleMajority')
    expect((await passwordLogin(simple.w)).status).toBe(200)
    const superMajority = await twoReceivers('SuperMajority')
    await expectEmpty(await passwordLogin(superMajority.w), 504)
  })

  it('a receiver that never answers cannot hold the login past its timeouts: 504', async () => {
    const { w } = await eventWorld({ 'user.login.success': 'AbsoluteMajority' }, ['hang'], { connectTimeout: 100, readTimeout: 100 })
    await expectEmpty(await passwordLogin(w), 504)
    expect(await refreshTokenCount(w.user.id)).toBe(0)
  })

  it('no webhook for the type: nothing to satisfy, 200', async () => {
    const { w } = await eventWorld({ 'user.login.success': 'AbsoluteMajority' }, [])
    expect((await passwordLogin(w)).status).toBe(200)
  })

  it('a failed login whose webhook refuses: 504, and the attempt still counts toward lockout', async () => {
    const actionId = await createPreventLoginAction()
    const w = await world({
      tenant: {
        ...sends({ 'user.login.failed': 'AbsoluteMajority' }),
        ...lockAfterTwoFailures(actionId),
      },
    })
    await createWebhook({ url: hookUrl('fail').url, eventsEnabled: ['user.login.failed'], tenantIds: [w.tenant.id] })
    await expectEmpty(await passwordLogin(w, 'wrong'), 504)
    await expectEmpty(await passwordLogin(w, 'wrong again'), 504)
    // The two refused failures were counted: the user is locked, a refusal of the webhook hid no guess.
    expect((await passwordLogin(w)).status).toBe(409)
  })
})

describe('refresh-token events', () => {
  it('jwt.refresh on an exchange: the new token, the refresh token, the user and application', async () => {
    const { w, inboxes } = await eventWorld({ 'jwt.refresh': 'None' })
    const { refreshToken } = await loginOk(w)
    const response = await call('/api/jwt/refresh', { body: { refreshToken }, headers: CALLER })
    expect(response.status).toBe(200)
    const exchanged = await json<{ token: string; refreshToken: string }>(response)
    const [request] = await eventuallyReceived(inboxes[0] ?? '')
    const event = eventIn(request ?? { method: '', path: '', headers: {}, body: '{}' })
    expect(keysOf(event)).toEqual(
      ['applicationId', 'createInstant', 'id', 'info', 'refreshToken', 'tenantId', 'token', 'type', 'userId'].sort(),
    )
    expect(event).toMatchObject({
      type: 'jwt.refresh',
      applicationId: w.application.id,
      userId: w.user.id,
      token: exchanged.token,
      refreshToken: exchanged.refreshToken,
    })
  })

  it('jwt.refresh-token.revoke on logout; a transactional refusal keeps the token (504)', async () => {
    const { w, inboxes } = await eventWorld({ 'jwt.refresh-token.revoke': 'None' })
    const first = await loginOk(w)
    expect((await call('/api/logout', { body: { refreshToken: first.refreshToken }, apiKey: null })).status).toBe(200)
    const [request] = await eventuallyReceived(inboxes[0] ?? '')
    const event = eventIn(request ?? { method: '', path: '', headers: {}, body: '{}' })
    expect(event).toMatchObject({
      type: 'jwt.refresh-token.revoke',
      applicationId: w.application.id,
      applicationTimeToLiveInSeconds: { [w.application.id]: expect.any(Number) },
      refreshToken: { id: first.refreshTokenId, userId: w.user.id },
      user: { id: w.user.id },
      userId: w.user.id,
    })

    await setEvents(w.tenant.id, { 'jwt.refresh-token.revoke': 'AbsoluteMajority' })
    const { inbox, url } = hookUrl('fail')
    await createWebhook({ url, eventsEnabled: ['jwt.refresh-token.revoke'], tenantIds: [w.tenant.id] })
    const second = await loginOk(w)
    await expectEmpty(await call('/api/logout', { body: { refreshToken: second.refreshToken }, apiKey: null }), 504)
    expect((await receivedBy(inbox)).length).toBe(1)
    expect((await call('/api/jwt/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(200)
  })

  it("revoking all of a user's tokens by API sends one event with each application's TTL", async () => {
    const { w, inboxes } = await eventWorld({ 'jwt.refresh-token.revoke': 'None' })
    await loginOk(w)
    await loginOk(w)
    expect((await call(`/api/jwt/refresh?userId=${w.user.id}`, { method: 'DELETE' })).status).toBe(200)
    const [request] = await eventuallyReceived(inboxes[0] ?? '')
    const event = eventIn(request ?? { method: '', path: '', headers: {}, body: '{}' })
    expect(keysOf(event)).toEqual(['applicationTimeToLiveInSeconds', 'createInstant', 'id', 'tenantId', 'type', 'user', 'userId'].sort())
    expect(event.applicationTimeToLiveInSeconds).toEqual({ [w.application.id]: w.tenant.jwtConfiguration.timeToLiveInSeconds })
    expect(await refreshTokenCount(w.user.id)).toBe(0)
  })
})
