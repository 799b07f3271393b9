import { describe, expect, it } from 'vitest'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, createApplication, createTenant, fieldCodes, generalCodes, uniqueName } from './admin-fixtures'

interface KeyJson {
  id: string
  kid: string
  algorithm: string
  name: string
  type: string
  length?: number
  publicKey?: string
  hasPrivateKey: boolean
  [field: string]: unknown
}

async function generate(algorithm: string, extra: Record<string, unknown> = {}): Promise<KeyJson> {
  const response = await call('/api/key/generate', { body: { key: { algorithm, name: uniqueName(algorithm), ...extra } } })
  expect(response.status).toBe(200)
  return (await json<{ key: KeyJson }>(response)).key
}

/** No secret or private material in a key response. */
function expectPublicOnly(key: Record<string, unknown>): void {
  expect(key.secret).toBeUndefined()
  expect(key.privateKey).toBeUndefined()
  expect(key.privateKeyPem).toBeUndefined()
  expect(JSON.stringify(key)).not.toContain('PRIVATE KEY')
}

describe('/api/key', () => {
  it('generates RS256, ES256 and HS256 keys and shows only public halves', async () => {
    const rsa = await generate('RS256')
    expect(rsa).toMatchObject({ algorithm: 'RS256', type: 'RSA', length: 2048, hasPrivateKey: true })
    expect(rsa.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    const ec = await generate('ES256')
    expect(ec).toMatchObject({ type: 'EC', length: 256 })
    const hmac = await generate('HS256')
    expect(hmac).toMatchObject({ type: 'HMAC', algorithm: 'HS256' })
    // FusionAuth's own HMAC sample has no length, publicKey or hasPrivateKey.
    expect(hmac.publicKey).toBeUndefined()
    for (const key of [rsa, ec, hmac]) expectPublicOnly(key)

    const retrieved = await json<{ key: KeyJson }>(await call(`/api/key/${rsa.id}`))
    expect(retrieved.key).toEqual(rsa)
    const { keys } = await json<{ keys: KeyJson[] }>(await call('/api/key'))
    expect(keys.map((k) => k.id)).toEqual(expect.arrayContaining([rsa.id, ec.id, hmac.id]))
    for (const key of keys) expectPublicOnly(key)
  })

  it('honours the id in the path and an RSA length', async () => {
    const id = crypto.randomUUID()
    const response = await call(`/api/key/generate/${id}`, { body: { key: { algorithm: 'RS256', name: uniqueName('rsa'), length: 3072 } } })
    expect((await json<{ key: KeyJson }>(response)).key).toMatchObject({ id, length: 3072 })
  })

  it('validates the request', async () => {
    expect(await fieldCodes(await call('/api/key/generate', { body: { key: { name: 'x' } } }))).toContain('[blank]key.algorithm')
    expect(await fieldCodes(await call('/api/key/generate', { body: { key: { algorithm: 'none', name: 'x' } } }))).toContain(
      '[invalid]key.algorithm',
    )
    expect(await fieldCodes(await call('/api/key/generate', { body: { key: { algorithm: 'HS256' } } }))).toContain('[blank]key.name')
    expect(await fieldCodes(await call('/api/key/generate', { body: { key: { algorithm: 'RS256', name: 'x', length: 1024 } } }))).toContain(
      '[invalid]key.length',
    )
    const named = await generate('HS256')
    expect(await fieldCodes(await call('/api/key/generate', { body: { key: { algorithm: 'HS256', name: named.name } } }))).toContain(
      '[duplicate]key.name',
    )
    expect(await generalCodes(await call('/api/key/generate', { rawBody: '[' }))).toContain('[invalid]')
    expect(await generalCodes(await call('/api/key/generate', { method: 'POST' }))).toContain('[missing]')
  })

  it('renames a key', async () => {
    const key = await generate('HS256')
    const renamed = await json<{ key: KeyJson }>(
      await call(`/api/key/${key.id}`, { method: 'PUT', body: { key: { name: 'renamed key' } } }),
    )
    expect(renamed.key.name).toBe('renamed key')
    expectPublicOnly(renamed.key)
  })

  it('deletes an unused key, refuses one a tenant or application uses', async () => {
    const unused = await generate('ES256')
    await expectEmpty(await call(`/api/key/${unused.id}`, { method: 'DELETE' }), 200)
    await expectEmpty(await call(`/api/key/${unused.id}`), 404)

    const tenantKey = await generate('HS256')
    const tenant = await createTenant({ jwtConfiguration: { accessTokenKeyId: tenantKey.id } })
    expect(await generalCodes(await call(`/api/key/${tenantKey.id}`, { method: 'DELETE' }))).toContain('[KeyInUse]')
    const appKey = await generate('RS256')
    await createApplication(tenant.id, { jwtConfiguration: { enabled: true, idTokenKeyId: appKey.id } })
    expect(await generalCodes(await call(`/api/key/${appKey.id}`, { method: 'DELETE' }))).toContain('[KeyInUse]')
  })

  it('404s unknown and non-UUID ids; 401s without a key or with a tenant-locked one, reads included', async () => {
    await expectEmpty(await call(`/api/key/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call('/api/key/abc'), 404)
    await expectEmpty(await call(`/api/key/${crypto.randomUUID()}`, { method: 'DELETE' }), 404)
    await expectEmpty(await call('/api/key', { apiKey: null }), 401)
    await expectEmpty(await call('/api/key', { apiKey: 'wrong' }), 401)
    const tenant = await createTenant()
    const { key } = await createApiKey({ tenantId: tenant.id })
    // A global endpoint, as in FusionAuth (fusionauth-issues #3452): no tenant-scoped reads either.
    await expectEmpty(await call('/api/key', { apiKey: key }), 401)
    await expectEmpty(await call('/api/key/generate', { apiKey: key, body: { key: { algorithm: 'HS256', name: uniqueName('x') } } }), 401)
  })
})

describe('public keys', () => {
  it('serves RSA and EC public keys by kid, by application and all together, never HMAC', async () => {
    const rsa = await generate('RS256')
    const hmac = await generate('HS256')
    const byKid = await call(`/api/jwt/public-key?kid=${encodeURIComponent(rsa.kid)}`, { apiKey: null })
    expect((await json<{ publicKey: string }>(byKid)).publicKey).toBe(rsa.publicKey)
    await expectEmpty(await call(`/api/jwt/public-key?kid=${encodeURIComponent(hmac.kid)}`, { apiKey: null }), 404)
    await expectEmpty(await call('/api/jwt/public-key?kid=undefined', { apiKey: null }), 404)

    const all = await json<{ publicKeys: Record<string, string> }>(await call('/api/jwt/public-key', { apiKey: null }))
    expect(all.publicKeys[rsa.kid]).toBe(rsa.publicKey)
    expect(all.publicKeys[hmac.kid]).toBeUndefined()

    const tenant = await createTenant()
    const app = await createApplication(tenant.id, { jwtConfiguration: { enabled: true, accessTokenKeyId: rsa.id } })
    const byApp = await call(`/api/jwt/public-key?applicationId=${app.id}`, { apiKey: null })
    expect((await json<{ publicKey: string }>(byApp)).publicKey).toBe(rsa.publicKey)
    const hmacApp = await createApplication(tenant.id)
    await expectEmpty(await call(`/api/jwt/public-key?applicationId=${hmacApp.id}`, { apiKey: null }), 404)
    await expectEmpty(await call(`/api/jwt/public-key?applicationId=${crypto.randomUUID()}`, { apiKey: null }), 404)
    await expectEmpty(await call('/api/jwt/public-key?applicationId=undefined', { apiKey: null }), 404)
  })

  it('publishes a JWKS of RSA and EC keys only, without private members', async () => {
    const rsa = await generate('RS256')
    const ec = await generate('ES256')
    const hmac = await generate('HS256')
    const response = await call('/.well-known/jwks.json', { apiKey: null })
    expect(response.status).toBe(200)
    const { keys } = await json<{ keys: Record<string, unknown>[] }>(response)
    const byKid = new Map(keys.map((k) => [k.kid, k]))
    expect(byKid.get(rsa.kid)).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' })
    expect(byKid.get(ec.kid)).toMatchObject({ kty: 'EC', alg: 'ES256', crv: 'P-256' })
    expect(byKid.has(hmac.kid)).toBe(false)
    for (const jwk of keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(jwk[secret]).toBeUndefined()
    }
  })
})
