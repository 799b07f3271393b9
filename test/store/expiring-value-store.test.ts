import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ExpiringValueStore, KV_MIN_TTL_SECONDS, kvTtlSeconds } from '../../src/store/expiring-value-store'
import { RedemptionStore } from '../../src/store/redemption-store'

describe('ExpiringValueStore', () => {
  it('never hands KV a TTL under its 60 s minimum (production rejects it; so does miniflare)', () => {
    expect(kvTtlSeconds(1)).toBe(KV_MIN_TTL_SECONDS)
    expect(kvTtlSeconds(59.2)).toBe(60)
    expect(kvTtlSeconds(300)).toBe(300)
  })

  it('stores a 5 s value and honours its true deadline, not the clamped TTL', async () => {
    const store = new ExpiringValueStore<{ n: number }>(env.KV, 'test:')
    const now = Date.now()
    await store.put('token-a', { n: 1 }, 5, now)
    expect(await store.get('token-a', now + 4_999)).toEqual({ n: 1 })
    expect(await store.get('token-a', now + 5_000)).toBeNull()
  })

  it('keys by hash: the raw token never appears in KV', async () => {
    const store = new ExpiringValueStore<string>(env.KV, 'test-hash:')
    await store.put('secret-token-value', 'v', 60, Date.now())
    const { keys } = await env.KV.list({ prefix: 'test-hash:' })
    expect(keys.map((k) => k.name).join()).not.toContain('secret-token-value')
  })
})

describe('RedemptionStore', () => {
  it('lets exactly one of two racing redemptions win', async () => {
    const store = new RedemptionStore(env.DB)
    const token = crypto.randomUUID()
    const results = await Promise.all([store.redeem('race', token, Date.now(), 60), store.redeem('race', token, Date.now(), 60)])
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await store.redeem('race', token, Date.now(), 60)).toBe(false)
  })

  it('purges only expired redemptions', async () => {
    const store = new RedemptionStore(env.DB)
    const now = Date.now()
    const old = crypto.randomUUID()
    const fresh = crypto.randomUUID()
    await store.redeem('purge', old, now - 120_000, 60)
    await store.redeem('purge', fresh, now, 60)
    await store.purgeExpired(now)
    expect(await store.wasRedeemed('purge', old)).toBe(false)
    expect(await store.wasRedeemed('purge', fresh)).toBe(true)
  })
})
