import { beforeAll, describe, expect, it } from 'vitest'
import { generateSigningKey, type SigningAlgorithm, type SigningKeyMaterial } from '../../../src/domain/tokens/signing-key'
import { type KeyResolver, signJwt, verifyJwt } from '../../../src/domain/tokens/jwt'
import { craftHs256, decodeSegment, segment } from './craft'

const NOW = 1_700_000_000
const claims = { exp: NOW + 3600, iat: NOW, iss: 'acme.com', sub: '00000000-0000-4000-8000-000000000001' }

const resolverFor =
  (...keys: SigningKeyMaterial[]): KeyResolver =>
  async (kid) =>
    keys.find((key) => key.kid === kid) ?? null

let hs256: SigningKeyMaterial
let rs256: SigningKeyMaterial
let es256: SigningKeyMaterial

beforeAll(async () => {
  hs256 = await generateSigningKey({ algorithm: 'HS256', name: 'hmac' })
  rs256 = await generateSigningKey({ algorithm: 'RS256', name: 'rsa' })
  es256 = await generateSigningKey({ algorithm: 'ES256', name: 'ec' })
})

describe('sign and verify', () => {
  it.each(['HS256', 'RS256', 'ES256'] as const)('round-trips %s with header {alg, typ, kid} in that order', async (algorithm) => {
    const key = { HS256: () => hs256, RS256: () => rs256, ES256: () => es256 }[algorithm]()
    const token = await signJwt(claims, key)
    expect(Object.keys(decodeSegment(token, 0) as object)).toEqual(['alg', 'typ', 'kid'])
    expect(decodeSegment(token, 0)).toEqual({ alg: algorithm, typ: 'JWT', kid: key.kid })
    const result = await verifyJwt(token, resolverFor(hs256, rs256, es256), NOW)
    expect(result).toEqual({ ok: true, claims, header: { alg: algorithm, typ: 'JWT', kid: key.kid } })
  })

  it.each(['HS384', 'HS512', 'RS384', 'RS512', 'ES384', 'ES512'] as SigningAlgorithm[])('round-trips %s', async (algorithm) => {
    const key = await generateSigningKey({ algorithm, name: algorithm })
    const result = await verifyJwt(await signJwt(claims, key), resolverFor(key), NOW)
    expect(result.ok).toBe(true)
  })

  it('keeps claim order as given and adds iat only when absent', async () => {
    const token = await signJwt({ sub: 's', aud: 'a', exp: NOW + 1 }, hs256, { nowSeconds: NOW })
    expect(Object.keys(decodeSegment(token, 1) as object)).toEqual(['sub', 'aud', 'exp', 'iat'])
    const kept = await signJwt({ iat: 5, exp: NOW + 1 }, hs256, { nowSeconds: NOW })
    expect(decodeSegment(kept, 1)).toEqual({ iat: 5, exp: NOW + 1 })
  })

  it('matches a known-answer HS256 vector (HMAC key = UTF-8 bytes of the Base64 secret, as FusionAuth)', async () => {
    // Computed independently with Node's crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).
    const key: SigningKeyMaterial = {
      id: 'kat',
      kid: 'cdaf79212',
      algorithm: 'HS256',
      name: 'kat',
      secret: 'ZGVmYXVsdC1zaWduaW5nLWtleS1zZWNyZXQtMzItYnl0ZXM=',
    }
    const expected =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImNkYWY3OTIxMiJ9.' +
      'eyJleHAiOjE3MDAwMDM2MDAsImlhdCI6MTcwMDAwMDAwMCwiaXNzIjoiYWNtZS5jb20iLCJzdWIiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEifQ.' +
      '-2kVVYZLXA-YzCU4tNSobE6jkI3DfDt9iA4SoQc_hvk'
    expect(await signJwt(claims, key)).toBe(expected)
    expect((await verifyJwt(expected, resolverFor(key), NOW)).ok).toBe(true)
  })
})

describe('verification refuses', () => {
  it('alg none, with or without a signature, even naming a real kid', async () => {
    const unsigned = `${segment({ alg: 'none', typ: 'JWT', kid: hs256.kid })}.${segment(claims)}.`
    expect(await verifyJwt(unsigned, resolverFor(hs256), NOW)).toEqual({ ok: false, reason: 'algorithm' })
    const signed = await signJwt(claims, hs256)
    const parts = signed.split('.')
    const noneWithSig = `${segment({ alg: 'none', typ: 'JWT', kid: hs256.kid })}.${parts[1]}.${parts[2]}`
    expect(await verifyJwt(noneWithSig, resolverFor(hs256), NOW)).toEqual({ ok: false, reason: 'algorithm' })
    const noneNoKid = `${segment({ alg: 'none' })}.${segment(claims)}.`
    expect(await verifyJwt(noneNoKid, resolverFor(hs256), NOW)).toEqual({ ok: false, reason: 'algorithm' })
  })

  it('an HS256 token whose HMAC secret is the RSA public key PEM (key confusion)', async () => {
    const publicPem = rs256.publicKeyPem ?? ''
    expect(publicPem).toContain('BEGIN PUBLIC KEY')
    const forged = await craftHs256({ alg: 'HS256', typ: 'JWT', kid: rs256.kid }, claims, publicPem)
    expect(await verifyJwt(forged, resolverFor(rs256), NOW)).toEqual({ ok: false, reason: 'algorithm' })
    // The same forgery with the PEM plus a newline, as some libraries read the file.
    const forgedNl = await craftHs256({ alg: 'HS256', typ: 'JWT', kid: rs256.kid }, claims, `${publicPem}\n`)
    expect(await verifyJwt(forgedNl, resolverFor(rs256), NOW)).toEqual({ ok: false, reason: 'algorithm' })
  })

  it('a token whose alg differs from its key (HS384 header on an HS256 key; RS256 header on an ES256 key)', async () => {
    const hs384 = await craftHs256({ alg: 'HS384', typ: 'JWT', kid: hs256.kid }, claims, hs256.secret ?? '')
    expect(await verifyJwt(hs384, resolverFor(hs256), NOW)).toEqual({ ok: false, reason: 'algorithm' })
    const esToken = await signJwt(claims, es256)
    const [, payload, signature] = esToken.split('.')
    const relabelled = `${segment({ alg: 'RS256', typ: 'JWT', kid: es256.kid })}.${payload}.${signature}`
    expect(await verifyJwt(relabelled, resolverFor(es256), NOW)).toEqual({ ok: false, reason: 'algorithm' })
  })

  it('a tampered payload, and a tampered signature', async () => {
    for (const key of [hs256, rs256, es256]) {
      const [header, , signature] = (await signJwt(claims, key)).split('.')
      const tampered = `${header}.${segment({ ...claims, sub: 'someone-else' })}.${signature}`
      expect(await verifyJwt(tampered, resolverFor(key), NOW)).toEqual({ ok: false, reason: 'bad-signature' })
    }
    const token = await signJwt(claims, hs256)
    // The second-to-last character carries only signature bits (the last one also carries padding bits).
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.slice(-1)
    expect(await verifyJwt(flipped, resolverFor(hs256), NOW)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('a correctly signed token with another HMAC key under the same kid', async () => {
    const other = await generateSigningKey({ algorithm: 'HS256', name: 'other' })
    const token = await signJwt(claims, { ...other, kid: hs256.kid })
    expect(await verifyJwt(token, resolverFor(hs256), NOW)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('an expired token (exp <= now), and a token not yet valid (nbf > now)', async () => {
    const token = await signJwt(claims, rs256)
    expect((await verifyJwt(token, resolverFor(rs256), claims.exp - 1)).ok).toBe(true)
    expect(await verifyJwt(token, resolverFor(rs256), claims.exp)).toEqual({ ok: false, reason: 'expired' })
    expect(await verifyJwt(token, resolverFor(rs256), claims.exp + 86_400)).toEqual({ ok: false, reason: 'expired' })
    const early = await signJwt({ ...claims, nbf: NOW + 60 }, hs256)
    expect(await verifyJwt(early, resolverFor(hs256), NOW)).toEqual({ ok: false, reason: 'expired' })
  })

  it('an unknown or missing kid, and a key without the half that verifies', async () => {
    const token = await signJwt(claims, hs256)
    expect(await verifyJwt(token, resolverFor(rs256), NOW)).toEqual({ ok: false, reason: 'unknown-key' })
    const noKid = await craftHs256({ alg: 'HS256', typ: 'JWT' }, claims, hs256.secret ?? '')
    expect(await verifyJwt(noKid, resolverFor(hs256), NOW)).toEqual({ ok: false, reason: 'unknown-key' })
    const publicOnly: SigningKeyMaterial = { id: hs256.id, kid: hs256.kid, algorithm: 'HS256', name: 'no secret' }
    expect(await verifyJwt(token, resolverFor(publicOnly), NOW)).toEqual({ ok: false, reason: 'unknown-key' })
  })

  it('malformed input', async () => {
    const resolve = resolverFor(hs256)
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', '!!!.@@@.###', `${segment('str')}.${segment(claims)}.x`]) {
      expect(await verifyJwt(bad, resolve, NOW)).toEqual({ ok: false, reason: 'malformed' })
    }
    // A validly signed token whose payload is not a JSON object.
    const arrayPayload = await craftHs256({ alg: 'HS256', typ: 'JWT', kid: hs256.kid }, [1, 2], hs256.secret ?? '')
    expect(await verifyJwt(arrayPayload, resolve, NOW)).toEqual({ ok: false, reason: 'malformed' })
  })
})
