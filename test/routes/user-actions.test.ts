import { describe, expect, it } from 'vitest'
import { createApplication } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { type LoginBody, PASSWORD, createPreventLoginAction, errorCodes, login, loginOk, world } from './session-fixtures'

interface DefinitionBody extends LoginBody {
  userAction?: { id: string; name: string; preventLogin: boolean; temporal: boolean; active: boolean }
  userActions?: { id: string }[]
}
interface ActionBody extends LoginBody {
  action?: Record<string, unknown> & { id: string; history?: { historyItems: Record<string, unknown>[] } }
}

const uniqueName = () => `action-${crypto.randomUUID()}`
const take = (action: Record<string, unknown>, extra: { tenantId?: string; nowMillis?: number } = {}) =>
  call('/api/user/action', { body: { action }, ...extra })

describe('/api/user-action definitions', () => {
  it('creates, retrieves, updates, soft-deletes, reactivates and hard-deletes', async () => {
    const name = uniqueName()
    const created = await call('/api/user-action', { body: { userAction: { name, preventLogin: true, temporal: true } } })
    expect(created.status).toBe(200)
    const { userAction } = await json<DefinitionBody>(created)
    expect(userAction).toMatchObject({ name, preventLogin: true, temporal: true, active: true })
    const id = userAction?.id ?? ''

    expect((await json<DefinitionBody>(await call(`/api/user-action/${id}`))).userAction?.name).toBe(name)
    const updated = await call(`/api/user-action/${id}`, { method: 'PUT', body: { userAction: { name: `${name}-2`, temporal: true } } })
    expect((await json<DefinitionBody>(updated)).userAction).toMatchObject({ name: `${name}-2`, preventLogin: false })

    expect((await call(`/api/user-action/${id}`, { method: 'DELETE' })).status).toBe(200)
    const active = await json<DefinitionBody>(await call('/api/user-action'))
    expect(active.userActions?.some((a) => a.id === id)).toBe(false)
    const inactive = await json<DefinitionBody>(await call('/api/user-action?inactive=true'))
    expect(inactive.userActions?.some((a) => a.id === id)).toBe(true)
    const reactivated = await call(`/api/user-action/${id}?reactivate=true`, { method: 'PUT' })
    expect((await json<DefinitionBody>(reactivated)).userAction?.active).toBe(true)

    expect((await call(`/api/user-action/${id}?hardDelete=true`, { method: 'DELETE' })).status).toBe(200)
    await expectEmpty(await call(`/api/user-action/${id}`), 404)
  })

  it('creates with a chosen id and validates: duplicates, blank name, preventLogin without temporal', async () => {
    const id = crypto.randomUUID()
    const name = uniqueName()
    expect((await call(`/api/user-action/${id}`, { body: { userAction: { name } } })).status).toBe(200)
    const again = await call(`/api/user-action/${id}`, { body: { userAction: { name: uniqueName() } } })
    expect(errorCodes(await json<LoginBody>(again), 'userActionId')).toEqual(['[duplicate]userActionId'])
    const sameName = await call('/api/user-action', { body: { userAction: { name: name.toUpperCase() } } })
    expect(errorCodes(await json<LoginBody>(sameName), 'userAction.name')).toEqual(['[duplicate]userAction.name'])
    const blank = await call('/api/user-action', { body: { userAction: {} } })
    expect(errorCodes(await json<LoginBody>(blank), 'userAction.name')).toEqual(['[blank]userAction.name'])
    const notTemporal = await call('/api/user-action', { body: { userAction: { name: uniqueName(), preventLogin: true } } })
    expect(errorCodes(await json<LoginBody>(notTemporal), 'userAction.temporal')).toEqual(['[invalid]userAction.temporal'])
    const wrongType = await call('/api/user-action', { body: { userAction: { name: uniqueName(), temporal: 'yes' } } })
    expect(errorCodes(await json<LoginBody>(wrongType), 'userAction.temporal')).toEqual(['[invalid]userAction.temporal'])
  })

  it('refuses without a key, answers malformed JSON with 400 and unknown ids with 404', async () => {
    await expectEmpty(await call('/api/user-action', { apiKey: null }), 401)
    await expectEmpty(await call('/api/user-action', { body: { userAction: { name: uniqueName() } }, apiKey: 'nope' }), 401)
    const malformed = await call('/api/user-action', { rawBody: '{"userAction": {' })
    expect((await json<LoginBody>(malformed)).generalErrors?.[0]?.code).toBe('[invalid]')
    await expectEmpty(await call(`/api/user-action/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call('/api/user-action/not-a-uuid', { method: 'DELETE' }), 404)
  })
})

describe('/api/user/action: actions taken on users', () => {
  it('a prevent-login action answers login with 409 {actions}, revokes refresh tokens, and cancels', async () => {
    const w = await world()
    const actionId = await createPreventLoginAction()
    const session = await loginOk(w)
    const t0 = Date.now() + 1000
    const taken = await take(
      { actioneeUserId: w.user.id, userActionId: actionId, expiry: t0 + 3_600_000, comment: 'cool off', reason: 'ignored' },
      { nowMillis: t0 },
    )
    expect(taken.status).toBe(200)
    const { action } = await json<ActionBody>(taken)
    expect(action).toMatchObject({
      actioneeUserId: w.user.id,
      userActionId: actionId,
      expiry: t0 + 3_600_000,
      comment: 'cool off',
      createInstant: t0,
    })

    const refused = await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id }, t0 + 1000)
    expect(refused.status).toBe(409)
    const body = await json<LoginBody>(refused)
    expect(body.actions).toHaveLength(1)
    expect(Object.keys(body.actions?.[0] ?? {}).sort()).toEqual(['actionId', 'expiry', 'localizedName', 'name'])
    expect(body.actions?.[0]?.actionId).toBe(actionId)
    expect(
      (await call('/api/jwt/refresh', { body: { refreshToken: session.refreshToken }, apiKey: null, nowMillis: t0 + 1000 })).status,
    ).toBe(400)

    const id = action?.id ?? ''
    expect((await json<ActionBody>(await call(`/api/user/action/${id}`))).action?.id).toBe(id)
    const listed = await json<{ actions: { id: string }[] }>(
      await call(`/api/user/action?userId=${w.user.id}&preventingLogin=true`, { nowMillis: t0 + 1000 }),
    )
    expect(listed.actions.map((a) => a.id)).toEqual([id])

    const canceled = await call(`/api/user/action/${id}`, {
      method: 'DELETE',
      body: { action: { comment: 'forgiven' } },
      nowMillis: t0 + 2000,
    })
    expect(canceled.status).toBe(200)
    const after = (await json<ActionBody>(canceled)).action
    expect(after).toMatchObject({ comment: 'forgiven', expiry: t0 + 2000 })
    expect(after?.history?.historyItems[0]).toMatchObject({ comment: 'cool off', expiry: t0 + 3_600_000 })
    expect((await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id }, t0 + 3000)).status).toBe(200)
    const inactive = await json<{ actions: { id: string }[] }>(
      await call(`/api/user/action?userId=${w.user.id}&active=false`, { nowMillis: t0 + 3000 }),
    )
    expect(inactive.actions.map((a) => a.id)).toEqual([id])
    // Canceling twice: the action is no longer in force.
    const twice = await call(`/api/user/action/${id}`, { method: 'DELETE', nowMillis: t0 + 4000 })
    expect(errorCodes(await json<LoginBody>(twice), 'actionId')).toEqual(['[invalid]actionId'])
  })

  it('scopes an action to its applications and ends it at its expiry', async () => {
    const w = await world()
    const otherApp = await createApplication(w.tenant.id)
    const actionId = await createPreventLoginAction()
    const t0 = Date.now() + 1000
    await take(
      { actioneeUserId: w.user.id, userActionId: actionId, expiry: t0 + 60_000, applicationIds: [w.application.id] },
      { nowMillis: t0 },
    )
    expect((await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id }, t0 + 1000)).status).toBe(409)
    // Not registered for the other application (202), but not prevented either.
    expect((await login({ loginId: w.email, password: PASSWORD, applicationId: otherApp.id }, t0 + 1000)).status).toBe(202)
    expect((await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id }, t0 + 60_001)).status).toBe(200)
  })

  it("accepts FusionAuth's indefinite expiry (Long.MAX_VALUE)", async () => {
    const w = await world()
    const actionId = await createPreventLoginAction()
    const response = await call('/api/user/action', {
      rawBody: `{"action":{"actioneeUserId":"${w.user.id}","userActionId":"${actionId}","expiry":9223372036854775807}}`,
    })
    expect(response.status).toBe(200)
    expect((await json<ActionBody>(response)).action?.expiry).toBe(Number.MAX_SAFE_INTEGER)
    expect((await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id })).status).toBe(409)
  })

  it('validates the action: missing, unknown, other-tenant and past values', async () => {
    const w = await world()
    const other = await world()
    const actionId = await createPreventLoginAction()
    const missing = await json<LoginBody>(await take({}))
    expect(errorCodes(missing, 'action.actioneeUserId')).toEqual(['[missing]action.actioneeUserId'])
    expect(errorCodes(missing, 'action.userActionId')).toEqual(['[missing]action.userActionId'])
    const unknown = await json<LoginBody>(
      await take({ actioneeUserId: crypto.randomUUID(), userActionId: crypto.randomUUID(), expiry: Date.now() + 60_000 }),
    )
    expect(errorCodes(unknown, 'action.actioneeUserId')).toEqual(['[invalid]action.actioneeUserId'])
    expect(errorCodes(unknown, 'action.userActionId')).toEqual(['[invalid]action.userActionId'])
    const foreign = await json<LoginBody>(
      await take({ actioneeUserId: w.user.id, userActionId: actionId, expiry: Date.now() + 60_000 }, { tenantId: other.tenant.id }),
    )
    expect(errorCodes(foreign, 'action.actioneeUserId')).toEqual(['[invalid]action.actioneeUserId'])
    const noExpiry = await json<LoginBody>(await take({ actioneeUserId: w.user.id, userActionId: actionId }))
    expect(errorCodes(noExpiry, 'action.expiry')).toEqual(['[missing]action.expiry'])
    const past = await json<LoginBody>(await take({ actioneeUserId: w.user.id, userActionId: actionId, expiry: 1000 }))
    expect(errorCodes(past, 'action.expiry')).toEqual(['[invalid]action.expiry'])
    const typed = await json<LoginBody>(await take({ actioneeUserId: 42, userActionId: actionId, expiry: 'soon' }))
    expect(errorCodes(typed, 'action.actioneeUserId')).toEqual(['[invalid]action.actioneeUserId'])
    expect(errorCodes(typed, 'action.expiry')).toEqual(['[invalid]action.expiry'])
    await expectEmpty(
      await call('/api/user/action', { body: { action: { actioneeUserId: w.user.id, userActionId: actionId } }, apiKey: null }),
      401,
    )
    await expectEmpty(await call(`/api/user/action?userId=${w.user.id}`, { apiKey: null }), 401)
    const badUser = await call('/api/user/action?userId=nope')
    expect(errorCodes(await json<LoginBody>(badUser), 'userId')).toEqual(['[couldNotConvert]userId'])
    await expectEmpty(await call(`/api/user/action?userId=${crypto.randomUUID()}`), 404)
    await expectEmpty(await call(`/api/user/action/${crypto.randomUUID()}`), 404)
    await expectEmpty(await call(`/api/user/action?userId=${w.user.id}`, { tenantId: other.tenant.id }), 404)
  })
})
