import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { RefreshTokenStore } from '../../src/store/refresh-token-store'
import { createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { type LoginBody, loginOk, world } from './session-fixtures'

const exchange = (refreshToken: string) => call('/api/jwt/refresh', { body: { refreshToken }, apiKey: null })

describe('DELETE /api/user/{id} (deactivate) and refresh tokens', () => {
  it('revokes every refresh token of the user; reactivation does not bring them back', async () => {
    const w = await world()
    const first = await loginOk(w)
    const second = await loginOk(w)
    const bystander = await world()
    const kept = await loginOk(bystander)
    expect(await new RefreshTokenStore(env.DB).listForUser(w.user.id)).toHaveLength(2)

    await expectEmpty(await call(`/api/user/${w.user.id}`, { method: 'DELETE' }), 200)
    expect(await new RefreshTokenStore(env.DB).listForUser(w.user.id)).toEqual([])
    const user = await json<{ user: { active: boolean } }>(await call(`/api/user/${w.user.id}`))
    expect(user.user.active).toBe(false)

    expect((await call(`/api/user/${w.user.id}?reactivate=true`, { method: 'PUT' })).status).toBe(200)
    for (const token of [first.refreshToken, second.refreshToken]) expect((await exchange(token ?? '')).status).toBe(400)
    // Another user's session is untouched.
    expect((await exchange(kept.refreshToken ?? '')).status).toBe(200)
  })

  it('hard delete still removes the user and its tokens; an unknown id is 404', async () => {
    const w = await world()
    await loginOk(w)
    await expectEmpty(await call(`/api/user/${w.user.id}?hardDelete=true`, { method: 'DELETE' }), 200)
    expect(await new RefreshTokenStore(env.DB).listForUser(w.user.id)).toEqual([])
    await expectEmpty(await call(`/api/user/${crypto.randomUUID()}`, { method: 'DELETE' }), 404)
    await expectEmpty(await call(`/api/user/${w.user.id}`, { method: 'DELETE', apiKey: null }), 401)
  })
})

describe('GET /api/user with a JWT (retrieveUserUsingJWT)', () => {
  it("returns the token's own user from a Bearer header or the access_token cookie", async () => {
    const w = await world()
    const { token } = await loginOk(w)
    const bearer = await call('/api/user', { apiKey: null, headers: { Authorization: `Bearer ${token ?? ''}` } })
    expect(bearer.status).toBe(200)
    const body = await json<{ user: { id: string; email: string; registrations: { applicationId: string }[]; password?: unknown } }>(bearer)
    expect(body.user.id).toBe(w.user.id)
    expect(body.user.email).toBe(w.email)
    expect(body.user.registrations.map((r) => r.applicationId)).toEqual([w.application.id])
    expect(body.user.password).toBeUndefined()

    const cookie = await call('/api/user', { apiKey: null, headers: { Cookie: `access_token=${token ?? ''}` } })
    expect((await json<{ user: { id: string } }>(cookie)).user.id).toBe(w.user.id)
  })

  it('answers 401 without credentials or with a bad, tampered or expired token', async () => {
    const w = await world()
    const { token } = await loginOk(w)
    const [header, payload, signature] = (token ?? '').split('.')
    const claims = JSON.parse(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
    const forged = btoa(JSON.stringify({ ...claims, sub: crypto.randomUUID() }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
    await expectEmpty(await call('/api/user', { apiKey: null }), 401)
    await expectEmpty(await call('/api/user', { apiKey: null, headers: { Authorization: 'Bearer not.a.jwt' } }), 401)
    await expectEmpty(await call('/api/user', { apiKey: null, headers: { Authorization: `Bearer ${header}.${forged}.${signature}` } }), 401)
    await expectEmpty(await call('/api/user', { apiKey: 'not-a-key' }), 401)
    const expired = (typeof claims.exp === 'number' ? claims.exp : 0) * 1000 + 1000
    await expectEmpty(
      await call('/api/user', { apiKey: null, nowMillis: expired, headers: { Authorization: `Bearer ${token ?? ''}` } }),
      401,
    )
  })

  it("answers 404 when the token's user is gone, 401 when another tenant is named", async () => {
    const w = await world()
    const { token } = await loginOk(w)
    const other = await createTenant()
    const auth = { Authorization: `Bearer ${token ?? ''}` }
    await expectEmpty(await call('/api/user', { apiKey: null, tenantId: other.id, headers: auth }), 401)
    expect((await call('/api/user', { apiKey: null, tenantId: w.tenant.id, headers: auth })).status).toBe(200)
    await expectEmpty(await call(`/api/user/${w.user.id}?hardDelete=true`, { method: 'DELETE' }), 200)
    await expectEmpty(await call('/api/user', { apiKey: null, headers: auth }), 404)
  })

  it('keeps the API-key lookups: loginId, email, username, and 404 without a query', async () => {
    const tenant = await createTenant()
    const email = uniqueEmail('lookup')
    const user = await createUser({ tenantId: tenant.id, email, username: `u-${crypto.randomUUID()}` })
    const byEmail = await call(`/api/user?email=${encodeURIComponent(email)}`, { tenantId: tenant.id })
    expect((await json<LoginBody>(byEmail)).user?.id).toBe(user.id)
    await expectEmpty(await call('/api/user', { tenantId: tenant.id }), 404)
  })
})
