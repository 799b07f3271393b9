import { importJWK, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { jsonWebKeySet, publicKeysByKid, toJwk } from '../../../src/domain/tokens/jwks'
import { signJwt } from '../../../src/domain/tokens/jwt'
import { toKeyResponse } from '../../../src/domain/tokens/key-response'
import { generateSigningKey, type SigningKeyMaterial } from '../../../src/domain/tokens/signing-key'

const NOW = 1_700_000_000
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

let hs256: SigningKeyMaterial
let rs256: SigningKeyMaterial
let es256: SigningKeyMaterial
let es384: SigningKeyMaterial

beforeAll(async () => {
  hs256 = await generateSigningKey({ algorithm: 'HS256', name: 'Default signing key' })
  rs256 = await generateSigningKey({ algorithm: 'RS256', name: 'rsa' })
  es256 = await generateSigningKey({ algorithm: 'ES256', name: 'ec' })
  es384 = await generateSigningKey({ algorithm: 'ES384', name: 'ec384' })
})

describe('JWKS', () => {
  it('lists RSA and EC keys with the right kty/crv, no private members and no HMAC keys', async () => {
    const { keys } = await jsonWebKeySet([hs256, rs256, es256, es384])
    expect(keys.map((jwk) => jwk.kid)).toEqual([rs256.kid, es256.kid, es384.kid])
    const [rsa, ec, ec384] = keys
    expect(rsa).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: rs256.kid, e: 'AQAB' })
    expect(Object.keys(rsa ?? {})).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use'])
    expect(ec).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: es256.kid })
    expect(Object.keys(ec ?? {})).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
    expect(ec384).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384' })
    for (const jwk of keys) {
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member)
    }
    const serialized = JSON.stringify(keys)
    expect(serialized).not.toContain(hs256.secret ?? 'x')
    expect(serialized).not.toContain(hs256.kid)
  })

  it('RSA modulus is 2048 bits (256 bytes)', async () => {
    const jwk = await toJwk(rs256)
    expect(jwk?.kty).toBe('RSA')
    if (jwk?.kty === 'RSA') expect(atob(jwk.n.replace(/-/g, '+').replace(/_/g, '/')).length).toBe(256)
  })

  it('toJwk returns null for HMAC keys and keys without a public PEM', async () => {
    expect(await toJwk(hs256)).toBeNull()
    expect(await toJwk({ id: rs256.id, kid: rs256.kid, algorithm: 'RS256' })).toBeNull()
  })

  it.each(['RS256', 'ES256'] as const)("jose's own importJWK of the %s JWK verifies a token we signed", async (algorithm) => {
    const key = algorithm === 'RS256' ? rs256 : es256
    const jwk = await toJwk(key)
    if (jwk === null) throw new Error('expected a JWK')
    const publicKey = await importJWK(jwk, jwk.alg)
    const token = await signJwt({ sub: 'u', exp: NOW + 60 }, key)
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, { currentDate: new Date(NOW * 1000) })
    expect(payload.sub).toBe('u')
    expect(protectedHeader.kid).toBe(jwk.kid)
    // And a token from another key of the same algorithm does not verify with it.
    const other = await generateSigningKey({ algorithm, name: 'other' })
    await expect(jwtVerify(await signJwt({ sub: 'u' }, other), publicKey)).rejects.toThrow()
  })
})

describe('public keys by kid', () => {
  it('maps each RSA/EC kid to its SPKI PEM and leaves HMAC keys out', () => {
    const { publicKeys } = publicKeysByKid([hs256, rs256, es256])
    expect(Object.keys(publicKeys).sort()).toEqual([rs256.kid, es256.kid].sort())
    expect(publicKeys[rs256.kid]).toBe(rs256.publicKeyPem)
    expect(publicKeys[es256.kid]).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----$/)
    expect(JSON.stringify(publicKeys)).not.toContain('PRIVATE')
  })
})

describe('Key API view', () => {
  it('HMAC: FusionAuth sample shape, no secret, no length or publicKey', async () => {
    const response = await toKeyResponse({ ...hs256, insertInstant: 1562171137000 })
    expect(response).toEqual({
      algorithm: 'HS256',
      id: hs256.id,
      insertInstant: 1562171137000,
      kid: hs256.kid,
      lastUpdateInstant: 1562171137000,
      name: 'Default signing key',
      type: 'HMAC',
    })
    expect(Object.keys(response)).toEqual([...Object.keys(response)].sort())
    expect(JSON.stringify(response)).not.toContain(hs256.secret ?? 'x')
  })

  it('RSA and EC: type, length, publicKey, hasPrivateKey; never the private key', async () => {
    const rsa = await toKeyResponse(rs256)
    expect(rsa).toEqual({
      algorithm: 'RS256',
      hasPrivateKey: true,
      id: rs256.id,
      kid: rs256.kid,
      length: 2048,
      name: 'rsa',
      publicKey: rs256.publicKeyPem,
      type: 'RSA',
    })
    expect(Object.keys(rsa)).toEqual([...Object.keys(rsa)].sort())
    expect(JSON.stringify(rsa)).not.toContain('PRIVATE KEY')
    const ec = await toKeyResponse({ ...es384, hasPrivateKey: false, insertInstant: 1, lastUpdateInstant: 2 })
    expect(ec).toMatchObject({ type: 'EC', length: 384, hasPrivateKey: false, insertInstant: 1, lastUpdateInstant: 2 })
    expect(JSON.stringify(ec)).not.toContain('PRIVATE KEY')
  })

  it('reports a 3072-bit RSA length', async () => {
    const big = await generateSigningKey({ algorithm: 'RS384', name: 'big', length: 3072 })
    expect((await toKeyResponse(big)).length).toBe(3072)
  })
})
