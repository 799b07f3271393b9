/**
 * The Group API's events through the real routes, delivered to the suite's receiver: group.create / update / delete
 * and group.member.add / remove / update, each with its `.complete`, in FusionAuth's shapes. A transactional event
 * the webhook refuses answers 504 and stores nothing; bad input sends nothing.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { EventType } from '../../src/domain/events/event-types'
import type { TransactionType } from '../../src/domain/events/transaction-types'
import { createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { createApplication, createTenant, uniqueName } from '../routes/admin-fixtures'
import { PASSWORD } from '../routes/session-fixtures'
import { type Mode, createWebhook, eventIn, eventuallyReceived, hookUrl, receivedBy, sends } from './delivery-fixtures'

const CALLER = { 'X-Forwarded-For': '203.0.113.7', 'User-Agent': 'group-events/1.0' }

/**
 * A tenant sending `types` to one webhook answering `mode`: transactional types under `transactionType` (delivered
 * during the request, so a test reads them at once), the `.complete` ones queued.
 */
async function groupWorld(types: EventType[], transactionType: TransactionType = 'Any', mode: Mode = 'ok') {
  const tenant = await createTenant(
    sends(Object.fromEntries(types.map((type) => [type, type.endsWith('.complete') ? 'None' : transactionType]))),
  )
  const { inbox, url } = hookUrl(mode)
  await createWebhook({ url, eventsEnabled: types, tenantIds: [tenant.id] })
  return { tenantId: tenant.id, inbox }
}

const groupCall = (tenantId: string, path: string, init: { method?: string; body?: unknown } = {}) =>
  call(path, { tenantId, headers: CALLER, ...init })

async function createGroup(tenantId: string, body: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const response = await call('/api/group', { tenantId, body: { group: { name: uniqueName('group') }, ...body } })
  expect(response.status, await response.clone().text()).toBe(200)
  return (await json<{ group: { id: string; name: string } }>(response)).group
}

const newUser = (tenantId: string) => createUser({ tenantId, email: uniqueEmail(), password: PASSWORD })

const eventsOf = async (inbox: string): Promise<Record<string, unknown>[]> => (await receivedBy(inbox)).map(eventIn)

/** The one event of `type` among `events`. */
function only(events: readonly Record<string, unknown>[], type: EventType): Record<string, unknown> | undefined {
  const found = events.filter((event) => event.type === type)
  expect(found.length, type).toBe(1)
  return found[0]
}

async function memberCount(groupId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?').bind(groupId).first<{ n: number }>()
  return row?.n ?? 0
}

describe('group events', () => {
  it('create, update (with original) and delete send their events and .complete twins, group with roles', async () => {
    const { tenantId, inbox } = await groupWorld([
      'group.create',
      'group.create.complete',
      'group.update',
      'group.update.complete',
      'group.delete',
      'group.delete.complete',
    ])
    const application = await createApplication(tenantId, { roles: [{ name: 'admin' }] })
    const roleId = (await json<{ application: { roles: { id: string }[] } }>(await call(`/api/application/${application.id}`))).application
      .roles[0]?.id
    const created = await groupCall(tenantId, '/api/group', { body: { group: { name: 'Readers', data: { a: 1 } }, roleIds: [roleId] } })
    expect(created.status).toBe(200)
    const group = (await json<{ group: Record<string, unknown> & { id: string } }>(created)).group
    const create = only(await eventsOf(inbox), 'group.create')
    expect(create).toMatchObject({
      type: 'group.create',
      tenantId,
      info: { ipAddress: '203.0.113.7', userAgent: 'group-events/1.0' },
      group: { id: group.id, name: 'Readers', data: { a: 1 }, roles: { [application.id]: [{ id: roleId, name: 'admin' }] } },
    })
    expect(create?.group).toEqual(group)
    expect(Object.keys(create ?? {}).sort()).toEqual(['createInstant', 'group', 'id', 'info', 'tenantId', 'type'])

    const updated = await groupCall(tenantId, `/api/group/${group.id}`, { method: 'PATCH', body: { group: { name: 'Writers' } } })
    expect(updated.status).toBe(200)
    const after = (await json<{ group: Record<string, unknown> }>(updated)).group
    const update = only(await eventsOf(inbox), 'group.update')
    expect(update).toMatchObject({ type: 'group.update', original: group, group: after })
    expect(update?.group).toEqual(after)
    expect(update?.group).toMatchObject({ roles: group.roles }) // PATCH without roleIds keeps them

    expect((await groupCall(tenantId, `/api/group/${group.id}`, { method: 'DELETE' })).status).toBe(200)
    expect(only(await eventsOf(inbox), 'group.delete')).toMatchObject({ group: after })
    // The .complete twins, queued after each commit, with the same bodies.
    const all = (await eventuallyReceived(inbox, 6)).map(eventIn)
    expect(only(all, 'group.create.complete')).toMatchObject({ group })
    expect(only(all, 'group.update.complete')).toMatchObject({ original: { name: 'Readers' }, group: { name: 'Writers' } })
    expect(only(all, 'group.delete.complete')).toMatchObject({ group: { id: group.id } })
  })

  it('member add, remove and update carry the group and the members they concern', async () => {
    const { tenantId, inbox } = await groupWorld(['group.member.add', 'group.member.remove', 'group.member.update'])
    const group = await createGroup(tenantId)
    const [first, second, third] = [await newUser(tenantId), await newUser(tenantId), await newUser(tenantId)]
    const added = await groupCall(tenantId, '/api/group/member', {
      body: { members: { [group.id]: [{ userId: first.id, data: { role: 'lead' } }, { userId: second.id }] } },
    })
    const members = (await json<{ members: Record<string, { id: string; userId: string }[]> }>(added)).members[group.id] ?? []
    const [add] = await eventsOf(inbox)
    expect(Object.keys(add ?? {}).sort()).toEqual(['createInstant', 'group', 'id', 'info', 'members', 'tenantId', 'type'])
    expect(add).toMatchObject({ type: 'group.member.add', group: { id: group.id, name: group.name, roles: {} } })
    expect(add?.members).toEqual(members)

    // Adding a member again adds nobody: no event. Then one member removed by id.
    expect((await groupCall(tenantId, '/api/group/member', { body: { members: { [group.id]: [{ userId: first.id }] } } })).status).toBe(200)
    expect((await groupCall(tenantId, `/api/group/member/${members[0]?.id}`, { method: 'DELETE' })).status).toBe(200)
    const [, remove, ...more] = await eventsOf(inbox)
    expect(more).toEqual([])
    expect(remove).toMatchObject({ type: 'group.member.remove', group: { id: group.id }, members: [members[0]] })

    // PUT replaces: the members after.
    const replaced = await groupCall(tenantId, '/api/group/member', {
      method: 'PUT',
      body: { members: { [group.id]: [{ userId: third.id }] } },
    })
    const now = (await json<{ members: Record<string, unknown[]> }>(replaced)).members[group.id]
    const [, , update] = await eventsOf(inbox)
    expect(update).toMatchObject({ type: 'group.member.update', group: { id: group.id } })
    expect(update?.members).toEqual(now)

    // By groupId and userId: a remove. Emptying the group: an update with no members.
    expect((await groupCall(tenantId, `/api/group/member?groupId=${group.id}&userId=${third.id}`, { method: 'DELETE' })).status).toBe(200)
    await groupCall(tenantId, '/api/group/member', { body: { members: { [group.id]: [{ userId: second.id }] } } })
    expect((await groupCall(tenantId, `/api/group/member?groupId=${group.id}`, { method: 'DELETE' })).status).toBe(200)
    const received = await eventsOf(inbox)
    expect(received.slice(3).map((event) => [event.type, (event.members as { userId: string }[]).map((m) => m.userId)])).toEqual([
      ['group.member.remove', [third.id]],
      ['group.member.add', [second.id]],
      ['group.member.update', []],
    ])
  })

  it('a transactional group event the webhook refuses answers 504 and stores nothing', async () => {
    const { tenantId, inbox } = await groupWorld(
      ['group.create', 'group.update', 'group.delete', 'group.member.add', 'group.member.remove', 'group.member.update'],
      'AbsoluteMajority',
      'fail',
    )
    const name = uniqueName('refused')
    await expectEmpty(await groupCall(tenantId, '/api/group', { body: { group: { name } } }), 504)
    const { results } = await env.DB.prepare('SELECT id FROM user_groups WHERE tenant_id = ? AND name = ?').bind(tenantId, name).all()
    expect(results).toEqual([])

    // A group written behind the webhook's back, to refuse its update, its members and its deletion.
    const id = crypto.randomUUID()
    const now = Date.now()
    const stored = { id, tenantId, name: uniqueName('kept'), insertInstant: now, lastUpdateInstant: now }
    await env.DB.prepare(
      'INSERT INTO user_groups (id, tenant_id, name, data, insert_instant, last_update_instant) VALUES (?, ?, ?, ?, ?, ?)',
    )
      .bind(id, tenantId, stored.name, JSON.stringify(stored), now, now)
      .run()
    const user = await newUser(tenantId)
    await expectEmpty(await groupCall(tenantId, `/api/group/${id}`, { method: 'PUT', body: { group: { name: 'renamed' } } }), 504)
    await expectEmpty(await groupCall(tenantId, '/api/group/member', { body: { members: { [id]: [{ userId: user.id }] } } }), 504)
    await expectEmpty(
      await groupCall(tenantId, '/api/group/member', { method: 'PUT', body: { members: { [id]: [{ userId: user.id }] } } }),
      504,
    )
    expect(await memberCount(id)).toBe(0)
    await env.DB.prepare('INSERT INTO group_members (id, group_id, user_id, data, insert_instant) VALUES (?, ?, ?, ?, ?)')
      .bind(crypto.randomUUID(), id, user.id, JSON.stringify({ groupId: id, userId: user.id }), now)
      .run()
    await expectEmpty(await groupCall(tenantId, `/api/group/member?groupId=${id}&userId=${user.id}`, { method: 'DELETE' }), 504)
    await expectEmpty(await groupCall(tenantId, `/api/group/member?groupId=${id}`, { method: 'DELETE' }), 504)
    expect(await memberCount(id)).toBe(1)
    await expectEmpty(await groupCall(tenantId, `/api/group/${id}`, { method: 'DELETE' }), 504)
    const group = await call(`/api/group/${id}`, { tenantId })
    expect((await json<{ group: { name: string } }>(group)).group.name).toBe(stored.name)
    expect((await receivedBy(inbox)).map((request) => eventIn(request).type)).toEqual([
      'group.create',
      'group.update',
      'group.member.add',
      'group.member.update',
      'group.member.remove',
      'group.member.update',
      'group.delete',
    ])
  })

  it('bad input sends nothing', async () => {
    const { tenantId, inbox } = await groupWorld(['group.create', 'group.update', 'group.member.add', 'group.member.remove'])
    const group = await createGroup(tenantId)
    expect((await groupCall(tenantId, '/api/group', { body: { group: { name: group.name } } })).status).toBe(400)
    expect((await groupCall(tenantId, `/api/group/${group.id}`, { method: 'PUT', body: { group: {} } })).status).toBe(400)
    const unknownUser = { members: { [group.id]: [{ userId: crypto.randomUUID() }] } }
    expect((await groupCall(tenantId, '/api/group/member', { body: unknownUser })).status).toBe(400)
    expect((await groupCall(tenantId, '/api/group/member', { body: { members: { 'not-a-uuid': [] } } })).status).toBe(400)
    expect((await groupCall(tenantId, `/api/group/member/${crypto.randomUUID()}`, { method: 'DELETE' })).status).toBe(404)
    // Delivered during the request: the create above is all that was sent.
    expect((await eventsOf(inbox)).map((event) => event.type)).toEqual(['group.create'])
  })
})
