import { describe, expect, it } from 'vitest'
import { client, createFixture, ok, rejection, unique } from './support'
import { Authenticator, emailedCode, outboxSequence, totpCode } from './two-factor-codes'

describe('two-factor login through the official client', () => {
  it('the test authenticator matches RFC 6238 (SHA-1, T = 59 s)', async () => {
    const rfcKey = new TextEncoder().encode('12345678901234567890')
    // RFC 6238 Appendix B lists 94287082 for 8 digits; FusionAuth uses the last 6.
    expect(await totpCode(rfcKey, 1)).toBe('287082')
  })

  it('enables an authenticator, challenges with 242, completes with trust, and honours the trust id', async () => {
    const fixture = await createFixture()
    const { api, userId, email, password, applicationId, tenantId } = fixture
    const secret = await ok(api.generateTwoFactorSecret())
    expect(secret.secret).toEqual(expect.any(String))
    expect(secret.secretBase32Encoded).toMatch(/^[A-Z2-7]+=*$/)
    const authenticator = new Authenticator(secret.secret ?? '')

    const enabled = await ok(
      api.enableTwoFactor(userId, { method: 'authenticator', code: await authenticator.nextCode(), secret: secret.secret ?? '' }),
    )
    // The first method brings recovery codes.
    expect(enabled.recoveryCodes?.length).toBe(10)

    const challenge = await ok(api.login({ loginId: email, password, applicationId }), 242)
    expect(challenge.token).toBeUndefined()
    const twoFactorId = challenge.twoFactorId ?? ''
    expect(twoFactorId.length).toBeGreaterThan(0)
    const authenticatorMethod = challenge.methods?.find((m) => m.method === 'authenticator')
    expect(authenticatorMethod?.id).toEqual(expect.any(String))

    // twoFactorLogin is anonymous in the client.
    const anonymous = client('', tenantId)
    const wrong = await rejection(anonymous.twoFactorLogin({ twoFactorId, code: await authenticator.wrongCode(), applicationId }))
    expect(wrong.statusCode).toBe(421)
    expect(wrong.exception).toBeUndefined()

    const completed = await ok(
      anonymous.twoFactorLogin({ twoFactorId, code: await authenticator.nextCode(), trustComputer: true, applicationId }),
    )
    expect(completed.user?.id).toBe(userId)
    expect(completed.token).toEqual(expect.any(String))
    const twoFactorTrustId = completed.twoFactorTrustId ?? ''
    expect(twoFactorTrustId.length).toBeGreaterThan(0)
    // The twoFactorId was spent: even a valid code gets 404.
    expect(
      (await rejection(anonymous.twoFactorLogin({ twoFactorId, code: await authenticator.peekCode(), applicationId }))).statusCode,
    ).toBe(404)

    const trusted = await ok(api.login({ loginId: email, password, applicationId, twoFactorTrustId }))
    expect(trusted.user?.id).toBe(userId)
    expect(trusted.token).toEqual(expect.any(String))
    // Without the trust id the challenge comes back.
    await ok(api.login({ loginId: email, password, applicationId }), 242)

    await ok(api.disableTwoFactor(userId, authenticatorMethod?.id ?? '', await authenticator.nextCode()))
    const plain = await ok(api.login({ loginId: email, password, applicationId }))
    expect(plain.token).toEqual(expect.any(String))
    const user = await ok(api.retrieveUser(userId))
    expect(user.user?.twoFactor?.methods ?? []).toEqual([])
  })

  it('sends an email code for a pending login (200, no body) and completes the login with it', async () => {
    const { api, userId, email, password, applicationId, tenantId } = await createFixture()
    const codeAddress = `mfa-${unique()}@example.com`

    let before = await outboxSequence(codeAddress)
    await ok(api.sendTwoFactorCodeForEnableDisable({ userId, method: 'email', email: codeAddress }))
    await ok(api.enableTwoFactor(userId, { method: 'email', email: codeAddress, code: await emailedCode(codeAddress, before) }))

    const challenge = await ok(api.login({ loginId: email, password, applicationId }), 242)
    const twoFactorId = challenge.twoFactorId ?? ''
    const emailMethod = challenge.methods?.find((m) => m.method === 'email')
    expect(emailMethod?.email).toEqual(expect.any(String))

    const anonymous = client('', tenantId)
    before = await outboxSequence(codeAddress)
    const sent = await anonymous.sendTwoFactorCodeForLoginUsingMethod(twoFactorId, { methodId: emailMethod?.id ?? '' })
    expect(sent.statusCode).toBe(200)
    expect(sent.response).toBeUndefined()
    const completed = await ok(anonymous.twoFactorLogin({ twoFactorId, code: await emailedCode(codeAddress, before), applicationId }))
    expect(completed.user?.id).toBe(userId)
    expect(completed.token).toEqual(expect.any(String))

    // Disabling an email method takes a code sent for that method.
    before = await outboxSequence(codeAddress)
    await ok(api.sendTwoFactorCodeForEnableDisable({ userId, methodId: emailMethod?.id ?? '' }))
    const disabled = await api.disableTwoFactor(userId, emailMethod?.id ?? '', await emailedCode(codeAddress, before))
    expect(disabled.statusCode).toBe(200)
    expect(disabled.response).toBeUndefined()
    await ok(api.login({ loginId: email, password, applicationId }))
  })

  it('rejects a send for an unknown twoFactorId with 404', async () => {
    const failure = await rejection(client('').sendTwoFactorCodeForLoginUsingMethod(`unknown-${unique()}`, { methodId: 'ABCD' }))
    expect(failure.statusCode).toBe(404)
  })
})
