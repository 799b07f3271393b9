/**
 * Issue 8, defect 5: a JWT is bound to its tenant. Every JWT check (validate, the JWT ping, GET /api/user,
 * change password, refresh-token revocation) refuses a token whose `tid` is not the request's tenant (header or
 * locked key), whose `iss` is not its tenant's current issuer, or whose key is not the one its tenant (or its
 * application) signs access tokens with; and a tenant created with only a name gets a key of its own.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { type JwtClaims, generateSigningKey, type SigningKeyMaterial, signJwt } from '../../src/domain/tokens'
import { SigningKeyStore } from '../../src/store/signing-key-store'
import { createApplication, createUser, defaultTenant, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, uniqueName } from '../routes/admin-fixtures'
import { PASSWORD, claimsOf, loginOk, world, type World } from '../routes/session-fixtures'

const bearer = (token: string): string => `Bearer ${token}`

const validate = (token: string, tenantId?: string) => call('/api/jwt/validate', { apiKey: bearer(token), tenantId })
const jwtPing = (token: string, tenantId?: string) => call('/api/login', { method: 'PUT', apiKey: bearer(token), tenantId })
const me = (token: string, tenantId?: string) => call('/api/user', { apiKey: bearer(token), tenantId })
const changePassword = (token: string, tenantId?: string) =>
  call('/api/user/change-password', { apiKey: bearer(token), tenantId, body: { currentPassword: PASSWORD, password: `new ${PASSWORD}` } })
const revoke = (token: string, refreshTokenId: string, tenantId?: string) =>
  call(`/api/jwt/refresh/${refreshTokenId}`, { method: 'DELETE', apiKey: bearer(token), tenantId })

/** The four endpoints that take a user's JWT and act for its user, as the issue lists them. */
const JWT_ENDPOINTS = { validate, jwtPing, me, changePassword } as const

async function storedKey(algorithm: 'HS256' | 'ES256' = 'HS256'): Promise<SigningKeyMaterial> {
  const material = await generateSigningKey({ algorithm, name: uniqueName('key') })
  await new SigningKeyStore(env.DB, env.ENCRYPTION_KEY).create(material, Date.now())
  return material
}

async function keyOf(id: string | undefined): Promise<SigningKeyMaterial> {
  const material = id === undefined ? null : await new SigningKeyStore(env.DB, env.ENCRYPTION_KEY).get(id)
  if (material === null) throw new Error(`signing key [${id ?? 'none'}] missing`)
  return material
}

/** A world whose tenant signs with a key of its own. */
async function worldWithOwnKey(): Promise<{ w: World; key: SigningKeyMaterial }> {
  const key = await storedKey()
  return { w: await world({ tenant: { jwtConfiguration: { accessTokenKeyId: key.id } } }), key }
}

describe('a JWT is refused for another tenant than its own', () => {
  it("refuses tenant B's token with tenant A's header on validate, the JWT ping, GET /api/user and change password", async () => {
    const a = await world()
    const b = await world()
    for (const [name, endpoint] of Object.entries(JWT_ENDPOINTS)) {
      const token = (await loginOk(b)).token ?? ''
      const response = await endpoint(token, a.tenant.id)
      expect({ name, status: response.status }).toEqual({ name, status: 401 })
      await expectEmpty(response, 401)
    }
    // The same token still works for its own tenant, named or not.
    const token = (await loginOk(b)).token ?? ''
    expect((await validate(token, b.tenant.id)).status).toBe(200)
    expect((await jwtPing(token, b.tenant.id)).status).toBe(200)
    expect((await me(token, b.tenant.id)).status).toBe(200)
    expect((await me(token)).status).toBe(200)
    expect((await changePassword(token, b.tenant.id)).status).toBe(200)
  })

  it("refuses tenant B's token in tenant A's locked-key context (access_token cookie beside A's key)", async () => {
    const a = await world()
    const b = await world()
    const { key: keyA } = await createApiKey({ tenantId: a.tenant.id })
    const { key: keyB } = await createApiKey({ tenantId: b.tenant.id })
    const token = (await loginOk(b)).token ?? ''
    const cookie = { cookie: `access_token=${token}` }
    await expectEmpty(await call('/api/jwt/validate', { apiKey: keyA, headers: cookie }), 401)
    await expectEmpty(await call('/api/login', { method: 'PUT', apiKey: keyA, headers: cookie }), 401)
    expect((await call('/api/jwt/validate', { apiKey: keyB, headers: cookie })).status).toBe(200)
    expect((await call('/api/login', { method: 'PUT', apiKey: keyB, headers: cookie })).status).toBe(200)
  })

  it("refuses tenant B's token with tenant A's header when it revokes B's own refresh token", async () => {
    const a = await world()
    const b = await world()
    const session = await loginOk(b)
    await expectEmpty(await revoke(session.token ?? '', session.refreshTokenId ?? '', a.tenant.id), 401)
    expect((await revoke(session.token ?? '', session.refreshTokenId ?? '', b.tenant.id)).status).toBe(200)
  })
})

describe("a JWT is bound to its tenant's current issuer", () => {
  it('refuses a token issued before its tenant changed issuer, everywhere, and accepts a fresh one', async () => {
    const w = await world({ tenant: { issuer: 'before.example' } })
    const tokens = await Promise.all(Object.keys(JWT_ENDPOINTS).map(async () => (await loginOk(w)).token ?? ''))
    const patched = await call(`/api/tenant/${w.tenant.id}`, { method: 'PATCH', body: { tenant: { issuer: 'after.example' } } })
    expect(patched.status).toBe(200)
    let index = 0
    for (const [name, endpoint] of Object.entries(JWT_ENDPOINTS)) {
      const response = await endpoint(tokens[index++] ?? '')
      expect({ name, status: response.status }).toEqual({ name, status: 401 })
    }
    const fresh = (await loginOk(w)).token ?? ''
    expect(claimsOf(fresh).iss).toBe('after.example')
    expect((await validate(fresh)).status).toBe(200)
  })
})

describe('a JWT must be signed with the key its tenant or application signs with', () => {
  it("refuses a token signed with tenant A's key that names tenant B, with or without B's header", async () => {
    const { key: keyA } = await worldWithOwnKey()
    const { w: b } = await worldWithOwnKey()
    const genuine = (await loginOk(b)).token ?? ''
    expect((await validate(genuine)).status).toBe(200)
    const forged = await signJwt(claimsOf(genuine) as JwtClaims, keyA)
    for (const [name, endpoint] of Object.entries(JWT_ENDPOINTS)) {
      expect({ name, status: (await endpoint(forged)).status }).toEqual({ name, status: 401 })
    }
    await expectEmpty(await validate(forged, b.tenant.id), 401)
  })

  it('refuses a token naming no tenant, or a tenant that does not exist', async () => {
    const w = await world()
    const claims = claimsOf((await loginOk(w)).token ?? '') as JwtClaims
    const key = await keyOf(w.tenant.jwtConfiguration.accessTokenKeyId)
    const { tid: _tid, ...withoutTid } = claims
    await expectEmpty(await validate(await signJwt(withoutTid, key)), 401)
    await expectEmpty(await validate(await signJwt({ ...claims, tid: crypto.randomUUID() }, key)), 401)
    await expectEmpty(await validate(await signJwt({ ...claims, tid: 42 }, key)), 401)
  })

  it("honours the application's own access-token key and refuses the tenant's key for that application", async () => {
    const { w: base, key: tenantKey } = await worldWithOwnKey()
    const appKey = await storedKey('ES256')
    const application = await createApplication(base.tenant.id, {
      loginConfiguration: { requireAuthentication: true, generateRefreshTokens: true, allowTokenRefresh: true },
      jwtConfiguration: { enabled: true, accessTokenKeyId: appKey.id, timeToLiveInSeconds: 600, refreshTokenTimeToLiveInMinutes: 60 },
    })
    const email = uniqueEmail()
    const user = await createUser({
      tenantId: base.tenant.id,
      email,
      password: PASSWORD,
      registrations: [{ applicationId: application.id }],
    })
    const w: World = { tenant: base.tenant, application, user, email }
    const token = (await loginOk(w)).token ?? ''
    expect((await validate(token)).status).toBe(200)
    expect((await jwtPing(token)).status).toBe(200)

    const claims = claimsOf(token) as JwtClaims
    // The tenant's key may not sign for an application that signs with its own key ...
    await expectEmpty(await validate(await signJwt(claims, tenantKey)), 401)
    // ... and the application's key may not sign a token that names no application.
    const { aud: _aud, applicationId: _applicationId, roles: _roles, ...tenantOnly } = claims
    await expectEmpty(await validate(await signJwt(tenantOnly, appKey)), 401)
    expect((await validate(await signJwt(tenantOnly, tenantKey))).status).toBe(200)
  })
})

describe('a tenant created with only a name', () => {
  it("signs with a key of its own, so its tokens never validate as the default tenant's, nor the default tenant's as its", async () => {
    const fallback = await defaultTenant()
    const created = await call('/api/tenant', { body: { tenant: { name: uniqueName('named-only') } } })
    expect(created.status).toBe(200)
    const { tenant } = await json<{ tenant: World['tenant'] }>(created)
    expect(tenant.jwtConfiguration.accessTokenKeyId).toMatch(/^[0-9a-f-]{36}$/)
    expect(tenant.jwtConfiguration.accessTokenKeyId).not.toBe(fallback.jwtConfiguration.accessTokenKeyId)

    const application = await createApplication(tenant.id, {
      loginConfiguration: { requireAuthentication: true, generateRefreshTokens: true, allowTokenRefresh: true },
    })
    const email = uniqueEmail()
    const user = await createUser({ tenantId: tenant.id, email, password: PASSWORD, registrations: [{ applicationId: application.id }] })
    const token = (await loginOk({ tenant, application, user, email })).token ?? ''
    expect((await validate(token)).status).toBe(200)
    await expectEmpty(await validate(token, fallback.id), 401)

    const defaultKey = await keyOf(fallback.jwtConfiguration.accessTokenKeyId)
    const ownKey = await keyOf(tenant.jwtConfiguration.accessTokenKeyId)
    const claims = claimsOf(token) as JwtClaims
    // The default tenant's key cannot speak for the new tenant ...
    await expectEmpty(await validate(await signJwt(claims, defaultKey)), 401)
    // ... nor the new tenant's key for the default tenant.
    await expectEmpty(
      await validate(
        await signJwt({ ...claims, tid: fallback.id, iss: fallback.issuer, aud: undefined, applicationId: undefined }, ownKey),
      ),
      401,
    )
  })

  it('keeps its own key across a PUT that names none', async () => {
    const created = await json<{ tenant: World['tenant'] }>(await call('/api/tenant', { body: { tenant: { name: uniqueName('put') } } }))
    const keyId = created.tenant.jwtConfiguration.accessTokenKeyId
    const replaced = await call(`/api/tenant/${created.tenant.id}`, { method: 'PUT', body: { tenant: { name: created.tenant.name } } })
    expect(replaced.status).toBe(200)
    expect((await json<{ tenant: World['tenant'] }>(replaced)).tenant.jwtConfiguration.accessTokenKeyId).toBe(keyId)
  })
})
