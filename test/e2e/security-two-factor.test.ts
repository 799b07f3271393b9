import { describe, expect, it } from 'vitest'
import { NO_ID, client, createFixture, ok, rejection, unique } from './support'
import { Authenticator, emailedCode, outboxSequence } from './two-factor-codes'

/** Issue 8 through the official client: the two-factor application switch (defect 4) and the tenant rate limits. */
describe('two-factor security through the official client', () => {
  it('refuses to complete a login into an application that requires an API key (401) when the client has none', async () => {
    // The fixture's application requires an API key for login (FusionAuth's default); a second one is open.
    // The client sends twoFactorLogin without its API key, so through it only an open application can be switched to.
    const { api, userId, email, password, applicationId: lockedId, tenantId } = await createFixture()
    const open = await ok(
      api.createApplication(NO_ID, { application: { name: `open-${unique()}`, loginConfiguration: { requireAuthentication: false } } }),
    )
    const openId = open.application?.id ?? ''
    await ok(api.register(userId, { registration: { applicationId: openId }, skipVerification: true }))
    const secret = await ok(api.generateTwoFactorSecret())
    const authenticator = new Authenticator(secret.secret ?? '')
    await ok(api.enableTwoFactor(userId, { method: 'authenticator', code: await authenticator.nextCode(), secret: secret.secret ?? '' }))

    const anonymous = client('', tenantId)
    const challenge = await ok(anonymous.login({ loginId: email, password, applicationId: openId }), 242)
    const twoFactorId = challenge.twoFactorId ?? ''
    const switched = await rejection(
      anonymous.twoFactorLogin({ twoFactorId, code: await authenticator.peekCode(), applicationId: lockedId }),
    )
    expect(switched.statusCode).toBe(401)

    // Nothing was spent: the completion into the application of the password step still works.
    const completed = await ok(anonymous.twoFactorLogin({ twoFactorId, code: await authenticator.nextCode(), applicationId: openId }))
    expect(completed.user?.id).toBe(userId)
  })

  it('answers 429 to sendTwoFactorCodeForLoginUsingMethod past the tenant sendTwoFactor limit', async () => {
    const { api, userId, email, password, applicationId, tenantId } = await createFixture()
    await ok(
      api.patchTenant(tenantId, {
        tenant: { rateLimitConfiguration: { sendTwoFactor: { enabled: true, limit: 3, timePeriodInSeconds: 600 } } },
      }),
    )
    const tenant = await ok(api.retrieveTenant(tenantId))
    expect(tenant.tenant?.rateLimitConfiguration?.sendTwoFactor).toEqual({ enabled: true, limit: 3, timePeriodInSeconds: 600 })

    // The enabling code is the user's first send of three.
    const codeAddress = `mfa-${unique()}@example.com`
    const before = await outboxSequence(codeAddress)
    await ok(api.sendTwoFactorCodeForEnableDisable({ userId, method: 'email', email: codeAddress }))
    await ok(api.enableTwoFactor(userId, { method: 'email', email: codeAddress, code: await emailedCode(codeAddress, before) }))

    const challenge = await ok(api.login({ loginId: email, password, applicationId }), 242)
    const methodId = challenge.methods?.find((m) => m.method === 'email')?.id ?? ''
    const anonymous = client('', tenantId)
    for (let i = 0; i < 2; i++)
      expect((await anonymous.sendTwoFactorCodeForLoginUsingMethod(challenge.twoFactorId ?? '', { methodId })).statusCode).toBe(200)
    const limited = await rejection(anonymous.sendTwoFactorCodeForLoginUsingMethod(challenge.twoFactorId ?? '', { methodId }))
    expect(limited.statusCode).toBe(429)
    expect(limited.exception).toBeUndefined()
  })
})
