import { describe, expect, it } from 'vitest'
import { NO_ID, TEST_PASSWORD_FACTOR, client, createFixture, fieldCode, ok, rejection, superuserKey, unique } from './support'

describe('foundation through the official client: tenants, applications, users, registrations, API keys', () => {
  it('creates and retrieves a tenant, an application with roles, a user, a registration and an API key', async () => {
    const admin = client()
    const name = unique()

    const tenant = await ok(
      admin.createTenant(NO_ID, {
        tenant: { name: `e2e-foundation-${name}`, passwordEncryptionConfiguration: { encryptionSchemeFactor: TEST_PASSWORD_FACTOR } },
      }),
    )
    const tenantId = tenant.tenant?.id ?? ''
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/)
    expect(tenant.tenant?.name).toBe(`e2e-foundation-${name}`)
    const storedTenant = await ok(admin.retrieveTenant(tenantId))
    expect(storedTenant.tenant?.passwordEncryptionConfiguration?.encryptionSchemeFactor).toBe(TEST_PASSWORD_FACTOR)
    // FusionAuth's default scheme fills in what the request left out.
    expect(storedTenant.tenant?.passwordEncryptionConfiguration?.encryptionScheme).toBe('salted-pbkdf2-hmac-sha256')

    const api = client(superuserKey(), tenantId)
    const application = await ok(
      api.createApplication(NO_ID, {
        application: {
          name: `app-${name}`,
          roles: [
            { name: 'admin', isSuperRole: true },
            { name: 'viewer', isDefault: true },
          ],
        },
      }),
    )
    const applicationId = application.application?.id ?? ''
    expect(application.application?.tenantId).toBe(tenantId)
    const storedApplication = await ok(api.retrieveApplication(applicationId))
    expect(storedApplication.application?.name).toBe(`app-${name}`)
    expect((storedApplication.application?.roles ?? []).map((role) => role.name).sort()).toEqual(['admin', 'viewer'])

    const email = `foundation-${name}@example.com`
    const created = await ok(api.createUser(NO_ID, { user: { email, password: `password-${name}`, firstName: 'Ada' } }))
    const userId = created.user?.id ?? ''
    expect(created.user?.email).toBe(email)
    expect(created.user?.tenantId).toBe(tenantId)
    // A password never comes back.
    expect(created.user?.password).toBeUndefined()
    const storedUser = await ok(api.retrieveUser(userId))
    expect(storedUser.user?.firstName).toBe('Ada')

    const registration = await ok(api.register(userId, { registration: { applicationId, roles: ['admin'] } }))
    expect(registration.registration?.applicationId).toBe(applicationId)
    expect(registration.registration?.roles).toEqual(['admin'])
    const storedRegistration = await ok(api.retrieveRegistration(userId, applicationId))
    expect(storedRegistration.registration?.roles).toEqual(['admin'])
    const withRegistration = await ok(api.retrieveUser(userId))
    expect(withRegistration.user?.registrations?.map((r) => r.applicationId)).toEqual([applicationId])

    const key = await ok(
      admin.createAPIKey(NO_ID, { apiKey: { tenantId, name: `e2e ${name}`, metaData: { attributes: { purpose: 'e2e' } } } }),
    )
    const keyId = key.apiKey?.id ?? ''
    const keyValue = key.apiKey?.key ?? ''
    expect(keyValue.length).toBeGreaterThan(0)
    expect(key.apiKey?.tenantId).toBe(tenantId)
    const storedKey = await ok(admin.retrieveAPIKey(keyId))
    expect(storedKey.apiKey?.name).toBe(`e2e ${name}`)
    expect(storedKey.apiKey?.metaData?.attributes).toEqual({ purpose: 'e2e' })

    // The new key works in a second client, and is locked to its tenant.
    const tenantClient = client(keyValue)
    const seenByKey = await ok(tenantClient.retrieveUser(userId))
    expect(seenByKey.user?.email).toBe(email)
    const seenApplication = await ok(tenantClient.retrieveApplication(applicationId))
    expect(seenApplication.application?.id).toBe(applicationId)
  })

  it('rejects a duplicate email with 400 and the field error [duplicate]user.email', async () => {
    // The fixture's user exists in its tenant; a second user with the same email may not.
    const { api, email } = await createFixture()
    const failure = await rejection(api.createUser(NO_ID, { user: { email, password: 'second password 2' } }))
    expect(failure.statusCode).toBe(400)
    expect(fieldCode(failure, 'user.email')).toBe('[duplicate]user.email')
  })

  it('rejects a wrong API key with an empty 401', async () => {
    const failure = await rejection(client(`wrong-${unique()}`).retrieveUser(crypto.randomUUID()))
    expect(failure.statusCode).toBe(401)
    expect(failure.exception).toBeUndefined()
  })

  it('answers an unknown user id with an empty 404', async () => {
    const failure = await rejection(client().retrieveUser(crypto.randomUUID()))
    expect(failure.statusCode).toBe(404)
    expect(failure.exception).toBeUndefined()
  })

  it('rejects a request with no API key at all with 401', async () => {
    const failure = await rejection(client('').retrieveTenant(crypto.randomUUID()))
    expect(failure.statusCode).toBe(401)
  })
})
