import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { generateSigningKey, type SigningAlgorithm } from '../../src/domain/tokens'
import { SigningKeyStore } from '../../src/store/signing-key-store'
import { UserStore } from '../../src/store/user-store'
import { call, expectEmpty, json } from '../helpers'
import { craftHs256, segment } from '../domain/tokens/craft'
import { eventually } from '../support/eventually'
import { type LoginBody, claimsOf, errorCodes, loginOk, world, type World } from './session-fixtures'

const refresh = (body: unknown, nowMillis?: number) => call('/api/jwt/refresh', { body, apiKey: null, nowMillis })
const validate = (token: string, nowMillis?: number) => call('/api/jwt/validate', { apiKey: `Bearer ${token}`, nowMillis })

async function refreshCount(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM login_records WHERE user_id = ? AND authentication_type = 'REFRESH_TOKEN'")
    .bind(userId)
    .first<{ n: number }>()
  return row?.n ?? 0
}

describe('POST /api/jwt/refresh', () => {
  it('exchanges a refresh token for a REFRESH_TOKEN access token with the same sid, sets cookies and records a login', async () => {
    const w = await world()
    const session = await loginOk(w)
    const response = await refresh({ refreshToken: session.refreshToken })
    expect(response.status).toBe(200)
    const body = await json<LoginBody>(response)
    expect(body.refreshToken).toBe(session.refreshToken)
    expect(body.refreshTokenId).toBe(session.refreshTokenId)
    const claims = claimsOf(body.token ?? '')
    expect(claims).toMatchObject({
      authenticationType: 'REFRESH_TOKEN',
      sid: session.refreshTokenId,
      sub: w.user.id,
      applicationId: w.application.id,
      roles: ['user'],
      aud: w.application.id,
    })
    expect(claims.auth_time).toBe(claimsOf(session.token ?? '').auth_time)
    const cookies = response.headers.getSetCookie().join('\n')
    expect(cookies).toMatch(/access_token=[^;]+;.*HttpOnly/)
    expect(cookies).toMatch(/refresh_token=[^;]+; Max-Age=2592000/)
    await eventually(async () => expect(await refreshCount(w.user.id)).toBe(1))
  })

  it('answers [invalid]refreshToken for unknown, expired, disallowed, or deactivated-user tokens', async () => {
    const unknown = await refresh({ refreshToken: 'never-issued' })
    expect(unknown.status).toBe(400)
    expect(errorCodes(await json<LoginBody>(unknown), 'refreshToken')).toEqual(['[invalid]refreshToken'])
    const blank = await refresh({})
    expect(errorCodes(await json<LoginBody>(blank), 'refreshToken')).toEqual(['[blank]refreshToken'])
    const malformed = await call('/api/jwt/refresh', { rawBody: '{"refreshToken":', apiKey: null })
    expect((await json<LoginBody>(malformed)).generalErrors?.[0]?.code).toBe('[invalid]')

    const w = await world()
    const session = await loginOk(w)
    // 30 days (43,200 minutes) later the token is expired.
    expect((await refresh({ refreshToken: session.refreshToken }, Date.now() + 43_201 * 60_000)).status).toBe(400)
    const ttl = await refresh({ refreshToken: session.refreshToken, timeToLiveInSeconds: 7200 })
    expect(errorCodes(await json<LoginBody>(ttl), 'timeToLiveInSeconds')).toEqual(['[invalid]timeToLiveInSeconds'])
    const shorter = await json<LoginBody>(await refresh({ refreshToken: session.refreshToken, timeToLiveInSeconds: 60 }))
    const short = claimsOf(shorter.token ?? '')
    expect(Number(short.exp) - Number(short.iat)).toBe(60)

    const users = new UserStore(env.DB)
    const record = await users.get(w.user.id)
    if (record === null) throw new Error('user missing')
    await users.update({ ...record.user, active: false })
    expect((await refresh({ refreshToken: session.refreshToken })).status).toBe(400)

    const noRefresh = await world({
      application: { loginConfiguration: { requireAuthentication: true, generateRefreshTokens: true, allowTokenRefresh: false } },
    })
    const other = await loginOk(noRefresh)
    expect(errorCodes(await json<LoginBody>(await refresh({ refreshToken: other.refreshToken })), 'refreshToken')).toEqual([
      '[invalid]refreshToken',
    ])
  })

  it('rotates OneTimeUse tokens: the old value dies, and of two racing exchanges one wins', async () => {
    const w = await world({ tenant: { jwtConfiguration: { refreshTokenUsagePolicy: 'OneTimeUse' } } })
    const session = await loginOk(w)
    const first = await json<LoginBody>(await refresh({ refreshToken: session.refreshToken }))
    expect(first.refreshToken).not.toBe(session.refreshToken)
    expect(first.refreshTokenId).toBe(session.refreshTokenId)
    expect((await refresh({ refreshToken: session.refreshToken })).status).toBe(400)
    const raced = await Promise.all([refresh({ refreshToken: first.refreshToken }), refresh({ refreshToken: first.refreshToken })])
    expect(raced.map((r) => r.status).sort()).toEqual([200, 400])
  })
})

describe('retrieving and revoking refresh tokens', () => {
  it("lists a user's tokens without their values and retrieves one by id", async () => {
    const w = await world()
    const session = await loginOk(w)
    const listed = await json<{ refreshTokens: Record<string, unknown>[] }>(await call(`/api/jwt/refresh?userId=${w.user.id}`))
    expect(listed.refreshTokens.map((t) => t.id)).toEqual([session.refreshTokenId])
    expect(JSON.stringify(listed)).not.toContain(session.refreshToken ?? 'x')
    const one = await json<{ refreshToken: { userId: string } }>(await call(`/api/jwt/refresh/${session.refreshTokenId ?? ''}`))
    expect(one.refreshToken.userId).toBe(w.user.id)
    await expectEmpty(await call(`/api/jwt/refresh/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call(`/api/jwt/refresh?userId=${w.user.id}`, { apiKey: null }), 401)
    const other = await world()
    await expectEmpty(await call(`/api/jwt/refresh/${session.refreshTokenId ?? ''}`, { tenantId: other.tenant.id }), 404)
  })

  it('revokes by token value, by id, and all of a user\'s (the client\'s "undefined" arguments ignored)', async () => {
    const w = await world()
    const a = await loginOk(w)
    const byValue = await call(
      `/api/jwt/refresh?token=${encodeURIComponent(a.refreshToken ?? '')}&userId=undefined&applicationId=undefined`,
      { method: 'DELETE' },
    )
    expect(byValue.status).toBe(200)
    expect(await byValue.text()).toBe('')
    expect((await refresh({ refreshToken: a.refreshToken })).status).toBe(400)

    const b = await loginOk(w)
    expect((await call(`/api/jwt/refresh/${b.refreshTokenId ?? ''}`, { method: 'DELETE' })).status).toBe(200)
    expect((await refresh({ refreshToken: b.refreshToken })).status).toBe(400)

    const c1 = await loginOk(w)
    const c2 = await loginOk(w)
    expect((await call(`/api/jwt/refresh?token=undefined&userId=${w.user.id}&applicationId=undefined`, { method: 'DELETE' })).status).toBe(
      200,
    )
    expect((await refresh({ refreshToken: c1.refreshToken })).status).toBe(400)
    expect((await refresh({ refreshToken: c2.refreshToken })).status).toBe(400)

    const d = await loginOk(w)
    expect((await call('/api/jwt/refresh', { method: 'DELETE', body: { applicationId: w.application.id } })).status).toBe(200)
    expect((await refresh({ refreshToken: d.refreshToken })).status).toBe(400)
  })

  it('refuses bad revocations: nothing named, no key, unknown ids, another tenant, a foreign JWT', async () => {
    const w = await world()
    const session = await loginOk(w)
    const nothing = await call('/api/jwt/refresh?token=undefined', { method: 'DELETE' })
    expect((await json<LoginBody>(nothing)).generalErrors?.[0]?.code).toBe('[invalid]')
    await expectEmpty(await call(`/api/jwt/refresh?userId=${w.user.id}`, { method: 'DELETE', apiKey: null }), 401)
    await expectEmpty(await call(`/api/jwt/refresh/${crypto.randomUUID()}`, { method: 'DELETE' }), 404)
    await expectEmpty(await call(`/api/jwt/refresh?userId=${crypto.randomUUID()}`, { method: 'DELETE' }), 404)
    const badId = await call('/api/jwt/refresh?userId=nope', { method: 'DELETE' })
    expect(errorCodes(await json<LoginBody>(badId), 'userId')).toEqual(['[couldNotConvert]userId'])
    const other = await world()
    await expectEmpty(await call(`/api/jwt/refresh?userId=${w.user.id}`, { method: 'DELETE', tenantId: other.tenant.id }), 404)
    // A JWT may revoke only its own user's token, and only one at a time.
    const stranger = await loginOk(other)
    await expectEmpty(
      await call(`/api/jwt/refresh/${session.refreshTokenId ?? ''}`, { method: 'DELETE', apiKey: `Bearer ${stranger.token ?? ''}` }),
      404,
    )
    await expectEmpty(
      await call(`/api/jwt/refresh?userId=${w.user.id}`, { method: 'DELETE', apiKey: `Bearer ${session.token ?? ''}` }),
      401,
    )
    expect(
      (await call(`/api/jwt/refresh/${session.refreshTokenId ?? ''}`, { method: 'DELETE', apiKey: `Bearer ${session.token ?? ''}` }))
        .status,
    ).toBe(200)
  })
})

async function worldSignedWith(algorithm: SigningAlgorithm): Promise<{ w: World; kid: string; publicKeyPem?: string }> {
  const material = await generateSigningKey({ algorithm, name: `key-${crypto.randomUUID()}` })
  await new SigningKeyStore(env.DB, env.ENCRYPTION_KEY).create(material, Date.now())
  const w = await world({ tenant: { jwtConfiguration: { accessTokenKeyId: material.id } } })
  return { w, kid: material.kid, publicKeyPem: material.publicKeyPem }
}

describe('GET /api/jwt/validate', () => {
  for (const algorithm of ['HS256', 'RS256', 'ES256'] as const) {
    it(`validates an ${algorithm} access token and refuses it once expired`, async () => {
      const { w, kid } = await worldSignedWith(algorithm)
      const token = (await loginOk(w)).token ?? ''
      const header = JSON.parse(atob((token.split('.')[0] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
      expect(header).toMatchObject({ alg: algorithm, kid })
      const response = await validate(token)
      expect(response.status).toBe(200)
      expect((await json<{ jwt: Record<string, unknown> }>(response)).jwt).toMatchObject({
        sub: w.user.id,
        tid: w.tenant.id,
        authenticationType: 'PASSWORD',
      })
      await expectEmpty(await validate(token, Date.now() + 3601_000), 401)
    })
  }

  it('accepts the access_token cookie and refuses no token, a tampered token, and an unknown kid', async () => {
    const w = await world()
    const token = (await loginOk(w)).token ?? ''
    expect((await call('/api/jwt/validate', { apiKey: null, headers: { cookie: `access_token=${token}` } })).status).toBe(200)
    await expectEmpty(await call('/api/jwt/validate', { apiKey: null }), 401)
    const [h, p, s] = token.split('.')
    await expectEmpty(await validate(`${h ?? ''}.${segment({ ...claimsOf(token), sub: crypto.randomUUID() })}.${s ?? ''}`), 401)
    await expectEmpty(await validate(await craftHs256({ alg: 'HS256', typ: 'JWT', kid: 'nokid0000' }, claimsOf(token), 'secret')), 401)
    await expectEmpty(await validate(`${p ?? ''}`), 401)
  })

  it('refuses alg none and an HS256 token keyed with the RSA public key', async () => {
    const { w, kid, publicKeyPem } = await worldSignedWith('RS256')
    const claims = claimsOf((await loginOk(w)).token ?? '')
    await expectEmpty(await validate(`${segment({ alg: 'none', typ: 'JWT', kid })}.${segment(claims)}.`), 401)
    await expectEmpty(await validate(await craftHs256({ alg: 'HS256', typ: 'JWT', kid }, claims, publicKeyPem ?? '')), 401)
  })
})
