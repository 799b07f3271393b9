import { describe, expect, it } from 'vitest'
import { type AccessTokenInput, buildAccessTokenClaims } from '../../../src/domain/tokens/access-token'
import { generateSigningKey } from '../../../src/domain/tokens/signing-key'
import { signJwt, verifyJwt } from '../../../src/domain/tokens/jwt'
import { decodeSegment } from './craft'

const NOW = 1_591_656_321
const USER_ID = '84846873-89d2-44f8-91e9-dac80f420cb2'
const APP_ID = '861f5558-34a8-43e4-ab50-317bdcd47671'
const TENANT_ID = '30663132-6464-6665-3032-326466613934'
const REFRESH_ID = 'd5e9d4b2-0c0e-4c4e-9a4e-1a3b1b2c3d4e'
const JTI = '0f2a1c9e-7b7e-4a5e-8a0a-3d6c2b1e4f5a'

const base = (overrides: Partial<AccessTokenInput> = {}): AccessTokenInput => ({
  user: { id: USER_ID, email: 'ckempton@example.com', verified: true, username: 'ckempton' },
  tenantId: TENANT_ID,
  issuer: 'acme.com',
  registered: false,
  authenticationType: 'PASSWORD',
  nowSeconds: NOW,
  ttlSeconds: 3600,
  jti: JTI,
  ...overrides,
})

describe('buildAccessTokenClaims', () => {
  it('registered user with a refresh token: every claim, in FusionAuth order', () => {
    const { claims, tokenExpirationInstant } = buildAccessTokenClaims(
      base({ applicationId: APP_ID, registered: true, roles: ['user', 'admin', 'user'], sessionId: REFRESH_ID, authTimeSeconds: NOW - 10 }),
    )
    expect(Object.keys(claims)).toEqual([
      'aud',
      'exp',
      'iat',
      'iss',
      'sub',
      'jti',
      'authenticationType',
      'email',
      'email_verified',
      'preferred_username',
      'applicationId',
      'roles',
      'auth_time',
      'tid',
      'sid',
    ])
    expect(claims).toEqual({
      aud: APP_ID,
      exp: NOW + 3600,
      iat: NOW,
      iss: 'acme.com',
      sub: USER_ID,
      jti: JTI,
      authenticationType: 'PASSWORD',
      email: 'ckempton@example.com',
      email_verified: true,
      preferred_username: 'ckempton',
      applicationId: APP_ID,
      roles: ['admin', 'user'],
      auth_time: NOW - 10,
      tid: TENANT_ID,
      sid: REFRESH_ID,
    })
    expect(tokenExpirationInstant).toBe((NOW + 3600) * 1000)
  })

  it('no application: no aud, applicationId or roles (issue #1991 shape)', () => {
    const { claims } = buildAccessTokenClaims(base({ user: { id: USER_ID, email: 'a@b.c', verified: false } }))
    expect(Object.keys(claims)).toEqual([
      'exp',
      'iat',
      'iss',
      'sub',
      'jti',
      'authenticationType',
      'email',
      'email_verified',
      'auth_time',
      'tid',
    ])
    expect(claims.email_verified).toBe(false)
    expect(claims.auth_time).toBe(NOW)
  })

  it('application given but user not registered: aud only', () => {
    const { claims } = buildAccessTokenClaims(base({ applicationId: APP_ID, registered: false, roles: ['admin'] }))
    expect(claims.aud).toBe(APP_ID)
    expect('applicationId' in claims).toBe(false)
    expect('roles' in claims).toBe(false)
  })

  it('registered without roles: roles is an empty array; no sid without a refresh token', () => {
    const { claims } = buildAccessTokenClaims(base({ applicationId: APP_ID, registered: true }))
    expect(claims.applicationId).toBe(APP_ID)
    expect(claims.roles).toEqual([])
    expect('sid' in claims).toBe(false)
  })

  it('registered=true without an application id adds no applicationId/roles', () => {
    const { claims } = buildAccessTokenClaims(base({ registered: true, roles: ['x'] }))
    expect('applicationId' in claims).toBe(false)
    expect('roles' in claims).toBe(false)
  })

  it('leaves out email and preferred_username when the user has none; roles sort by UTF-16 code unit', () => {
    const { claims } = buildAccessTokenClaims(
      base({ user: { id: USER_ID, verified: true }, applicationId: APP_ID, registered: true, roles: ['b', 'B', 'a', 'Z', 'é'] }),
    )
    expect('email' in claims).toBe(false)
    expect('preferred_username' in claims).toBe(false)
    expect(claims.roles).toEqual(['B', 'Z', 'a', 'b', 'é'])
  })

  it('generates a fresh UUID jti when none is given', () => {
    const input = base()
    delete input.jti
    const first = buildAccessTokenClaims(input).claims.jti
    const second = buildAccessTokenClaims(input).claims.jti
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(first).not.toBe(second)
  })

  it('signs into a token whose payload keeps the claim order and verifies until exp', async () => {
    const key = await generateSigningKey({ algorithm: 'HS256', name: 'claims' })
    const { claims } = buildAccessTokenClaims(base({ applicationId: APP_ID, registered: true, roles: ['admin'] }))
    const token = await signJwt(claims, key, { nowSeconds: NOW })
    expect(JSON.stringify(decodeSegment(token, 1))).toBe(JSON.stringify(claims))
    const resolve = async (kid: string) => (kid === key.kid ? key : null)
    expect(await verifyJwt(token, resolve, NOW + 3599)).toMatchObject({ ok: true, claims: { sub: USER_ID, roles: ['admin'] } })
    expect(await verifyJwt(token, resolve, NOW + 3600)).toEqual({ ok: false, reason: 'expired' })
  })
})
