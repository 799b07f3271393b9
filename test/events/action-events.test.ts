/**
 * user.action through the User Action API: taking an action (`phase: start`), modifying it (`modify`) and canceling
 * it (`cancel`), with FusionAuth's UserActionEvent fields flat on the event. Transactional: a refusing webhook is
 * 504, and the action is neither taken nor changed.
 */
import { describe, expect, it } from 'vitest'
import { createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { uniqueName } from '../routes/admin-fixtures'
import { answerWith, eventTenant, fieldsOf, only, received } from './receiver'

const CALLER = { 'X-Forwarded-For': '203.0.113.50', 'User-Agent': 'action-tests' }

async function definition(): Promise<string> {
  const response = await call('/api/user-action', {
    body: { userAction: { name: uniqueName('mute'), temporal: true, options: [{ name: 'soft' }] } },
  })
  expect(response.status).toBe(200)
  return (await json<{ userAction: { id: string } }>(response)).userAction.id
}

const actionsOf = async (userId: string) =>
  (await json<{ actions: { id: string; expiry: number }[] }>(await call(`/api/user/action?userId=${userId}`))).actions

describe('user.action', () => {
  it('start, modify, cancel: each a user.action with its phase and the action fields', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.action': 'Any' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const actionee = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const actioner = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const userActionId = await definition()
    const expiry = Date.now() + 3_600_000
    const taken = await call('/api/user/action', {
      headers: CALLER,
      body: {
        action: {
          actioneeUserId: actionee.id,
          actionerUserId: actioner.id,
          userActionId,
          expiry,
          comment: 'a comment',
          option: 'soft',
          notifyUser: true,
        },
      },
    })
    expect(taken.status).toBe(200)
    const { action } = await json<{ action: { id: string; name: string } }>(taken)
    const [start] = await received(receiver)
    expect(fieldsOf(start ?? {})).toEqual(
      [
        'action',
        'actionId',
        'actioneeUserId',
        'actionerUserId',
        'comment',
        'createInstant',
        'emailedUser',
        'expiry',
        'id',
        'info',
        'localizedAction',
        'localizedOption',
        'notifyUser',
        'option',
        'phase',
        'tenantId',
        'type',
      ].sort(),
    )
    expect(start).toMatchObject({
      type: 'user.action',
      tenantId: tenant.id,
      phase: 'start',
      action: action.name,
      localizedAction: action.name,
      actionId: userActionId,
      actioneeUserId: actionee.id,
      actionerUserId: actioner.id,
      comment: 'a comment',
      expiry,
      option: 'soft',
      localizedOption: 'soft',
      notifyUser: true,
      emailedUser: false,
      info: { ipAddress: '203.0.113.50', userAgent: 'action-tests' },
    })

    const later = expiry + 60_000
    expect(
      (await call(`/api/user/action/${action.id}`, { method: 'PUT', body: { action: { expiry: later, comment: 'longer' } } })).status,
    ).toBe(200)
    expect((await received(receiver))[1]).toMatchObject({ phase: 'modify', expiry: later, comment: 'longer', actioneeUserId: actionee.id })
    expect((await call(`/api/user/action/${action.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await received(receiver))[2]).toMatchObject({ phase: 'cancel', actionId: userActionId, actioneeUserId: actionee.id })
    expect(await received(receiver)).toHaveLength(3)
  })

  it('refused: taking is 504 and no action exists; modifying is 504 and the expiry stays', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.action': 'Any' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const actionee = await createUser({ tenantId: tenant.id, email: uniqueEmail() })
    const userActionId = await definition()
    const expiry = Date.now() + 3_600_000
    const take = { body: { action: { actioneeUserId: actionee.id, userActionId, expiry } } }
    await answerWith(receiver, 'fail')
    await expectEmpty(await call('/api/user/action', take), 504)
    expect(await actionsOf(actionee.id)).toEqual([])

    await answerWith(receiver, 'ok')
    const { action } = await json<{ action: { id: string } }>(await call('/api/user/action', take))
    await answerWith(receiver, 'fail')
    await expectEmpty(await call(`/api/user/action/${action.id}`, { method: 'PUT', body: { action: { expiry: expiry + 1000 } } }), 504)
    await expectEmpty(await call(`/api/user/action/${action.id}`, { method: 'DELETE' }), 504)
    expect(await actionsOf(actionee.id)).toMatchObject([{ id: action.id, expiry }])
  })

  it('bad input (unknown actionee) is the same 400 and sends nothing', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.action': 'Any' })
    const response = await call('/api/user/action', {
      body: { action: { actioneeUserId: crypto.randomUUID(), userActionId: await definition(), expiry: Date.now() + 60_000 } },
    })
    expect(response.status).toBe(400)
    expect(await received(only({ tenant, receivers }))).toEqual([])
  })
})
