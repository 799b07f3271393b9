import ClientResponse from '@fusionauth/typescript-client/build/src/ClientResponse'
import DefaultRESTClientBuilder from '@fusionauth/typescript-client/build/src/DefaultRESTClientBuilder'
import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { NO_ID, client, createFixture, fieldCode, host, ok, rejection, superuserKey, unique } from './support'
import { eventually } from '../support/eventually'

/**
 * What a JavaScript caller passes when it leaves the argument out. The d.ts types these parameters as `string`,
 * but the client sends the literal `undefined` on the wire (spec/typescript-client.md A.5), which is the point.
 */
const OMITTED = undefined as unknown as string

/** A documentation-range address (RFC 5737), unique per call so records can be told apart. */
const testIp = (): string => `203.0.113.${1 + Math.floor(Math.random() * 254)}`

/** Whether a refresh token still exchanges for a JWT. */
async function refreshWorks(tenantId: string, refreshToken: string): Promise<boolean> {
  try {
    await client('', tenantId).exchangeRefreshTokenForJWT({ refreshToken })
    return true
  } catch (error) {
    if (error instanceof ClientResponse && error.statusCode === 400) return false
    throw error
  }
}

describe('login ping through the official client', () => {
  it('answers 200 without a body, with and without an IP address', async () => {
    const { api, userId, applicationId } = await createFixture()
    const pinged = await api.loginPing(userId, applicationId, testIp())
    expect(pinged.statusCode).toBe(200)
    expect(pinged.response).toBeUndefined()
    // The client sends ?ipAddress=undefined here.
    const withoutIp = await api.loginPing(userId, applicationId, OMITTED)
    expect(withoutIp.statusCode).toBe(200)
    expect(withoutIp.response).toBeUndefined()
  })

  it('answers 202 for an application the user is not registered for, 404 for an unknown user', async () => {
    const { api, userId } = await createFixture()
    const other = await ok(api.createApplication(NO_ID, { application: { name: `unregistered-${unique()}` } }))
    const pinged = await api.loginPing(userId, other.application?.id ?? '', OMITTED)
    expect(pinged.statusCode).toBe(202)
    expect(pinged.response).toBeUndefined()
    const unknown = await rejection(api.loginPing(crypto.randomUUID(), other.application?.id ?? '', OMITTED))
    expect(unknown.statusCode).toBe(404)
  })
})

describe('logout through the official client', () => {
  it('revokes one refresh token, then all of them with global, and tolerates refreshToken=undefined', async () => {
    const { api, email, password, applicationId, tenantId } = await createFixture()
    const login = () => ok(api.login({ loginId: email, password, applicationId }))
    const first = (await login()).refreshToken ?? ''
    const second = (await login()).refreshToken ?? ''
    const anonymous = client('', tenantId)

    const single = await anonymous.logout(false, first)
    expect(single.statusCode).toBe(200)
    expect(single.response).toBeUndefined()
    expect(await refreshWorks(tenantId, first)).toBe(false)
    expect(await refreshWorks(tenantId, second)).toBe(true)

    const third = (await login()).refreshToken ?? ''
    expect((await anonymous.logout(true, second)).statusCode).toBe(200)
    expect(await refreshWorks(tenantId, second)).toBe(false)
    expect(await refreshWorks(tenantId, third)).toBe(false)

    // logout(false) from this client sends refreshToken=undefined: nothing to revoke, still 200.
    const nothing = await anonymous.logout(false, OMITTED)
    expect(nothing.statusCode).toBe(200)
    expect(nothing.response).toBeUndefined()
  })
})

describe('login records: search, JWT ping and export', () => {
  it('records logins and pings, finds them by user, and exports them as a zipped CSV', async () => {
    const { api, userId, email, password, applicationId } = await createFixture()
    const admin = client()
    const search = () => ok(admin.searchLoginRecords({ retrieveTotal: true, search: { userId, numberOfResults: 50 } }))
    const before = await search()

    const loginIp = testIp()
    const started = Date.now()
    const login = await ok(api.login({ loginId: email, password, applicationId, ipAddress: loginIp }))
    // Login records arrive through the login queue, within its batch timeout (about a second).
    const afterLogin = await eventually(async () => {
      const found = await search()
      expect(found.total).toBe((before.total ?? 0) + 1)
      return found
    })
    const newest = afterLogin.logins?.[0]
    expect(newest).toMatchObject({ userId, applicationId, loginId: email, ipAddress: loginIp })
    // On the wire loginIdType is a string, whatever the d.ts says (spec/typescript-client.md A.6).
    expect(newest?.loginIdType).toBe('email')
    expect(newest?.instant).toBeGreaterThanOrEqual(started - 5_000)
    expect(newest?.applicationName).toEqual(expect.any(String))

    // PUT /api/login with the JWT has no client method: the client's own request builder sends it.
    const pingIp = testIp()
    const jwtPing = await new DefaultRESTClientBuilder()
      .build<void, unknown>(host())
      .withUri('/api/login')
      .withAuthorization(`Bearer ${login.token ?? ''}`)
      .withParameter('ipAddress', pingIp)
      .withMethod('PUT')
      .go()
    expect(jwtPing.statusCode).toBe(200)
    expect(jwtPing.response).toBeUndefined()
    const afterPing = await eventually(async () => {
      const found = await search()
      expect(found.total).toBe((before.total ?? 0) + 2)
      return found
    })
    expect(afterPing.logins?.[0]).toMatchObject({ userId, applicationId, ipAddress: pingIp })

    // Paging: one result per page, total still counts them all.
    const page = await ok(admin.searchLoginRecords({ retrieveTotal: true, search: { userId, numberOfResults: 1, startRow: 1 } }))
    expect(page.logins?.length).toBe(1)
    expect(page.total).toBe(afterPing.total)
    expect(page.logins?.[0]?.ipAddress).toBe(loginIp)

    let contentType: string | null = null
    const exported = await new DefaultRESTClientBuilder()
      .build<Uint8Array, unknown>(host())
      .withUri('/api/system/login-record/export')
      .withAuthorization(superuserKey())
      .withJSONBody({ criteria: { userId }, zoneId: 'UTC' })
      .withMethod('POST')
      .withResponseHandler(async (response) => {
        const result = new ClientResponse<Uint8Array>()
        result.statusCode = response.status
        contentType = response.headers.get('content-type')
        result.response = new Uint8Array(await response.arrayBuffer())
        return result
      })
      .go()
    expect(exported.statusCode).toBe(200)
    expect(contentType).toMatch(/^application\/zip/)
    const files = unzipSync(exported.response)
    expect(Object.keys(files)).toEqual(['login_records.csv'])
    const lines = strFromU8(files['login_records.csv'] ?? new Uint8Array())
      .split('\n')
      .filter((line) => line !== '')
    expect(lines[0]).toBe(
      '"User Id ","Identity value ","Identity type ","Time ","Application Id ","IP Address ","City ","Country ","Zipcode ","Region ","Latitude ","Longitude "',
    )
    expect(lines.length - 1).toBe(afterPing.total)
    // A ping has no typed login id: it is recorded under the user's email, as FusionAuth's primary identity.
    expect(lines[1]).toMatch(new RegExp(`^${userId},${email},email,[^,]+,${applicationId},${pingIp.replaceAll('.', '\\.')},,,,,,$`))
    expect(lines[2]).toMatch(new RegExp(`^${userId},${email},email,[^,]+,${applicationId},${loginIp.replaceAll('.', '\\.')},,,,,,$`))
  })

  it('refuses search and export to a tenant-scoped caller (global endpoints) with 401', async () => {
    const { tenantId } = await createFixture()
    const scoped = client(superuserKey(), tenantId)
    const failure = await rejection(scoped.searchLoginRecords({ search: { numberOfResults: 1 } }))
    expect(failure.statusCode).toBe(401)
  })

  it('rejects an unknown export zone with a 400 Errors body', async () => {
    const failure = await rejection(
      new DefaultRESTClientBuilder()
        .build<void, unknown>(host())
        .withUri('/api/system/login-record/export')
        .withAuthorization(superuserKey())
        .withJSONBody({ criteria: {}, zoneId: 'Not/AZone' })
        .withMethod('POST')
        .go(),
    )
    expect(failure.statusCode).toBe(400)
    expect(fieldCode(failure, 'zoneId')).toBe('[invalid]zoneId')
  })
})
