import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createUser, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, createApplication, createTenant, fieldCodes, generalCodes, uniqueName } from './admin-fixtures'
import { countingD1 } from '../support/counting-d1'
import { callWith } from '../support/worker-call'
import { claimsOf, PASSWORD } from './session-fixtures'

interface Member {
  id: string
  groupId: string
  userId: string
  data?: Record<string, unknown>
  insertInstant: number
}
type Members = Record<string, Member[]>

async function newGroup(tenantId: string, body: Record<string, unknown> = {}): Promise<string> {
  const response = await call('/api/group', { tenantId, body: { group: { name: uniqueName('group') }, ...body } })
  expect(response.status).toBe(200)
  return (await json<{ group: { id: string } }>(response)).group.id
}

const user = (tenantId: string, registrations: { applicationId: string; roles?: string[] }[] = []) =>
  createUser({ tenantId, email: uniqueEmail(), password: PASSWORD, registrations })

async function membersOf(response: Response): Promise<Members> {
  if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${await response.text()}`)
  return (await json<{ members: Members }>(response)).members
}

const addMembers = (members: unknown, tenantId?: string, method = 'POST') =>
  call('/api/group/member', { method, body: { members }, ...(tenantId === undefined ? {} : { tenantId }) })

async function userView(id: string): Promise<{ memberships?: Member[] }> {
  return (await json<{ user: { memberships?: Member[] } }>(await call(`/api/user/${id}`))).user
}

describe('POST /api/group/member', () => {
  it('adds users with data and a given id, answering the members by group; the users show their memberships', async () => {
    const tenant = await createTenant()
    const groupId = await newGroup(tenant.id)
    const [first, second] = [await user(tenant.id), await user(tenant.id)]
    const memberId = crypto.randomUUID()
    const members = await membersOf(
      await addMembers({ [groupId]: [{ userId: first.id, data: { note: 'lead' }, id: memberId }, { userId: second.id }] }),
    )
    expect(members[groupId]).toEqual([
      { data: { note: 'lead' }, groupId, id: memberId, insertInstant: expect.any(Number), userId: first.id },
      { groupId, id: expect.any(String), insertInstant: expect.any(Number), userId: second.id },
    ])
    expect((await userView(first.id)).memberships).toEqual([members[groupId]?.[0]])
    // Adding a member again keeps its membership as it was.
    const again = await membersOf(await addMembers({ [groupId]: [{ userId: first.id, data: { note: 'changed' } }] }))
    expect(again[groupId]).toEqual([members[groupId]?.[0]])
    // A user without memberships shows none.
    expect((await userView((await user(tenant.id)).id)).memberships).toBeUndefined()
  })

  it('adds 250 members in one request (past D1’s 100 bound parameters)', async () => {
    const tenant = await createTenant()
    const groupId = await newGroup(tenant.id)
    const ids: string[] = []
    const now = Date.now()
    const statements: D1PreparedStatement[] = []
    for (let i = 0; i < 250; i += 1) {
      const id = crypto.randomUUID()
      ids.push(id)
      const data = {
        id,
        tenantId: tenant.id,
        active: true,
        verified: true,
        passwordChangeRequired: false,
        insertInstant: now,
        lastUpdateInstant: now,
      }
      statements.push(
        env.DB.prepare(
          'INSERT INTO users (id, tenant_id, active, data, insert_instant, last_update_instant) VALUES (?, ?, 1, ?, ?, ?)',
        ).bind(id, tenant.id, JSON.stringify(data), now, now),
      )
    }
    await env.DB.batch(statements)
    const members = await membersOf(await addMembers({ [groupId]: ids.map((userId) => ({ userId })) }))
    expect(members[groupId]?.map((m) => m.userId)).toEqual(ids)
    const search = await json<{ total: number }>(await call(`/api/group/member/search?groupId=${groupId}`))
    expect(search.total).toBe(250)
    const removed = await call('/api/group/member', { method: 'DELETE', body: { members: { [groupId]: ids } } })
    expect(removed.status).toBe(200)
    expect((await json<{ total: number }>(await call(`/api/group/member/search?groupId=${groupId}`))).total).toBe(0)
  })

  it('refuses unknown groups, users of another tenant and unknown users, writing nothing', async () => {
    const tenant = await createTenant()
    const other = await createTenant()
    const groupId = await newGroup(tenant.id)
    const otherGroup = await newGroup(other.id)
    const mine = await user(tenant.id)
    const foreign = await user(other.id)
    expect(await fieldCodes(await addMembers({ [crypto.randomUUID()]: [{ userId: mine.id }] }))).toEqual(['[invalid]groupId'])
    expect(
      await fieldCodes(await addMembers({ [groupId]: [{ userId: mine.id }, { userId: foreign.id }, { userId: crypto.randomUUID() }] })),
    ).toEqual([`[invalid]members[${groupId}][1].userId`, `[invalid]members[${groupId}][2].userId`])
    expect((await userView(mine.id)).memberships).toBeUndefined()
    // A scoped request does not see another tenant's group.
    expect(await fieldCodes(await addMembers({ [otherGroup]: [{ userId: foreign.id }] }, tenant.id))).toEqual(['[invalid]groupId'])
    const locked = await createApiKey({ tenantId: tenant.id })
    const viaLockedKey = await call('/api/group/member', {
      apiKey: locked.key,
      body: { members: { [otherGroup]: [{ userId: foreign.id }] } },
    })
    expect(await fieldCodes(viaLockedKey)).toEqual(['[invalid]groupId'])
  })

  it('refuses malformed and wrong-typed requests with Errors JSON, never a 500', async () => {
    const tenant = await createTenant()
    const groupId = await newGroup(tenant.id)
    const mine = await user(tenant.id)
    expect(await generalCodes(await call('/api/group/member', { rawBody: '{"members": ' }))).toEqual(['[invalid]'])
    expect(await generalCodes(await call('/api/group/member', { method: 'POST' }))).toEqual(['[missing]'])
    expect(await fieldCodes(await call('/api/group/member', { body: {} }))).toEqual(['[missing]members'])
    expect(await fieldCodes(await addMembers('text'))).toEqual(['[invalid]members'])
    expect(await fieldCodes(await addMembers({ 'not-a-uuid': [{ userId: mine.id }] }))).toEqual(['[invalid]members'])
    expect(await fieldCodes(await addMembers({ [groupId]: 'x' }))).toEqual([`[invalid]members[${groupId}]`])
    expect(await fieldCodes(await addMembers({ [groupId]: [7] }))).toEqual([`[invalid]members[${groupId}][0]`])
    expect(await fieldCodes(await addMembers({ [groupId]: [{}] }))).toEqual([`[blank]members[${groupId}][0].userId`])
    expect(await fieldCodes(await addMembers({ [groupId]: [{ userId: 'nope' }] }))).toEqual([`[invalid]members[${groupId}][0].userId`])
    expect(await fieldCodes(await addMembers({ [groupId]: [{ userId: mine.id, data: [1] }] }))).toEqual([
      `[invalid]members[${groupId}][0].data`,
    ])
    expect(await fieldCodes(await addMembers({ [groupId]: [] }))).toEqual(['[missing]members'])
    const id = crypto.randomUUID()
    const twice = await addMembers({
      [groupId]: [
        { userId: mine.id, id },
        { userId: (await user(tenant.id)).id, id },
      ],
    })
    expect(await fieldCodes(twice)).toEqual([`[duplicate]members[${groupId}][1].id`])
    const deep = `{"members": {"${groupId}": [{"userId": "${mine.id}", "data": ${'['.repeat(300)}${']'.repeat(300)}}]}}`
    expect((await call('/api/group/member', { rawBody: deep })).status).toBe(400)
  })
})

describe('PUT and DELETE /api/group/member', () => {
  it('PUT replaces a group’s members; an empty list empties it', async () => {
    const tenant = await createTenant()
    const groupId = await newGroup(tenant.id)
    const [a, b, c] = [await user(tenant.id), await user(tenant.id), await user(tenant.id)]
    await membersOf(await addMembers({ [groupId]: [{ userId: a.id }, { userId: b.id }] }))
    const replaced = await membersOf(await addMembers({ [groupId]: [{ userId: c.id }] }, undefined, 'PUT'))
    expect(replaced[groupId]?.map((m) => m.userId)).toEqual([c.id])
    expect((await userView(a.id)).memberships).toBeUndefined()
    expect(await membersOf(await addMembers({ [groupId]: [] }, undefined, 'PUT'))).toEqual({ [groupId]: [] })
    expect((await userView(c.id)).memberships).toBeUndefined()
  })

  it('DELETE by member id, by group and user, by body, and all of a group; 404 for what does not exist', async () => {
    const tenant = await createTenant()
    const groupId = await newGroup(tenant.id)
    const users = [await user(tenant.id), await user(tenant.id), await user(tenant.id), await user(tenant.id)]
    const members = (await membersOf(await addMembers({ [groupId]: users.map((u) => ({ userId: u.id })) })))[groupId] ?? []
    const [m0, m1, m2] = members
    if (m0 === undefined || m1 === undefined || m2 === undefined) throw new Error('members missing')

    expect((await call(`/api/group/member/${m0.id}`, { method: 'DELETE' })).status).toBe(200)
    await expectEmpty(await call(`/api/group/member/${m0.id}`, { method: 'DELETE' }), 404)
    expect((await call(`/api/group/member?groupId=${groupId}&userId=${m1.userId}`, { method: 'DELETE' })).status).toBe(200)
    await expectEmpty(await call(`/api/group/member?groupId=${groupId}&userId=${m1.userId}`, { method: 'DELETE' }), 404)
    expect((await call('/api/group/member', { method: 'DELETE', body: { memberIds: [m2.id] } })).status).toBe(200)
    expect((await userView(m2.userId)).memberships).toBeUndefined()
    expect((await call(`/api/group/member?groupId=${groupId}`, { method: 'DELETE' })).status).toBe(200)
    expect((await json<{ total: number }>(await call(`/api/group/member/search?groupId=${groupId}`))).total).toBe(0)

    await expectEmpty(await call(`/api/group/member?groupId=${crypto.randomUUID()}`, { method: 'DELETE' }), 404)
    expect(await fieldCodes(await call('/api/group/member?groupId=nope', { method: 'DELETE' }))).toEqual(['[couldNotConvert]groupId'])
    expect(await generalCodes(await call('/api/group/member', { method: 'DELETE' }))).toEqual(['[missing]'])
    expect(await fieldCodes(await call('/api/group/member', { method: 'DELETE', body: { memberIds: 'x' } }))).toEqual([
      '[invalid]memberIds',
    ])
  })

  it('a scoped request cannot remove another tenant’s memberships', async () => {
    const tenant = await createTenant()
    const other = await createTenant()
    const groupId = await newGroup(other.id)
    const foreign = await user(other.id)
    const [member] = (await membersOf(await addMembers({ [groupId]: [{ userId: foreign.id }] })))[groupId] ?? []
    if (member === undefined) throw new Error('member missing')
    await expectEmpty(await call(`/api/group/member/${member.id}`, { method: 'DELETE', tenantId: tenant.id }), 404)
    await expectEmpty(await call(`/api/group/member?groupId=${groupId}`, { method: 'DELETE', tenantId: tenant.id }), 404)
    const search = await json<{ total: number }>(await call(`/api/group/member/search?groupId=${groupId}`, { tenantId: tenant.id }))
    expect(search.total).toBe(0)
    expect((await userView(foreign.id)).memberships?.map((m) => m.id)).toEqual([member.id])
  })

  it('deleting a group or a user removes their memberships', async () => {
    const tenant = await createTenant()
    const [groupA, groupB] = [await newGroup(tenant.id), await newGroup(tenant.id)]
    const [kept, deleted] = [await user(tenant.id), await user(tenant.id)]
    await membersOf(await addMembers({ [groupA]: [{ userId: kept.id }, { userId: deleted.id }], [groupB]: [{ userId: kept.id }] }))
    // Memberships made at one instant are listed by member id.
    expect((await userView(kept.id)).memberships?.map((m) => m.groupId).sort()).toEqual([groupA, groupB].sort())
    expect((await call(`/api/group/${groupA}`, { method: 'DELETE' })).status).toBe(200)
    expect((await userView(kept.id)).memberships?.map((m) => m.groupId)).toEqual([groupB])
    expect((await call(`/api/user/${deleted.id}?hardDelete=true`, { method: 'DELETE' })).status).toBe(200)
    const remaining = await env.DB.prepare('SELECT COUNT(*) AS n FROM group_members WHERE user_id = ?')
      .bind(deleted.id)
      .first<{ n: number }>()
    expect(remaining?.n).toBe(0)
  })
})

describe('/api/group/member/search and user search', () => {
  it('pages memberships by group or user, and user search shows memberships', async () => {
    const tenant = await createTenant()
    const groupId = await newGroup(tenant.id)
    const members = [await user(tenant.id), await user(tenant.id), await user(tenant.id)]
    await membersOf(await addMembers({ [groupId]: members.map((u) => ({ userId: u.id })) }))
    const page = await json<{ members: Member[]; total: number }>(
      await call('/api/group/member/search', {
        body: { search: { groupId, numberOfResults: 2, startRow: 1, orderBy: 'insertInstant ASC' } },
      }),
    )
    expect(page.total).toBe(3)
    expect(page.members).toHaveLength(2)
    const byUser = await json<{ members: Member[]; total: number }>(await call(`/api/group/member/search?userId=${members[0]?.id}`))
    expect(byUser.members.map((m) => m.groupId)).toEqual([groupId])
    expect(await fieldCodes(await call('/api/group/member/search?userId=nope'))).toEqual(['[couldNotConvert]userId'])

    const found = await json<{ users: { id: string; memberships?: Member[] }[] }>(
      await call(`/api/user/search?ids=${members[0]?.id}`, { tenantId: tenant.id }),
    )
    expect(found.users[0]?.memberships?.map((m) => m.groupId)).toEqual([groupId])
  })
})

describe('group roles at login', () => {
  it('a member’s JWT carries the group’s roles for applications it is registered to, and only those', async () => {
    const tenant = await createTenant()
    const registered = await createApplication(tenant.id, { roles: [{ name: 'admin' }, { name: 'user' }] })
    const unregistered = await createApplication(tenant.id, { roles: [{ name: 'operator' }] })
    const roleId = (application: typeof registered, name: string) =>
      (application.roles as { id: string; name: string }[]).find((r) => r.name === name)?.id ?? ''
    const groupId = await newGroup(tenant.id, { roleIds: [roleId(registered, 'admin'), roleId(unregistered, 'operator')] })
    const member = await user(tenant.id, [{ applicationId: registered.id, roles: ['user'] }, { applicationId: unregistered.id }])
    const nonMember = await user(tenant.id, [{ applicationId: registered.id, roles: ['user'] }])
    // Unregister from the second application, keeping the group's grant for it.
    expect((await call(`/api/user/registration/${member.id}/${unregistered.id}`, { method: 'DELETE' })).status).toBe(200)
    await membersOf(await addMembers({ [groupId]: [{ userId: member.id }] }))

    const loginTo = async (email: string | undefined, applicationId: string) => {
      const response = await call('/api/login', { tenantId: tenant.id, body: { loginId: email, password: PASSWORD, applicationId } })
      return { status: response.status, body: await json<{ token: string; user: { memberships?: Member[] } }>(response) }
    }
    const asMember = await loginTo(member.email, registered.id)
    expect(asMember.status).toBe(200)
    expect(claimsOf(asMember.body.token).roles).toEqual(['admin', 'user'])
    expect(asMember.body.user.memberships?.map((m) => m.groupId)).toEqual([groupId])
    // Not registered to the other application: no roles claim from the group.
    const elsewhere = await loginTo(member.email, unregistered.id)
    expect(elsewhere.status).toBe(202)
    expect(claimsOf(elsewhere.body.token).roles).toBeUndefined()
    expect(claimsOf((await loginTo(nonMember.email, registered.id)).body.token).roles).toEqual(['user'])

    // Leaving the group takes the roles away at the next login; GET /api/user keeps the registration's own roles.
    expect((await call(`/api/group/member?groupId=${groupId}&userId=${member.id}`, { method: 'DELETE' })).status).toBe(200)
    expect(claimsOf((await loginTo(member.email, registered.id)).body.token).roles).toEqual(['user'])
  })

  it('reads the group roles in the login’s one replica batch: no extra round trip', async () => {
    const tenant = await createTenant()
    const application = await createApplication(tenant.id, {
      roles: [{ name: 'admin' }],
      loginConfiguration: { generateRefreshTokens: true, allowTokenRefresh: true, requireAuthentication: true },
    })
    const groupId = await newGroup(tenant.id, { roleIds: [(application.roles as { id: string }[])[0]?.id ?? ''] })
    const member = await user(tenant.id, [{ applicationId: application.id }])
    await membersOf(await addMembers({ [groupId]: [{ userId: member.id }] }))
    const d1 = countingD1(env.DB)
    const body = { loginId: member.email, password: PASSWORD, applicationId: application.id }
    await callWith({ DB: d1.binding }, '/api/login', { body }) // warms the isolate's one-time checks
    d1.reset()
    const response = await callWith({ DB: d1.binding }, '/api/login', { body })
    expect(response.status).toBe(200)
    expect(claimsOf((await json<{ token: string }>(response)).token).roles).toEqual(['admin'])
    // The refresh token at the primary; the application, tenant, user, memberships and group roles in one replica batch.
    expect({ primary: d1.trips.primary, replica: d1.trips.replica }).toEqual({ primary: 1, replica: 1 })
  })

  it('a refreshed JWT keeps the group’s roles', async () => {
    const tenant = await createTenant()
    const application = await createApplication(tenant.id, {
      roles: [{ name: 'admin' }],
      loginConfiguration: { generateRefreshTokens: true, allowTokenRefresh: true, requireAuthentication: true },
    })
    const adminRole = (application.roles as { id: string }[])[0]?.id ?? ''
    const groupId = await newGroup(tenant.id, { roleIds: [adminRole] })
    const member = await user(tenant.id, [{ applicationId: application.id }])
    await membersOf(await addMembers({ [groupId]: [{ userId: member.id }] }))
    const login = await json<{ refreshToken: string }>(
      await call('/api/login', { body: { loginId: member.email, password: PASSWORD, applicationId: application.id } }),
    )
    const refreshed = await call('/api/jwt/refresh', { body: { refreshToken: login.refreshToken } })
    expect(refreshed.status).toBe(200)
    expect(claimsOf((await json<{ token: string }>(refreshed)).token).roles).toEqual(['admin'])
  })
})
