import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { RefreshTokenStore } from '../../src/store/refresh-token-store'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'

/** A user with two refresh tokens from two logins. */
async function twoSessions() {
  const tenant = await createTenant()
  const application = await createApplication(tenant.id, { loginConfiguration: { generateRefreshTokens: true } })
  const email = uniqueEmail()
  const user = await createUser({
    tenantId: tenant.id,
    email,
    password: 'correct horse battery',
    registrations: [{ applicationId: application.id }],
  })
  const login = async () =>
    (
      await json<{ refreshToken: string }>(
        await call('/api/login', {
          method: 'POST',
          body: { applicationId: application.id, loginId: email, password: 'correct horse battery' },
        }),
      )
    ).refreshToken
  return { user, first: await login(), second: await login() }
}

const tokensOf = (userId: string) => new RefreshTokenStore(env.DB).listForUser(userId)

async function expectCleared(response: Response): Promise<void> {
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBeNull()
  expect(await response.text()).toBe('')
  const cookies = response.headers.getSetCookie()
  expect(cookies.find((c) => c.startsWith('access_token=;'))).toMatch(/Max-Age=0/)
  expect(cookies.find((c) => c.startsWith('refresh_token=;'))).toMatch(/Max-Age=0/)
}

describe('POST /api/logout', () => {
  it('revokes the refresh token from the JSON body', async () => {
    const { user, first } = await twoSessions()
    await expectCleared(await call('/api/logout', { method: 'POST', apiKey: null, body: { refreshToken: first } }))
    expect(await tokensOf(user.id)).toHaveLength(1)
  })

  it('revokes every token of the owner with global=true', async () => {
    const { user, first } = await twoSessions()
    await expectCleared(
      await call(`/api/logout?global=true&refreshToken=${first}`, {
        method: 'POST',
        apiKey: null,
        headers: { 'Content-Type': 'text/plain' },
      }),
    )
    expect(await tokensOf(user.id)).toHaveLength(0)
  })

  it('takes the body over the query and the query over the cookie', async () => {
    const { user, first, second } = await twoSessions()
    await call(`/api/logout?refreshToken=${second}`, {
      method: 'POST',
      apiKey: null,
      body: { refreshToken: first },
      headers: { Cookie: `refresh_token=${second}` },
    })
    expect((await tokensOf(user.id)).length).toBe(1)
    expect(await new RefreshTokenStore(env.DB).findByToken(second)).not.toBeNull()
    await call(`/api/logout?refreshToken=${second}`, { method: 'POST', apiKey: null, headers: { Cookie: 'refresh_token=unknown' } })
    expect(await tokensOf(user.id)).toHaveLength(0)
  })

  it('revokes the refresh_token cookie when nothing else names a token', async () => {
    const { user, first } = await twoSessions()
    await expectCleared(await call('/api/logout', { method: 'POST', apiKey: null, headers: { Cookie: `refresh_token=${first}` } }))
    expect(await tokensOf(user.id)).toHaveLength(1)
  })

  it("answers 200 to the official client's text/plain logout with refreshToken=undefined, revoking nothing", async () => {
    const { user } = await twoSessions()
    await expectCleared(
      await call('/api/logout?global=true&refreshToken=undefined', {
        method: 'POST',
        apiKey: null,
        rawBody: '',
        headers: { 'Content-Type': 'text/plain' },
      }),
    )
    expect(await tokensOf(user.id)).toHaveLength(2)
  })

  it('ignores unknown tokens and answers 200 with nothing at all', async () => {
    await expectCleared(await call('/api/logout', { method: 'POST', apiKey: null, body: { refreshToken: 'no-such-token', global: true } }))
    await expectCleared(await call('/api/logout', { method: 'POST', apiKey: null }))
  })

  it('answers malformed JSON with 400, never 500', async () => {
    const response = await call('/api/logout', { method: 'POST', apiKey: null, rawBody: '{"refreshToken":' })
    expect(response.status).toBe(400)
    const wrongType = await call('/api/logout', { method: 'POST', apiKey: null, body: { refreshToken: 7 } })
    expect(wrongType.status).toBe(400)
  })
})
