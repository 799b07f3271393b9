/**
 * Issue 8, defect 5 through the official client: a JWT is bound to its tenant and that tenant's current
 * issuer, on validateJWT, the JWT ping, GET /api/user with a JWT and changePasswordUsingJWT.
 */
import DefaultRESTClientBuilder from '@fusionauth/typescript-client/build/src/DefaultRESTClientBuilder'
import { describe, expect, it } from 'vitest'
import { type Fixture, NO_ID, client, createFixture, host, ok, rejection, superuserKey } from './support'

/**
 * The JWT calls this client version has no method for (PUT /api/login, GET /api/user), built with the client's
 * own request builder as its startAnonymous() builds the others: tenant header when set, then the Bearer token.
 */
function withJwt<T>(method: 'GET' | 'PUT', uri: string, token: string, tenantId?: string) {
  const request = new DefaultRESTClientBuilder().build<T, unknown>(host())
  if (tenantId !== undefined) request.withHeader('X-FusionAuth-TenantId', tenantId)
  return request.withUri(uri).withAuthorization(`Bearer ${token}`).withMethod(method).go()
}

const jwtPing = (token: string, tenantId?: string) => withJwt<void>('PUT', '/api/login', token, tenantId)
const userOfJwt = (token: string, tenantId?: string) => withJwt<{ user?: { id?: string } }>('GET', '/api/user', token, tenantId)

async function tokenOf(fixture: Fixture): Promise<string> {
  const { email, password, applicationId } = fixture
  return (await ok(fixture.api.login({ loginId: email, password, applicationId }))).token ?? ''
}

describe('a JWT is refused for another tenant than its own', () => {
  it("refuses tenant B's token once the client is set to tenant A, and accepts it for tenant B", async () => {
    const a = await createFixture()
    const b = await createFixture()
    const token = await tokenOf(b)
    const scopedToA = client(superuserKey()).setTenantId(a.tenantId)

    expect((await rejection(scopedToA.validateJWT(token))).statusCode).toBe(401)
    expect((await rejection(jwtPing(token, a.tenantId))).statusCode).toBe(401)
    expect((await rejection(userOfJwt(token, a.tenantId))).statusCode).toBe(401)
    const change = scopedToA.changePasswordUsingJWT(token, { currentPassword: b.password, password: `${b.password} changed` })
    expect((await rejection(change)).statusCode).toBe(401)

    const scopedToB = client(superuserKey()).setTenantId(b.tenantId)
    expect((await ok(scopedToB.validateJWT(token))).jwt?.tid).toBe(b.tenantId)
    expect((await jwtPing(token, b.tenantId)).statusCode).toBe(200)
    expect((await ok(userOfJwt(token, b.tenantId))).user?.id).toBe(b.userId)
  })
})

describe("a JWT is bound to its tenant's current issuer", () => {
  it('refuses a token issued before the tenant changed issuer, and accepts one issued after', async () => {
    const fixture = await createFixture()
    const before = await tokenOf(fixture)
    expect((await jwtPing(before)).statusCode).toBe(200)
    await ok(client().patchTenant(fixture.tenantId, { tenant: { issuer: `https://changed-${crypto.randomUUID()}.example` } }))

    const anonymous = client('')
    expect((await rejection(anonymous.validateJWT(before))).statusCode).toBe(401)
    expect((await rejection(jwtPing(before))).statusCode).toBe(401)
    expect((await rejection(userOfJwt(before))).statusCode).toBe(401)

    const after = await tokenOf(fixture)
    expect((await ok(anonymous.validateJWT(after))).jwt?.tid).toBe(fixture.tenantId)
    expect((await jwtPing(after)).statusCode).toBe(200)
  })
})

describe('a tenant created with only a name', () => {
  it("signs with a key of its own, not the default tenant's", async () => {
    const admin = client()
    const created = await ok(admin.createTenant(NO_ID, { tenant: { name: `own-key-${crypto.randomUUID()}` } }))
    const tenants = await ok(admin.retrieveTenants())
    const keyIds = new Set(
      (tenants.tenants ?? []).filter((t) => t.id !== created.tenant?.id).map((t) => t.jwtConfiguration?.accessTokenKeyId),
    )
    expect(created.tenant?.jwtConfiguration?.accessTokenKeyId).toMatch(/^[0-9a-f-]{36}$/)
    expect(keyIds.has(created.tenant?.jwtConfiguration?.accessTokenKeyId)).toBe(false)
  })
})
