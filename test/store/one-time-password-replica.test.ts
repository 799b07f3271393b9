/**
 * The oneTimePassword login's D1 work: the redemption and the refresh token in one batch (one primary round trip,
 * the reads at a replica), and, read from a lagging replica, a redemption guarded by the user as read, so a stale
 * decision spends nothing and is made again at the primary.
 */
import { applyD1Migrations, env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { call, json } from '../helpers'
import { type World, forgotPassword, world } from '../routes/session-fixtures'
import { REDEMPTION_KINDS } from '../../src/store/names'
import { RedemptionStore } from '../../src/store/redemption-store'
import { UserStore } from '../../src/store/user-store'
import { LOGIN_TABLES, countingD1, feedReplica } from '../support/counting-d1'
import { callWith } from '../support/worker-call'

const replica = env.REPLICA_TEST_DB
const counting = countingD1(env.DB)
const lagging = countingD1(env.DB, { replica })
const catchUp = () => feedReplica(env.DB, replica, LOGIN_TABLES)

async function oneTimePasswordFor(w: World): Promise<string> {
  const id = await forgotPassword(w)
  const response = await call(`/api/user/change-password/${id}`, { body: { password: 'a brand new passphrase' }, apiKey: null })
  expect(response.status).toBe(200)
  return (await json<{ oneTimePassword: string }>(response)).oneTimePassword
}

const refreshTokensOf = async (userId: string): Promise<number> =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?').bind(userId).first<{ n: number }>())?.n ?? 0

describe('POST /api/login with a oneTimePassword, in D1', () => {
  beforeAll(async () => {
    await applyD1Migrations(replica, env.TEST_MIGRATIONS)
    // The isolate's once-per-database schema and bootstrap check is not part of any login's round trips.
    await callWith({ DB: counting.binding }, '/api/login', { body: {} })
    await callWith({ DB: lagging.binding }, '/api/login', { body: {} })
  })

  it('200 with a refresh token: one primary round trip, the redemption and the refresh token together', async () => {
    const w = await world()
    const oneTimePassword = await oneTimePasswordFor(w)
    counting.reset()
    const response = await callWith({ DB: counting.binding }, '/api/login', { body: { oneTimePassword, applicationId: w.application.id } })
    expect(response.status).toBe(200)
    expect((await response.json<{ refreshToken?: string }>()).refreshToken).toBeTypeOf('string')
    expect(counting.trips.log.filter((trip) => trip.startsWith('primary:'))).toEqual([
      expect.stringMatching(/^primary: INSERT INTO redemptions .* \| INSERT INTO refresh_tokens/),
    ])
  })

  it('read from a lagging replica, a user deactivated since gets 423 from the primary, and the oneTimePassword is not spent', async () => {
    const w = await world()
    const oneTimePassword = await oneTimePasswordFor(w)
    await catchUp()
    expect((await call(`/api/user/${w.user.id}`, { method: 'DELETE' })).status).toBe(200)
    const tokensBefore = await refreshTokensOf(w.user.id)

    lagging.reset()
    const otpLogin = () => callWith({ DB: lagging.binding }, '/api/login', { body: { oneTimePassword, applicationId: w.application.id } })
    expect((await otpLogin()).status).toBe(423)
    // The replica said active: the guarded redemption inserted nothing, and the retry read the user at the primary.
    expect(lagging.trips.log.some((trip) => /^primary: INSERT INTO redemptions/.test(trip))).toBe(true)
    expect(await new RedemptionStore(env.DB).wasRedeemed(REDEMPTION_KINDS.oneTimePassword, oneTimePassword)).toBe(false)
    expect(await refreshTokensOf(w.user.id)).toBe(tokensBefore)

    const users = new UserStore(env.DB)
    const stored = await users.get(w.user.id)
    if (stored === null) throw new Error('user missing')
    await users.update({ ...stored.user, active: true })
    await catchUp()
    expect((await otpLogin()).status).toBe(200)
    expect(await new RedemptionStore(env.DB).wasRedeemed(REDEMPTION_KINDS.oneTimePassword, oneTimePassword)).toBe(true)
  })
})
