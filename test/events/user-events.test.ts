/**
 * The User API's events, through the real routes to a receiver: user.create, user.update, user.delete (each with
 * its `.complete`), user.deactivate, user.reactivate and the administrator's user.password.update, in FusionAuth's
 * shape (BaseUserEvent: createInstant, id, info, tenantId, type, user; UserUpdateEvent adds `original`). A
 * transactional event that its webhook refuses answers 504 and leaves the user as it was; bad input still 400s.
 */
import { describe, expect, it } from 'vitest'
import { createUser, uniqueEmail } from '../fixtures'
import { type CallOptions, call, expectEmpty, json } from '../helpers'
import {
  answerWith,
  deepKeys,
  deliveredNow,
  eventOf,
  eventsOf,
  eventTenant,
  fieldsOf,
  only,
  received,
  SECRET_KEYS,
  typesReceived,
} from './receiver'

const CALLER = { 'X-Forwarded-For': '203.0.113.7', 'User-Agent': 'event-tests/1.0' }
const USER_EVENT_FIELDS = ['createInstant', 'id', 'info', 'tenantId', 'type', 'user']

interface UserJson {
  id: string
  email: string
  active: boolean
  firstName?: string
  [field: string]: unknown
}

const as = (tenantId: string, options: CallOptions = {}): CallOptions => ({ tenantId, headers: CALLER, ...options })

async function stored(id: string): Promise<UserJson | null> {
  const response = await call(`/api/user/${id}`)
  if (response.status === 404) return null
  return (await json<{ user: UserJson }>(response)).user
}

function expectUserEvent(event: Record<string, unknown>, type: string, tenantId: string, extra: string[] = []): void {
  expect(fieldsOf(event)).toEqual([...USER_EVENT_FIELDS, ...extra].sort())
  expect(event).toMatchObject({ type, tenantId, info: { ipAddress: '203.0.113.7', userAgent: 'event-tests/1.0' } })
  expect(typeof event.id).toBe('string')
  expect(typeof event.createInstant).toBe('number')
  expect(deepKeys(event).filter((key) => SECRET_KEYS.test(key))).toEqual([])
}

describe('user.create and user.create.complete', () => {
  it('carry the user as the API answers it; the transactional one is delivered before the answer', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.create': 'Any', 'user.create.complete': 'None' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const response = await call(
      '/api/user',
      as(tenant.id, { body: { user: { email: uniqueEmail(), password: 'password123', firstName: 'Ann' } } }),
    )
    expect(response.status).toBe(200)
    const { user } = await json<{ user: UserJson }>(response)
    // Transactional: already there when the response is.
    const create = await deliveredNow(receiver, 'user.create')
    expectUserEvent(create, 'user.create', tenant.id)
    expect(create.user).toEqual(user)
    const complete = await eventOf(receiver, 'user.create.complete')
    expectUserEvent(complete, 'user.create.complete', tenant.id)
    expect(complete.user).toEqual(user)
    expect(complete.id).not.toBe(create.id)
  })

  it('a refusing webhook under Any: 504 with no body, and no user was created', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.create': 'Any' }, ['fail'])
    const email = uniqueEmail()
    const id = crypto.randomUUID()
    await expectEmpty(await call(`/api/user/${id}`, as(tenant.id, { body: { user: { email, password: 'password123' } } })), 504)
    expect(await typesReceived(only({ tenant, receivers }))).toEqual(['user.create'])
    expect(await stored(id)).toBeNull()
    // The email stays free: the same request succeeds once the webhook accepts.
    await answerWith(only({ tenant, receivers }), 'ok')
    expect((await call(`/api/user/${id}`, as(tenant.id, { body: { user: { email, password: 'password123' } } }))).status).toBe(200)
  })

  it('AbsoluteMajority with one of two webhooks failing is 504; Any with the same two is 200', async () => {
    const strict = await eventTenant({ 'user.create': 'AbsoluteMajority' }, ['ok', 'fail'])
    const body = { user: { email: uniqueEmail(), password: 'password123' } }
    await expectEmpty(await call('/api/user', as(strict.tenant.id, { body })), 504)
    const lenient = await eventTenant({ 'user.create': 'Any' }, ['ok', 'fail'])
    expect((await call('/api/user', as(lenient.tenant.id, { body }))).status).toBe(200)
  })

  it('bad input is the same 400 and sends nothing', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.create': 'Any', 'user.create.complete': 'None' })
    const response = await call('/api/user', as(tenant.id, { body: { user: { password: 'password123' } } }))
    expect(response.status).toBe(400)
    expect(Object.keys((await json<{ fieldErrors: object }>(response)).fieldErrors)).toEqual(['user.email', 'user.username'])
    expect(await received(only({ tenant, receivers }))).toEqual([])
  })
})

describe('user.update and user.update.complete', () => {
  it('PUT and PATCH send the user after and `original` before', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.update': 'Any', 'user.update.complete': 'None' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const before = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const response = await call(`/api/user/${before.id}`, as(tenant.id, { method: 'PATCH', body: { user: { firstName: 'Bea' } } }))
    expect(response.status).toBe(200)
    const { user } = await json<{ user: UserJson }>(response)
    const update = await deliveredNow(receiver, 'user.update')
    expectUserEvent(update, 'user.update', tenant.id, ['original'])
    expect(update.user).toEqual(user)
    expect(update.original).toMatchObject({ id: before.id, email: before.email })
    expect(update.original).not.toHaveProperty('firstName')
    const complete = await eventOf(receiver, 'user.update.complete')
    expectUserEvent(complete, 'user.update.complete', tenant.id, ['original'])
  })

  it('a new email sends user.email.update with previousEmail (non-transactional: queued); the same email does not', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.update': 'Any', 'user.email.update': 'None' })
    const receiver = only({ tenant, receivers })
    const before = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    await call(`/api/user/${before.id}`, as(tenant.id, { method: 'PATCH', body: { user: { firstName: 'Ed' } } }))
    const email = uniqueEmail()
    const response = await call(`/api/user/${before.id}`, as(tenant.id, { method: 'PATCH', body: { user: { email } } }))
    expect(response.status).toBe(200)
    const [event, ...more] = await eventsOf(receiver, 'user.email.update')
    expect(more).toEqual([])
    expectUserEvent(event ?? {}, 'user.email.update', tenant.id, ['previousEmail'])
    expect(event).toMatchObject({ previousEmail: before.email, user: { id: before.id, email } })
  })

  it('a refusing webhook: 504 and the user is unchanged', async () => {
    const { tenant } = await eventTenant({ 'user.update': 'SimpleMajority' }, ['fail'])
    const before = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const put = { user: { email: before.email, firstName: 'Cy' } }
    await expectEmpty(await call(`/api/user/${before.id}`, as(tenant.id, { method: 'PUT', body: put })), 504)
    expect((await stored(before.id))?.firstName).toBeUndefined()
  })

  it('an administrator setting a password sends user.password.update too (non-transactional: queued)', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.update': 'Any', 'user.password.update': 'None' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const before = await createUser({ tenantId: tenant.id, email: uniqueEmail(), password: 'password123' })
    const response = await call(
      `/api/user/${before.id}`,
      as(tenant.id, { method: 'PATCH', body: { user: { password: 'another-password-1' } } }),
    )
    expect(response.status).toBe(200)
    const event = await eventOf(receiver, 'user.password.update')
    expectUserEvent(event, 'user.password.update', tenant.id)
    expect(event.user).toEqual((await json<{ user: UserJson }>(response)).user)
    // A profile change without a password sends no password event.
    await call(`/api/user/${before.id}`, as(tenant.id, { method: 'PATCH', body: { user: { firstName: 'Di' } } }))
    await eventOf(receiver, 'user.update')
    expect((await received(receiver)).filter((e) => e.type === 'user.password.update')).toHaveLength(1)
  })
})

describe('user.deactivate, user.reactivate, user.delete', () => {
  it('DELETE deactivates (user.deactivate, active false); PUT ?reactivate=true reactivates (user.reactivate)', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.deactivate': 'Any', 'user.reactivate': 'Any' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    expect((await call(`/api/user/${user.id}`, as(tenant.id, { method: 'DELETE' }))).status).toBe(200)
    const deactivate = await deliveredNow(receiver, 'user.deactivate')
    expectUserEvent(deactivate, 'user.deactivate', tenant.id)
    expect(deactivate.user).toMatchObject({ id: user.id, active: false })
    const reactivated = await call(`/api/user/${user.id}?reactivate=true`, as(tenant.id, { method: 'PUT' }))
    expect(reactivated.status).toBe(200)
    const reactivate = await deliveredNow(receiver, 'user.reactivate')
    expectUserEvent(reactivate, 'user.reactivate', tenant.id)
    expect(reactivate.user).toEqual((await json<{ user: UserJson }>(reactivated)).user)
  })

  it('refused user.deactivate / user.reactivate: 504 and `active` stays', async () => {
    const { tenant } = await eventTenant({ 'user.deactivate': 'Any', 'user.reactivate': 'Any' }, ['fail'])
    const active = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    await expectEmpty(await call(`/api/user/${active.id}`, as(tenant.id, { method: 'DELETE' })), 504)
    expect((await stored(active.id))?.active).toBe(true)
    const inactive = await createUser({ tenantId: tenant.id, email: uniqueEmail(), overrides: { active: false } })
    await expectEmpty(await call(`/api/user/${inactive.id}?reactivate=true`, as(tenant.id, { method: 'PUT' })), 504)
    expect((await stored(inactive.id))?.active).toBe(false)
  })

  it('hard delete: user.delete (before) and user.delete.complete (queued) with the user as it was', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.delete': 'Any', 'user.delete.complete': 'None' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const shown = await stored(user.id)
    expect((await call(`/api/user/${user.id}?hardDelete=true`, as(tenant.id, { method: 'DELETE' }))).status).toBe(200)
    const deleted = await deliveredNow(receiver, 'user.delete')
    expectUserEvent(deleted, 'user.delete', tenant.id)
    expect(deleted.user).toEqual(shown)
    expectUserEvent(await eventOf(receiver, 'user.delete.complete'), 'user.delete.complete', tenant.id)
    expect(await stored(user.id)).toBeNull()
  })

  it('refused user.delete: 504 and the user is still there', async () => {
    const { tenant } = await eventTenant({ 'user.delete': 'Any' }, ['fail'])
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    await expectEmpty(await call(`/api/user/${user.id}?hardDelete=true`, as(tenant.id, { method: 'DELETE' })), 504)
    expect((await stored(user.id))?.id).toBe(user.id)
  })

  it('a tenant that enables no event sends nothing (its webhooks are not even asked)', async () => {
    const { tenant, receivers } = await eventTenant({})
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    expect((await call(`/api/user/${user.id}?hardDelete=true`, as(tenant.id, { method: 'DELETE' }))).status).toBe(200)
    expect(await received(only({ tenant, receivers }))).toEqual([])
  })
})
