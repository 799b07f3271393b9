/**
 * Password events through the Change Password API: user.password.update for every change (API key, JWT or
 * changePasswordId), and user.password.reset.success first when the change completes forgot password. Both are
 * non-transactional in FusionAuth, so they arrive through the queue, after the change is stored.
 */
import { describe, expect, it } from 'vitest'
import { createApplication, createUser, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'
import { deepKeys, eventOf, eventsOf, eventTenant, fieldsOf, received, SECRET_KEYS } from './receiver'

const USER_EVENT_FIELDS = ['createInstant', 'id', 'info', 'tenantId', 'type', 'user']
const CALLER = { 'X-Forwarded-For': '192.0.2.9', 'User-Agent': 'password-tests' }

async function passwordTenant() {
  const { tenant, receivers } = await eventTenant({
    'user.password.update': 'None',
    'user.password.reset.start': 'None',
    'user.password.reset.success': 'None',
  })
  const [receiver] = receivers
  if (receiver === undefined) throw new Error('no receiver')
  const user = await createUser({ tenantId: tenant.id, email: uniqueEmail(), password: 'password123' })
  return { tenant, receiver, user }
}

describe('user.password.update', () => {
  it('a change-password id from a 203 login is no reset: user.password.update only', async () => {
    const { tenant, receiver, user } = await passwordTenant()
    const application = await createApplication(tenant.id, { loginConfiguration: { requireAuthentication: false } })
    await call(`/api/user/${user.id}`, { method: 'PATCH', body: { user: { passwordChangeRequired: true } } })
    const login = await call('/api/login', {
      apiKey: null,
      body: { loginId: user.email, password: 'password123', applicationId: application.id },
    })
    expect(login.status).toBe(203)
    const { changePasswordId } = await json<{ changePasswordId: string }>(login)
    expect(
      (await call(`/api/user/change-password/${changePasswordId}`, { apiKey: null, body: { password: 'changed-password-9' } })).status,
    ).toBe(200)
    await eventOf(receiver, 'user.password.update')
    expect((await received(receiver)).map((e) => e.type)).toEqual(['user.password.update'])
  })

  it('the API-key form sends it with the user after the change', async () => {
    const { tenant, receiver, user } = await passwordTenant()
    const response = await call('/api/user/change-password', {
      tenantId: tenant.id,
      headers: CALLER,
      body: { loginId: user.email, password: 'changed-password-1' },
    })
    expect(response.status).toBe(200)
    const event = await eventOf(receiver, 'user.password.update')
    expect(fieldsOf(event)).toEqual(USER_EVENT_FIELDS)
    expect(event).toMatchObject({ tenantId: tenant.id, info: { ipAddress: '192.0.2.9', userAgent: 'password-tests' } })
    expect(event.user).toMatchObject({ id: user.id, email: user.email, passwordChangeRequired: false })
    expect((event.user as { passwordLastUpdateInstant: number }).passwordLastUpdateInstant).toBeGreaterThan(
      user.passwordLastUpdateInstant ?? 0,
    )
    expect(deepKeys(event).filter((key) => SECRET_KEYS.test(key))).toEqual([])
    expect((await received(receiver)).some((e) => e.type === 'user.password.reset.success')).toBe(false)
  })

  it('a refused change (wrong current password) sends nothing', async () => {
    const { tenant, receiver, user } = await passwordTenant()
    const response = await call('/api/user/change-password', {
      tenantId: tenant.id,
      body: { loginId: user.email, currentPassword: 'not-the-password', password: 'changed-password-1' },
    })
    expect(response.status).toBe(400)
    // Something that is sent proves the queue has had its chance.
    await call('/api/user/change-password', { tenantId: tenant.id, body: { loginId: user.email, password: 'changed-password-2' } })
    expect(await eventsOf(receiver, 'user.password.update')).toHaveLength(1)
  })
})

describe('user.password.reset.success', () => {
  it('forgot password sends user.password.reset.start; its changePasswordId, reset.success and password.update', async () => {
    const { tenant, receiver, user } = await passwordTenant()
    const forgot = await call('/api/user/forgot-password', { tenantId: tenant.id, headers: CALLER, body: { loginId: user.email } })
    const { changePasswordId } = await json<{ changePasswordId: string }>(forgot)
    const start = await eventOf(receiver, 'user.password.reset.start')
    expect(fieldsOf(start)).toEqual(USER_EVENT_FIELDS)
    expect(start).toMatchObject({ tenantId: tenant.id, user: { id: user.id }, info: { ipAddress: '192.0.2.9' } })
    const response = await call(`/api/user/change-password/${changePasswordId}`, {
      apiKey: null,
      headers: CALLER,
      body: { password: 'reset-password-1' },
    })
    expect(response.status).toBe(200)
    const reset = await eventOf(receiver, 'user.password.reset.success')
    expect(fieldsOf(reset)).toEqual(USER_EVENT_FIELDS)
    expect(reset).toMatchObject({ tenantId: tenant.id, user: { id: user.id }, info: { ipAddress: '192.0.2.9' } })
    await eventOf(receiver, 'user.password.update')
  })
})
