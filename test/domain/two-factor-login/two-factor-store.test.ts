import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { toPublicMethod } from '../../../src/domain/two-factor/methods'
import { TwoFactorStore } from '../../../src/store/two-factor-store'
import { createTenant, createUser, uniqueEmail } from '../../fixtures'

async function userWithAuthenticator(lastStep: number | null) {
  const tenant = await createTenant()
  const user = await createUser({ tenantId: tenant.id, email: uniqueEmail('store') })
  const store = new TwoFactorStore(env.DB)
  const view = toPublicMethod({ id: 'AB23', method: 'authenticator' })
  await env.DB.batch([
    store.insertMethodStatement(user.id, { view, secretEncrypted: 'v1.x.y', lastStep }, 1),
    store.userViewStatement(user.id),
  ])
  return { user, store }
}

describe('TwoFactorStore', () => {
  it('advances the TOTP step only forward: a replay or an earlier step loses', async () => {
    const { user, store } = await userWithAuthenticator(100)
    expect(await store.advanceStep(user.id, 'AB23', 100)).toBe(false)
    expect(await store.advanceStep(user.id, 'AB23', 99)).toBe(false)
    expect(await store.advanceStep(user.id, 'AB23', 101)).toBe(true)
    expect(await store.advanceStep(user.id, 'AB23', 101)).toBe(false)
  })

  it('lets exactly one of racing writers record a step', async () => {
    const { user, store } = await userWithAuthenticator(null)
    const results = await Promise.all([1, 2, 3, 4].map(() => store.advanceStep(user.id, 'AB23', 500)))
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('spends a recovery code once, even when raced', async () => {
    const { user, store } = await userWithAuthenticator(null)
    await env.DB.batch(store.replaceRecoveryCodesStatements(user.id, ['h1', 'h2'], 1))
    const results = await Promise.all([1, 2, 3].map(() => store.redeemRecoveryCode(user.id, 'h1')))
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await store.hasRecoveryCode(user.id, 'h1')).toBe(false)
    expect(await store.hasRecoveryCode(user.id, 'h2')).toBe(true)
  })

  it('keeps only the newest emailed code of a scope, checks target and deadline', async () => {
    const store = new TwoFactorStore(env.DB)
    const scope = `test:${crypto.randomUUID()}`
    await store.putCode(scope, 'old', 'method:AB23', 10_000)
    await store.putCode(scope, 'new', 'method:AB23', 10_000)
    expect(await store.findCode(scope, 'old', 5_000)).toBeNull()
    expect(await store.findCode(scope, 'new', 5_000)).toBe('method:AB23')
    expect(await store.findCode(scope, 'new', 10_000)).toBeNull()
    expect(await store.redeemCode(scope, 'new', 'method:ZZZZ', 5_000)).toBe(false)
    expect(await store.redeemCode(scope, 'new', 'method:AB23', 5_000)).toBe(true)
    expect(await store.redeemCode(scope, 'new', 'method:AB23', 5_000)).toBe(false)
  })

  it('keeps the public copy in the user JSON in step with the table', async () => {
    const { user, store } = await userWithAuthenticator(null)
    const row = await env.DB.prepare('SELECT data FROM users WHERE id = ?').bind(user.id).first<{ data: string }>()
    expect((JSON.parse(row?.data ?? '{}') as { twoFactor?: unknown }).twoFactor).toEqual({
      methods: [{ authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 }, id: 'AB23', method: 'authenticator' }],
    })
    await env.DB.batch([store.deleteAllMethodsStatement(user.id), store.userViewStatement(user.id)])
    const after = await env.DB.prepare('SELECT data FROM users WHERE id = ?').bind(user.id).first<{ data: string }>()
    expect((JSON.parse(after?.data ?? '{}') as { twoFactor?: unknown }).twoFactor).toBeUndefined()
  })
})
