/**
 * user.two-factor.method.add / .remove through the Two-Factor API (FusionAuth's UserTwoFactorMethodAddEvent:
 * `method`, the method's public view, and `user` as the change leaves it). Non-transactional: queued after the
 * change is stored. The method's secret never travels.
 */
import { describe, expect, it } from 'vitest'
import { createUser, uniqueEmail } from '../fixtures'
import { call } from '../helpers'
import { enableAuthenticator, stepStart } from '../domain/two-factor-login/world'
import { deepKeys, eventOf, eventsOf, eventTenant, fieldsOf, received, SECRET_KEYS } from './receiver'

// No `info`: these requests carry neither an address nor a User-Agent (event-info.ts leaves an empty info out).
const METHOD_EVENT_FIELDS = ['createInstant', 'id', 'method', 'tenantId', 'type', 'user']

describe('user.two-factor.method.add and .remove', () => {
  it('enabling an authenticator, then removing it with a recovery code', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.two-factor.method.add': 'None', 'user.two-factor.method.remove': 'None' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const enabled = await enableAuthenticator(user.id, stepStart())

    const added = await eventOf(receiver, 'user.two-factor.method.add')
    expect(fieldsOf(added)).toEqual(METHOD_EVENT_FIELDS)
    const view = { authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 }, id: enabled.methodId, method: 'authenticator' }
    expect(added.method).toEqual(view)
    expect(added.user).toMatchObject({ id: user.id, twoFactor: { methods: [view] } })
    expect(JSON.stringify(added)).not.toContain(enabled.secret)
    expect(deepKeys(added).filter((key) => SECRET_KEYS.test(key))).toEqual([])

    const response = await call(`/api/user/two-factor/${user.id}?code=${enabled.recoveryCodes[0] ?? ''}`, { method: 'DELETE' })
    expect(response.status).toBe(200)
    const removed = await eventOf(receiver, 'user.two-factor.method.remove')
    expect(fieldsOf(removed)).toEqual(METHOD_EVENT_FIELDS)
    expect(removed.method).toEqual(view)
    expect(removed.user).toMatchObject({ id: user.id, twoFactor: { methods: [] } })
  })

  it('a wrong code (421) removes nothing and sends nothing', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.two-factor.method.add': 'None', 'user.two-factor.method.remove': 'None' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    await enableAuthenticator(user.id, stepStart())
    await eventOf(receiver, 'user.two-factor.method.add')
    expect((await call(`/api/user/two-factor/${user.id}?code=000000`, { method: 'DELETE' })).status).toBe(421)
    // A second method added afterwards shows the queue has delivered what came before it.
    await enableAuthenticator(user.id, stepStart() + 60_000)
    await eventsOf(receiver, 'user.two-factor.method.add', 2)
    expect((await received(receiver)).some((e) => e.type === 'user.two-factor.method.remove')).toBe(false)
  })
})
