/**
 * The Registration API's events through the real routes: user.registration.create / update / delete and their
 * `.complete` twins (FusionAuth's UserRegistration*Event: applicationId, registration, user, and `original` on
 * update), user.create first for a combined user-and-registration request; a refused transactional event is 504
 * and the registration is as it was.
 */
import { describe, expect, it } from 'vitest'
import { createApplication, createUser, uniqueEmail } from '../fixtures'
import { type CallOptions, call, expectEmpty, json } from '../helpers'
import { deepKeys, deliveredNow, eventOf, eventTenant, fieldsOf, only, received, SECRET_KEYS, typesReceived } from './receiver'

const REGISTRATION_EVENT_FIELDS = ['applicationId', 'createInstant', 'id', 'info', 'registration', 'tenantId', 'type', 'user']
const CALLER = { 'X-Forwarded-For': '198.51.100.4', 'User-Agent': 'registration-tests' }
const as = (tenantId: string, options: CallOptions = {}): CallOptions => ({ tenantId, headers: CALLER, ...options })

interface RegistrationJson {
  id: string
  applicationId: string
  roles: string[]
  [field: string]: unknown
}

async function registrationsOf(userId: string): Promise<RegistrationJson[]> {
  const { user } = await json<{ user: { registrations?: RegistrationJson[] } }>(await call(`/api/user/${userId}`))
  return user.registrations ?? []
}

function expectRegistrationEvent(event: Record<string, unknown>, type: string, applicationId: string, extra: string[] = []): void {
  expect(fieldsOf(event)).toEqual([...REGISTRATION_EVENT_FIELDS, ...extra].sort())
  expect(event).toMatchObject({ type, applicationId, info: { ipAddress: '198.51.100.4', userAgent: 'registration-tests' } })
  expect(deepKeys(event).filter((key) => SECRET_KEYS.test(key))).toEqual([])
}

describe('user.registration.create', () => {
  it('registering an existing user: the registration, its application and the user listing it', async () => {
    const { tenant, receivers } = await eventTenant({
      'user.registration.create': 'Any',
      'user.registration.create.complete': 'None',
      'user.create': 'None',
    })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const application = await createApplication(tenant.id)
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const response = await call(
      `/api/user/registration/${user.id}`,
      as(tenant.id, { body: { registration: { applicationId: application.id } } }),
    )
    expect(response.status).toBe(200)
    const body = await json<{ registration: RegistrationJson; user: { registrations: RegistrationJson[] } }>(response)
    const create = await deliveredNow(receiver, 'user.registration.create')
    expectRegistrationEvent(create, 'user.registration.create', application.id)
    expect(create.registration).toEqual(body.registration)
    expect(create.user).toEqual(body.user)
    expectRegistrationEvent(
      await eventOf(receiver, 'user.registration.create.complete'),
      'user.registration.create.complete',
      application.id,
    )
    // Not a new user: no user.create.
    expect((await received(receiver)).some((e) => e.type === 'user.create')).toBe(false)
  })

  it('a combined request creates a user: user.create, then user.registration.create', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.create': 'Any', 'user.registration.create': 'Any' })
    const application = await createApplication(tenant.id)
    const response = await call(
      '/api/user/registration',
      as(tenant.id, { body: { user: { email: uniqueEmail(), password: 'password123' }, registration: { applicationId: application.id } } }),
    )
    expect(response.status).toBe(200)
    const body = await json<{ user: { id: string } }>(response)
    expect(await typesReceived(only({ tenant, receivers }))).toEqual(['user.create', 'user.registration.create'])
    expect((await received(only({ tenant, receivers })))[0]?.user).toMatchObject({ id: body.user.id, registrations: [] })
  })

  it('refused: 504, and neither the combined user nor the registration exists', async () => {
    const { tenant } = await eventTenant({ 'user.registration.create': 'Any' }, ['fail'])
    const application = await createApplication(tenant.id)
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const request = { body: { registration: { applicationId: application.id } } }
    await expectEmpty(await call(`/api/user/registration/${user.id}`, as(tenant.id, request)), 504)
    expect(await registrationsOf(user.id)).toEqual([])
    const userId = crypto.randomUUID()
    const combined = { body: { user: { email: uniqueEmail(), password: 'password123' }, registration: { applicationId: application.id } } }
    await expectEmpty(await call(`/api/user/registration/${userId}`, as(tenant.id, combined)), 504)
    expect((await call(`/api/user/${userId}`)).status).toBe(404)
  })

  it('bad input (unknown application) is the same 400 and sends nothing', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.registration.create': 'Any' })
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const response = await call(
      `/api/user/registration/${user.id}`,
      as(tenant.id, { body: { registration: { applicationId: crypto.randomUUID() } } }),
    )
    expect(response.status).toBe(400)
    expect(Object.keys((await json<{ fieldErrors: object }>(response)).fieldErrors)).toEqual(['registration.applicationId'])
    expect(await received(only({ tenant, receivers }))).toEqual([])
  })
})

describe('user.registration.update and user.registration.delete', () => {
  it('update: `original` is the registration before, `registration` after, the user lists the new one', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.registration.update': 'Any', 'user.registration.update.complete': 'None' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const application = await createApplication(tenant.id, { roles: [{ id: crypto.randomUUID(), name: 'admin' }] })
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail(), registrations: [{ applicationId: application.id }] })
    const [before] = await registrationsOf(user.id)
    const response = await call(
      `/api/user/registration/${user.id}/${application.id}`,
      as(tenant.id, { method: 'PATCH', body: { registration: { roles: ['admin'] } } }),
    )
    expect(response.status).toBe(200)
    const { registration } = await json<{ registration: RegistrationJson }>(response)
    const update = await deliveredNow(receiver, 'user.registration.update')
    expectRegistrationEvent(update, 'user.registration.update', application.id, ['original'])
    expect(update.original).toEqual(before)
    expect(update.registration).toEqual(registration)
    expect(update.user).toMatchObject({ id: user.id, registrations: [registration] })
    expectRegistrationEvent(
      await eventOf(receiver, 'user.registration.update.complete'),
      'user.registration.update.complete',
      application.id,
      ['original'],
    )
  })

  it('refused update: 504 and the registration keeps its roles', async () => {
    const { tenant } = await eventTenant({ 'user.registration.update': 'Any' }, ['fail'])
    const application = await createApplication(tenant.id, { roles: [{ id: crypto.randomUUID(), name: 'admin' }] })
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail(), registrations: [{ applicationId: application.id }] })
    const request = { method: 'PUT', body: { registration: { applicationId: application.id, roles: ['admin'] } } }
    await expectEmpty(await call(`/api/user/registration/${user.id}`, as(tenant.id, request)), 504)
    expect((await registrationsOf(user.id))[0]?.roles).toEqual([])
  })

  it('delete: the removed registration and the user as it was; refused, 504 and it stays', async () => {
    const ok = await eventTenant({ 'user.registration.delete': 'Any', 'user.registration.delete.complete': 'None' })
    const [receiver] = ok.receivers
    if (receiver === undefined) throw new Error('no receiver')
    const application = await createApplication(ok.tenant.id)
    const user = await createUser({ tenantId: ok.tenant.id, email: uniqueEmail(), registrations: [{ applicationId: application.id }] })
    const [before] = await registrationsOf(user.id)
    expect((await call(`/api/user/registration/${user.id}/${application.id}`, as(ok.tenant.id, { method: 'DELETE' }))).status).toBe(200)
    const deleted = await deliveredNow(receiver, 'user.registration.delete')
    expectRegistrationEvent(deleted, 'user.registration.delete', application.id)
    expect(deleted.registration).toEqual(before)
    expect(deleted.user).toMatchObject({ id: user.id, registrations: [before] })
    expectRegistrationEvent(
      await eventOf(receiver, 'user.registration.delete.complete'),
      'user.registration.delete.complete',
      application.id,
    )
    expect(await registrationsOf(user.id)).toEqual([])

    const refused = await eventTenant({ 'user.registration.delete': 'Any' }, ['fail'])
    const other = await createApplication(refused.tenant.id)
    const kept = await createUser({ tenantId: refused.tenant.id, email: uniqueEmail(), registrations: [{ applicationId: other.id }] })
    await expectEmpty(await call(`/api/user/registration/${kept.id}/${other.id}`, as(refused.tenant.id, { method: 'DELETE' })), 504)
    expect(await registrationsOf(kept.id)).toHaveLength(1)
  })
})
