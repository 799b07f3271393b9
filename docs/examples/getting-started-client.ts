import { FusionAuthClient } from '@fusionauth/typescript-client'

/**
 * The getting-started walkthrough with the official client. `codeFor` stands in for the authenticator app: it returns
 * the current TOTP code for a secret (test/e2e/getting-started.test.ts passes one that computes it).
 */
export async function gettingStartedWithTheClient(url: string, apiKey: string, codeFor: (secret: string) => Promise<string>) {
  const admin = new FusionAuthClient(apiKey, url)
  const { tenant } = (await admin.createTenant(null as unknown as string, { tenant: { name: 'Hooli' } })).response
  const client = new FusionAuthClient(apiKey, url, tenant?.id)

  const { application } = (
    await client.createApplication(null as unknown as string, {
      application: {
        name: 'Hooli',
        roles: [{ name: 'admin' }, { name: 'user', isDefault: true }],
        loginConfiguration: { generateRefreshTokens: true, allowTokenRefresh: true, requireAuthentication: true },
      },
    })
  ).response
  const applicationId = application?.id ?? ''
  const email = 'gavin@hooli.example'
  const password = 'correct horse battery staple'
  const { user } = (
    await client.register(null as unknown as string, {
      user: { email, password, firstName: 'Gavin' },
      registration: { applicationId, roles: ['admin'] },
      skipVerification: true,
    })
  ).response
  const userId = user?.id ?? ''

  const login = await client.login({ loginId: email, password, applicationId })

  const { secret } = (await client.generateTwoFactorSecret()).response
  await client.enableTwoFactor(userId, { method: 'authenticator', secret: secret ?? '', code: await codeFor(secret ?? '') })
  const challenge = await client.login({ loginId: email, password, applicationId })
  const completed = await client.twoFactorLogin({
    twoFactorId: challenge.response.twoFactorId ?? '',
    code: await codeFor(secret ?? ''),
    applicationId,
  })

  const refreshed = await client.exchangeRefreshTokenForJWT({ refreshToken: completed.response.refreshToken ?? '' })

  // Login records arrive through a queue within about a second.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const { total } = (await admin.searchLoginRecords({ retrieveTotal: true, search: { userId } })).response

  return {
    loginStatus: login.statusCode,
    challengeStatus: challenge.statusCode,
    completedStatus: completed.statusCode,
    refreshed: refreshed.response.token !== undefined,
    records: total,
  }
}
