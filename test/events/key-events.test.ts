/**
 * jwt.public-key.update (FusionAuth's JWTPublicKeyUpdateEvent: `applicationIds`): sent when a tenant's or an
 * application's jwtConfiguration names another signing key, for the applications whose tokens that changes.
 * Transactional: refused, 504 and the configuration keeps its key. The Key API cannot change a key in use
 * (PUT renames, DELETE refuses), so it sends nothing.
 */
import { describe, expect, it } from 'vitest'
import { createApplication } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { uniqueName } from '../routes/admin-fixtures'
import { answerWith, deliveredNow, eventTenant, fieldsOf, only, received } from './receiver'

async function newKey(): Promise<string> {
  const response = await call('/api/key/generate', { body: { key: { algorithm: 'HS256', name: uniqueName('key') } } })
  return (await json<{ key: { id: string } }>(response)).key.id
}

const tenantKey = async (tenantId: string) =>
  (await json<{ tenant: { jwtConfiguration: { accessTokenKeyId: string } } }>(await call(`/api/tenant/${tenantId}`))).tenant
    .jwtConfiguration.accessTokenKeyId

describe('jwt.public-key.update', () => {
  it("a tenant's new access-token key: the applications that follow the tenant's key, not those with their own", async () => {
    const { tenant, receivers } = await eventTenant({ 'jwt.public-key.update': 'Any' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const follows = await createApplication(tenant.id)
    const ownKey = await newKey()
    await createApplication(tenant.id, { jwtConfiguration: { enabled: true, accessTokenKeyId: ownKey, idTokenKeyId: ownKey } })
    const key = await newKey()
    const response = await call(`/api/tenant/${tenant.id}`, {
      method: 'PATCH',
      headers: { 'User-Agent': 'key-tests' },
      body: { tenant: { jwtConfiguration: { accessTokenKeyId: key } } },
    })
    expect(response.status).toBe(200)
    const event = await deliveredNow(receiver, 'jwt.public-key.update')
    expect(fieldsOf(event)).toEqual(['applicationIds', 'createInstant', 'id', 'info', 'tenantId', 'type'])
    expect(event).toMatchObject({ tenantId: tenant.id, applicationIds: [follows.id], info: { userAgent: 'key-tests' } })
    // Renaming the tenant changes no key: nothing more.
    await call(`/api/tenant/${tenant.id}`, { method: 'PATCH', body: { tenant: { name: uniqueName('renamed') } } })
    expect(await received(receiver)).toHaveLength(1)
  })

  it("an application naming its own key: that application; refused, 504 and the tenant's key stays", async () => {
    const { tenant, receivers } = await eventTenant({ 'jwt.public-key.update': 'Any' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const application = await createApplication(tenant.id)
    const key = await newKey()
    const patch = { body: { application: { jwtConfiguration: { enabled: true, accessTokenKeyId: key } } }, method: 'PATCH' }
    expect((await call(`/api/application/${application.id}`, patch)).status).toBe(200)
    expect(await deliveredNow(receiver, 'jwt.public-key.update')).toMatchObject({ applicationIds: [application.id] })

    // The application has its own key now; one that follows the tenant's makes the tenant's change matter.
    await createApplication(tenant.id)
    await answerWith(receiver, 'fail')
    const before = await tenantKey(tenant.id)
    await expectEmpty(
      await call(`/api/tenant/${tenant.id}`, {
        method: 'PATCH',
        body: { tenant: { jwtConfiguration: { accessTokenKeyId: await newKey() } } },
      }),
      504,
    )
    expect(await tenantKey(tenant.id)).toBe(before)
  })

  it('the Key API sends nothing: renaming a key in use changes no public key', async () => {
    const { tenant, receivers } = await eventTenant({ 'jwt.public-key.update': 'Any' })
    const key = await tenantKey(tenant.id)
    expect((await call(`/api/key/${key}`, { method: 'PUT', body: { key: { name: uniqueName('renamed') } } })).status).toBe(200)
    expect(await received(only({ tenant, receivers }))).toEqual([])
  })
})
