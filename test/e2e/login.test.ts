import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { KeyAlgorithm } from '@fusionauth/typescript-client'
import { describe, expect, it } from 'vitest'
import { NO_ID, client, createFixture, fieldCode, ok, rejection, unique } from './support'

/** An ES256 signing key (fast to generate), so tokens verify against the public JWKS. */
async function createEs256Key(): Promise<{ id: string; kid: string }> {
  const generated = await ok(client().generateKey(NO_ID, { key: { algorithm: KeyAlgorithm.ES256, name: `e2e-es256-${unique()}` } }))
  return { id: generated.key?.id ?? '', kid: generated.key?.kid ?? '' }
}

describe('POST /api/login through the official client', () => {
  it('logs in with 200, a token that verifies against the JWKS, a refresh token and the user', async () => {
    const key = await createEs256Key()
    const fixture = await createFixture({
      application: {
        jwtConfiguration: { enabled: true, accessTokenKeyId: key.id, timeToLiveInSeconds: 600, refreshTokenTimeToLiveInMinutes: 60 },
      },
    })

    const login = await ok(fixture.api.login({ loginId: fixture.email, password: fixture.password, applicationId: fixture.applicationId }))
    expect(login.user?.id).toBe(fixture.userId)
    expect(login.user?.email).toBe(fixture.email)
    expect(login.user?.password).toBeUndefined()
    expect(login.refreshToken).toEqual(expect.any(String))
    expect(login.tokenExpirationInstant).toBeGreaterThan(Date.now())
    const token = login.token ?? ''
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: key.kid })

    const jwks = await ok(client().retrieveJsonWebKeySet())
    const kids = (jwks.keys ?? []).map((jwk) => jwk.kid)
    expect(kids).toContain(key.kid)
    // jose checks the signature with the key the JWKS publishes under the token's kid.
    const verified = await jwtVerify(token, createLocalJWKSet({ keys: (jwks.keys ?? []).map((jwk) => ({ ...jwk })) }))
    expect(verified.payload).toMatchObject({
      sub: fixture.userId,
      aud: fixture.applicationId,
      applicationId: fixture.applicationId,
      roles: ['user'],
    })

    const publicKeys = await ok(client().retrieveJWTPublicKeys())
    expect(publicKeys.publicKeys?.[key.kid]).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    const byApplication = await ok(client().retrieveJWTPublicKeyByApplicationId(fixture.applicationId))
    expect(byApplication.publicKey).toBe(publicKeys.publicKeys?.[key.kid])
  })

  it('answers an unknown loginId and a wrong password alike: an empty 404', async () => {
    const fixture = await createFixture()
    const unknown = await rejection(
      fixture.api.login({ loginId: `nobody-${unique()}@example.com`, password: fixture.password, applicationId: fixture.applicationId }),
    )
    expect(unknown.statusCode).toBe(404)
    expect(unknown.exception).toBeUndefined()
    const wrong = await rejection(
      fixture.api.login({ loginId: fixture.email, password: `${fixture.password}!`, applicationId: fixture.applicationId }),
    )
    expect(wrong.statusCode).toBe(404)
    expect(wrong.exception).toBeUndefined()
  })

  it('answers 202 with a token and the user when the user is not registered for the application', async () => {
    const fixture = await createFixture({ register: false })
    const login = await ok(
      fixture.api.login({ loginId: fixture.email, password: fixture.password, applicationId: fixture.applicationId }),
      202,
    )
    expect(login.user?.id).toBe(fixture.userId)
    expect(login.token).toEqual(expect.any(String))
  })

  it('changes a password by identity: the old one stops working, the new one logs in', async () => {
    const fixture = await createFixture()
    const newPassword = `new password ${unique()}`
    const changed = await fixture.api.changePasswordByIdentity({
      loginId: fixture.email,
      currentPassword: fixture.password,
      password: newPassword,
    })
    expect(changed.statusCode).toBe(200)

    const old = await rejection(
      fixture.api.login({ loginId: fixture.email, password: fixture.password, applicationId: fixture.applicationId }),
    )
    expect(old.statusCode).toBe(404)
    const login = await ok(fixture.api.login({ loginId: fixture.email, password: newPassword, applicationId: fixture.applicationId }))
    expect(login.user?.id).toBe(fixture.userId)
  })

  it('forgot password -> change password by id -> one-time password -> login, each id usable once', async () => {
    const fixture = await createFixture()
    const forgot = await ok(
      fixture.api.forgotPassword({ loginId: fixture.email, sendForgotPasswordEmail: false, applicationId: fixture.applicationId }),
    )
    const changePasswordId = forgot.changePasswordId ?? ''
    expect(changePasswordId.length).toBeGreaterThan(0)

    // changePassword is anonymous in the client: no API key goes out.
    const anonymous = client('', fixture.tenantId)
    const newPassword = `reset password ${unique()}`
    const changed = await ok(anonymous.changePassword(changePasswordId, { password: newPassword }))
    const oneTimePassword = changed.oneTimePassword ?? ''
    expect(oneTimePassword.length).toBeGreaterThan(0)
    expect((await rejection(anonymous.changePassword(changePasswordId, { password: `${newPassword} again` }))).statusCode).toBe(404)

    const login = await ok(fixture.api.login({ oneTimePassword, applicationId: fixture.applicationId }))
    expect(login.user?.id).toBe(fixture.userId)
    expect(login.token).toEqual(expect.any(String))
    const replay = await rejection(fixture.api.login({ oneTimePassword, applicationId: fixture.applicationId }))
    // A spent (or unknown) one-time password is a validation error in FusionAuth, not a 404.
    expect(replay.statusCode).toBe(400)
    expect(fieldCode(replay, 'oneTimePassword')).toBe('[invalid]oneTimePassword')

    const withNewPassword = await ok(
      fixture.api.login({ loginId: fixture.email, password: newPassword, applicationId: fixture.applicationId }),
    )
    expect(withNewPassword.user?.id).toBe(fixture.userId)
  })

  it('exchanges a refresh token for a new JWT and validates it', async () => {
    const fixture = await createFixture()
    const login = await ok(fixture.api.login({ loginId: fixture.email, password: fixture.password, applicationId: fixture.applicationId }))

    const refreshed = await ok(
      client('', fixture.tenantId).exchangeRefreshTokenForJWT({ refreshToken: login.refreshToken ?? '', token: login.token ?? '' }),
    )
    expect(refreshed.token).toEqual(expect.any(String))
    expect(refreshed.token).not.toBe(login.token)
    expect(refreshed.refreshToken).toEqual(expect.any(String))

    const validated = await ok(client().validateJWT(refreshed.token ?? ''))
    expect(validated.jwt).toMatchObject({ sub: fixture.userId, aud: fixture.applicationId, applicationId: fixture.applicationId })

    const invalid = await rejection(client().validateJWT(`${refreshed.token ?? ''}x`))
    expect(invalid.statusCode).toBe(401)
    const unknownRefresh = await rejection(client('', fixture.tenantId).exchangeRefreshTokenForJWT({ refreshToken: `unknown-${unique()}` }))
    expect(unknownRefresh.statusCode).toBe(400)
    expect(fieldCode(unknownRefresh, 'refreshToken')).toBe('[invalid]refreshToken')
  })
})
