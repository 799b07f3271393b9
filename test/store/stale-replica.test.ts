/**
 * What a lagging read replica can do to a login. The login reads at the nearest replica; its one primary write (the
 * refresh token) is guarded by the user state it read, so a decision made on stale rows writes nothing and is made
 * again at the primary. A second local database plays the replica: it holds only what feedReplica last copied.
 */
import { applyD1Migrations, env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { call } from '../helpers'
import { PASSWORD, world } from '../routes/session-fixtures'
import { LOGIN_TABLES, countingD1, feedReplica } from '../support/counting-d1'
import { loginCodeScope } from '../../src/domain/two-factor-login/one-time-codes'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { REDEMPTION_KINDS } from '../../src/store/names'
import { RedemptionStore } from '../../src/store/redemption-store'
import { UserStore } from '../../src/store/user-store'
import * as twoFactor from '../domain/two-factor-login/world'
import { callWith } from '../support/worker-call'

const replica = env.REPLICA_TEST_DB
const lagging = countingD1(env.DB, { replica })
const catchUp = () => feedReplica(env.DB, replica, LOGIN_TABLES)

async function refreshTokensOf(userId: string): Promise<number> {
  return (await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?').bind(userId).first<{ n: number }>())?.n ?? 0
}

describe('a login read from a lagging replica', () => {
  beforeAll(async () => {
    await applyD1Migrations(replica, env.TEST_MIGRATIONS)
    // The isolate's once-per-database schema and bootstrap check is not part of any login's round trips.
    await callWith({ DB: lagging.binding }, '/api/login', { body: {} })
  })

  it('is decided again at the primary when the user was deactivated after the replica last caught up', async () => {
    const w = await world()
    await catchUp()
    expect((await call(`/api/user/${w.user.id}`, { method: 'DELETE' })).status).toBe(200)

    lagging.reset()
    const response = await callWith({ DB: lagging.binding }, '/api/login', {
      body: { loginId: w.email, password: PASSWORD, applicationId: w.application.id },
    })
    expect(response.status).toBe(423)
    expect(await refreshTokensOf(w.user.id)).toBe(0)
    // The replica's read, the guarded write that changed nothing, then the decision again at the primary.
    expect(lagging.trips.log[0]).toMatch(/^replica: SELECT a.data/)
    expect(lagging.trips.log.some((trip) => /^primary: INSERT INTO refresh_tokens/.test(trip))).toBe(true)
  })

  it('refuses the old password once it was changed at the primary, and accepts the new one', async () => {
    const w = await world()
    await catchUp()
    const changed = await call('/api/user/change-password', {
      body: { loginId: w.email, currentPassword: PASSWORD, password: 'a brand new password' },
      tenantId: w.tenant.id,
    })
    expect(changed.status).toBe(200)

    const old = await callWith({ DB: lagging.binding }, '/api/login', {
      body: { loginId: w.email, password: PASSWORD, applicationId: w.application.id },
    })
    expect(old.status).toBe(404)
    expect(await refreshTokensOf(w.user.id)).toBe(0)
    const fresh = await callWith({ DB: lagging.binding }, '/api/login', {
      body: { loginId: w.email, password: 'a brand new password', applicationId: w.application.id },
    })
    expect(fresh.status).toBe(200)
  })

  it('is refused at once when a prevent-login action was taken after the replica caught up', async () => {
    const w = await world()
    const definition = await call('/api/user-action', {
      body: { userAction: { name: `lock-${crypto.randomUUID()}`, preventLogin: true, temporal: true } },
    })
    const { userAction } = await definition.json<{ userAction: { id: string } }>()
    await catchUp()
    const taken = await call('/api/user/action', {
      body: { action: { actioneeUserId: w.user.id, userActionId: userAction.id, expiry: Date.now() + 3_600_000 } },
    })
    expect(taken.status).toBe(200)

    const response = await callWith({ DB: lagging.binding }, '/api/login', {
      body: { loginId: w.email, password: PASSWORD, applicationId: w.application.id },
    })
    expect(response.status).toBe(409)
    expect(await refreshTokensOf(w.user.id)).toBe(0)
  })

  it('with D1_READS=primary reads nothing at the replica', async () => {
    const w = await world()
    await catchUp()
    await call(`/api/user/${w.user.id}`, { method: 'DELETE' })
    lagging.reset()
    const response = await callWith({ DB: lagging.binding, D1_READS: 'primary' }, '/api/login', {
      body: { loginId: w.email, password: PASSWORD, applicationId: w.application.id },
    })
    expect(response.status).toBe(423)
    expect(lagging.trips.log.filter((trip) => trip.startsWith('replica: SELECT a.data'))).toEqual([])
  })

  it('without a primary write (noJWT) is exposed for as long as the replica lags, and no longer', async () => {
    const w = await world()
    await catchUp()
    await call(`/api/user/${w.user.id}`, { method: 'DELETE' })
    const body = { loginId: w.email, password: PASSWORD, applicationId: w.application.id, noJWT: true }
    // The documented exposure: the replica still says active, and nothing is written that could check it.
    expect((await callWith({ DB: lagging.binding }, '/api/login', { body })).status).toBe(200)
    await catchUp()
    expect((await callWith({ DB: lagging.binding }, '/api/login', { body })).status).toBe(423)
  })

  it('two-factor completion: a user deactivated after the 242 gets 423 from the primary, and the twoFactorId is not spent', async () => {
    const base = twoFactor.stepStart()
    const w = await twoFactor.world()
    const enabled = await twoFactor.enableAuthenticator(w.user.id, base)
    const now = base + 30_000
    const code = await totpCode(enabled.keyBytes, timeStepAt(now))
    const twoFactorId = await twoFactor.challenge(w.application.id, w.email, { nowMillis: now })
    await catchUp()
    expect((await call(`/api/user/${w.user.id}`, { method: 'DELETE' })).status).toBe(200)

    lagging.reset()
    const complete = () =>
      callWith({ DB: lagging.binding }, '/api/two-factor/login', { body: { twoFactorId, code }, apiKey: null, nowMillis: now })
    expect((await complete()).status).toBe(423)
    // The replica said active: the batch counted the attempt and found the guard false, so it redeemed nothing; the
    // retry read the user at the primary and refused before the code, without counting the request a second time.
    const log = lagging.trips.log
    expect(log.filter((trip) => /INSERT INTO two_factor_attempts/.test(trip))).toEqual([expect.stringMatching(/^primary: /)])
    expect(log.some((trip) => /^replica: SELECT u\.id/.test(trip))).toBe(true)
    expect(log.some((trip) => /^primary: SELECT u\.id/.test(trip))).toBe(true)
    expect(await new RedemptionStore(env.DB).wasRedeemed(REDEMPTION_KINDS.twoFactorId, twoFactorId)).toBe(false)
    const scope = await loginCodeScope(twoFactorId)
    expect(await env.DB.prepare('SELECT count FROM two_factor_attempts WHERE scope = ?').bind(scope).first('count')).toBe(1)

    // Not spent: once the user is active again (and the replica has caught up), the same twoFactorId and code complete.
    const users = new UserStore(env.DB)
    const stored = await users.get(w.user.id)
    if (stored === null) throw new Error('user missing')
    await users.update({ ...stored.user, active: true })
    await catchUp()
    expect((await complete()).status).toBe(200)
  })
})
