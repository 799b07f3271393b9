import { describe, expect, it } from 'vitest'
import { NO_ID, createFixture, fieldCode, ok, rejection, unique } from './support'

/** The payload of a JWT, unverified (the login suite checks signatures). */
const claimsOf = (token: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from((token ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>

describe('groups through the official client', () => {
  it('createGroup, createGroupMembers, login: the JWT carries the group’s roles; deleteGroupMembers takes them away', async () => {
    const fixture = await createFixture()
    const { api } = fixture
    const application = await ok(api.retrieveApplication(fixture.applicationId))
    const admin = application.application?.roles?.find((role) => role.name === 'admin')?.id ?? ''

    const created = await ok(api.createGroup(NO_ID, { group: { name: `admins-${unique()}`, data: { purpose: 'e2e' } }, roleIds: [admin] }))
    const groupId = created.group?.id ?? ''
    expect(created.group?.tenantId).toBe(fixture.tenantId)
    expect(created.group?.roles?.[fixture.applicationId]?.map((role) => role.name)).toEqual(['admin'])
    expect((await ok(api.retrieveGroup(groupId))).group?.name).toBe(created.group?.name)
    expect((await ok(api.retrieveGroups())).groups?.map((group) => group.id)).toEqual([groupId])

    const members = await ok(api.createGroupMembers({ members: { [groupId]: [{ userId: fixture.userId, data: { since: 2026 } }] } }))
    const member = members.members?.[groupId]?.[0]
    expect(member).toMatchObject({ userId: fixture.userId, groupId, data: { since: 2026 } })
    expect((await ok(api.retrieveUser(fixture.userId))).user?.memberships?.map((m) => m.id)).toEqual([member?.id])

    const login = await ok(api.login({ loginId: fixture.email, password: fixture.password, applicationId: fixture.applicationId }))
    expect(claimsOf(login.token).roles).toEqual(['admin', 'user'])

    const found = await ok(api.searchGroups({ search: { name: created.group?.name ?? '' } }))
    expect({ total: found.total, ids: found.groups?.map((group) => group.id) }).toEqual({ total: 1, ids: [groupId] })
    const memberSearch = await ok(api.searchGroupMembers({ search: { groupId } }))
    expect(memberSearch.members?.map((m) => m.userId)).toEqual([fixture.userId])

    await ok(api.deleteGroupMembers({ memberIds: [member?.id ?? ''] }))
    const after = await ok(api.login({ loginId: fixture.email, password: fixture.password, applicationId: fixture.applicationId }))
    expect(claimsOf(after.token).roles).toEqual(['user'])

    // PUT and PATCH, then delete.
    const renamed = `renamed-${unique()}`
    expect((await ok(api.updateGroup(groupId, { group: { name: renamed }, roleIds: [admin] }))).group?.name).toBe(renamed)
    const patched = await ok(api.patchGroup(groupId, { group: { data: { more: true } } }))
    expect(patched.group?.data).toEqual({ more: true })
    expect(patched.group?.roles?.[fixture.applicationId]?.map((role) => role.name)).toEqual(['admin'])
    await ok(api.updateGroupMembers({ members: { [groupId]: [{ userId: fixture.userId }] } }))
    await ok(api.deleteGroup(groupId))
    expect((await rejection(api.retrieveGroup(groupId))).statusCode).toBe(404)
    expect((await ok(api.retrieveUser(fixture.userId))).user?.memberships).toBeUndefined()
  })

  it('answers bad group requests with FusionAuth’s errors', async () => {
    const fixture = await createFixture()
    const blank = await rejection(fixture.api.createGroup(NO_ID, { group: { name: '' } }))
    expect(blank.statusCode).toBe(400)
    expect(fieldCode(blank, 'group.name')).toBe('[blank]group.name')
    const badRole = await rejection(fixture.api.createGroup(NO_ID, { group: { name: `g-${unique()}` }, roleIds: [crypto.randomUUID()] }))
    expect(fieldCode(badRole, 'roleIds')).toBe('[invalid]roleIds')
    const noGroup = await rejection(fixture.api.createGroupMembers({ members: { [crypto.randomUUID()]: [{ userId: fixture.userId }] } }))
    expect(fieldCode(noGroup, 'groupId')).toBe('[invalid]groupId')
  })
})
