/**
 * Group membership (`/api/group/member`): adding users to groups (POST), replacing a group's members (PUT) and
 * removing them (DELETE), as FusionAuth documents them. A user joins only groups of its own tenant; a scoped
 * request sees only its tenant's groups (another tenant's group is as unknown as a group that does not exist).
 */
import { codes, Errors, generalError } from '../http/errors'
import { FieldReader, isObject, isUuid, type JsonObject } from '../http/fields'
import type { DataContext } from '../store/data-context'
import { GroupStore } from '../store/group-store'
import type { FusionAuthEvent } from './events/event'
import type { EventSource } from './events/event-source'
import { type MembershipChange, groupMemberEvents } from './events/group-events'
import { tenantSends } from './events/webhook-publisher'
import type { GroupMember } from './group'
import type { Tenant } from './tenant'

/** Bounds one request's work; FusionAuth documents no limit, and a 1 MB body could otherwise name ~20,000. */
export const MAX_MEMBERS_PER_REQUEST = 10_000

/**
 * Bounds the groups one request names (FusionAuth documents no limit). Every group changed is one event to each
 * of its tenant's webhooks, delivered during the request when transactional, so the groups are what the request's
 * subrequests grow with once the D1 reads are per request rather than per group; 100 is far past what an admin
 * names at once and keeps a request with a few webhooks inside Cloudflare's subrequest limit.
 */
export const MAX_GROUPS_PER_REQUEST = 100

function tooManyGroups(errors: Errors, path: string): void {
  errors.field(path, codes.tooMany(path, `The [${path}] property may name at most ${MAX_GROUPS_PER_REQUEST} groups.`))
}

/** The `members` map of a MemberRequest: group id -> the members to add, in request order. */
export type MemberInputs = Map<string, { userId: string; id?: string; data?: JsonObject; path: string }[]>

/** Reads `{members: {groupId: [{userId, id?, data?}]}}`; `allowEmpty` lets PUT empty a group. */
export function readMemberRequest(body: unknown, allowEmpty: boolean): MemberInputs {
  const reader = FieldReader.body(body)
  const errors = reader.errors
  const members = reader.rawObject('members')
  const inputs: MemberInputs = new Map()
  let count = 0
  for (const [groupId, list] of Object.entries(members ?? {})) {
    const groupPath = `members[${groupId}]`
    if (!isUuid(groupId)) {
      errors.field('members', codes.invalid('members', `Invalid [members] property. The key [${groupId}] is not a Group Id.`))
      continue
    }
    if (!Array.isArray(list)) {
      errors.field(groupPath, codes.invalid(groupPath, `Invalid [${groupPath}] property. Expected an array of members.`))
      continue
    }
    const seen = new Set<string>()
    const entries: NonNullable<ReturnType<MemberInputs['get']>> = []
    list.forEach((item: unknown, index) => {
      const path = `${groupPath}[${index}]`
      if (!isObject(item)) {
        errors.field(path, codes.invalid(path, `Invalid [${path}] property. Expected an object.`))
        return
      }
      const member = new FieldReader(item, errors, path)
      const userId = member.uuid('userId')
      if (userId === undefined && !errors.has(member.path('userId'))) {
        errors.field(member.path('userId'), codes.blank(member.path('userId')))
      }
      const id = member.uuid('id')
      const data = member.rawObject('data')
      count += 1
      // A user named twice for one group joins it once.
      if (userId === undefined || seen.has(userId)) return
      seen.add(userId)
      entries.push({ userId, path, ...(id === undefined ? {} : { id }), ...(data === undefined ? {} : { data }) })
    })
    inputs.set(groupId.toLowerCase(), [...(inputs.get(groupId.toLowerCase()) ?? []), ...entries])
  }
  if (count > MAX_MEMBERS_PER_REQUEST) {
    errors.field('members', codes.tooMany('members', `The [members] property may hold at most ${MAX_MEMBERS_PER_REQUEST} members.`))
  } else if (inputs.size > MAX_GROUPS_PER_REQUEST) tooManyGroups(errors, 'members')
  if (inputs.size === 0 && errors.empty) {
    errors.field('members', codes.missing('members'))
  } else if (!allowEmpty && count === 0 && errors.empty) {
    errors.field('members', codes.missing('members', 'You must specify the [members] property. Name at least one member to add.'))
  }
  errors.throwIfAny()
  return inputs
}

/**
 * Checks a member request against the data: every group exists (in the request's tenant when scoped), every user
 * exists in its group's tenant, and no given member id is taken. Returns the members to write and each group's tenant.
 */
async function checkMembers(
  data: DataContext,
  scopeTenantId: string | null,
  inputs: MemberInputs,
): Promise<{ members: GroupMember[]; groupTenants: Map<string, string> }> {
  const groups = data.groups
  const userIds = [...new Set([...inputs.values()].flatMap((list) => list.map((entry) => entry.userId)))]
  const givenIds = [...inputs.values()].flatMap((list) => list.flatMap((entry) => (entry.id === undefined ? [] : [entry.id])))
  const [groupTenants, userTenants, takenIds] = await Promise.all([
    groups.tenantsOf(scopeTenantId, [...inputs.keys()]),
    groups.userTenants(userIds),
    groups.memberIdsTaken(givenIds),
  ])
  const errors = new Errors()
  const members: GroupMember[] = []
  const usedIds = new Set<string>()
  const insertInstant = data.nowMillis
  for (const [groupId, list] of inputs) {
    const tenantId = groupTenants.get(groupId)
    if (tenantId === undefined) {
      errors.field('groupId', codes.invalid('groupId', `The [groupId] property is not valid. No Group exists with Id [${groupId}].`))
      continue
    }
    for (const entry of list) {
      const userPath = `${entry.path}.userId`
      if (userTenants.get(entry.userId) !== tenantId) {
        errors.field(
          userPath,
          codes.invalid(
            userPath,
            `The [${userPath}] property is not valid. No User exists with Id [${entry.userId}] in the Tenant of Group [${groupId}].`,
          ),
        )
        continue
      }
      const id = entry.id ?? crypto.randomUUID()
      if (takenIds.has(id) || usedIds.has(id)) {
        const idPath = `${entry.path}.id`
        errors.field(idPath, codes.duplicate(idPath, `A Group Member with Id [${id}] already exists.`))
        continue
      }
      usedIds.add(id)
      members.push({ ...(entry.data === undefined ? {} : { data: entry.data }), groupId, id, insertInstant, userId: entry.userId })
    }
  }
  errors.throwIfAny()
  return { members, groupTenants }
}

/**
 * POST adds the members (a user already in the group stays as it was); PUT first empties each named group.
 * One batch: the writes and the read-back of the members as they stand. Answers `members` by group.
 */
export async function saveMembers(
  data: DataContext,
  scopeTenantId: string | null,
  inputs: MemberInputs,
  mode: 'add' | 'replace',
  source: EventSource,
): Promise<Record<string, GroupMember[]>> {
  const { members, groupTenants } = await checkMembers(data, scopeTenantId, inputs)
  const groups = data.groups
  const change = mode === 'add' ? 'add' : 'update'
  const notice = await membershipNotice(data, groupTenants, change, source)
  if (notice.sending) {
    if (mode === 'replace')
      for (const groupId of inputs.keys())
        notice.record(
          groupId,
          members.filter((member) => member.groupId === groupId),
        )
    else {
      // A user already in the group stays as it was: only the others are added.
      const present = new Set((await groups.membersOfPairs(members)).map((member) => `${member.groupId} ${member.userId}`))
      const added = members.filter((member) => !present.has(`${member.groupId} ${member.userId}`))
      notice.recordEach(added)
    }
  }
  const writes = mode === 'replace' ? [groups.removeAllStatement([...inputs.keys()])] : []
  const results = await notice.around(() =>
    data.commit([...writes, ...(members.length === 0 ? [] : [groups.addMembersStatement(members), groups.membersStatement(members)])]),
  )
  const byGroup: Record<string, GroupMember[]> = {}
  for (const groupId of inputs.keys()) byGroup[groupId] = []
  if (members.length > 0) {
    for (const member of GroupStore.membersOf(results[results.length - 1])) byGroup[member.groupId]?.push(member)
  }
  return byGroup
}

/** What a DELETE /api/group/member names. */
export type MemberRemoval =
  | { kind: 'memberIds'; ids: string[] }
  | { kind: 'users'; groups: Map<string, string[]> }
  | { kind: 'allOfGroup'; groupId: string }

/**
 * A DELETE's target from its query (`id`, or `groupId` with or without `userId`) or its MemberDeleteRequest body
 * (`memberIds`, or `members: {groupId: [userId]}`).
 */
export function readMemberRemoval(query: { id?: string; groupId?: string; userId?: string }, body: unknown): MemberRemoval {
  const errors = new Errors()
  const uuid = (name: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined
    if (isUuid(value)) return value.toLowerCase()
    errors.field(name, codes.couldNotConvert(name, value))
    return undefined
  }
  const id = uuid('id', query.id)
  const groupId = uuid('groupId', query.groupId)
  const userId = uuid('userId', query.userId)
  errors.throwIfAny()
  if (id !== undefined) return { kind: 'memberIds', ids: [id] }
  if (groupId !== undefined && userId !== undefined) return { kind: 'users', groups: new Map([[groupId, [userId]]]) }
  if (groupId !== undefined) return { kind: 'allOfGroup', groupId }

  const reader = FieldReader.body(body, errors)
  const memberIds = reader.source.memberIds
  if (memberIds !== undefined && memberIds !== null) {
    if (!Array.isArray(memberIds) || !memberIds.every(isUuid)) {
      errors.field('memberIds', codes.invalid('memberIds', 'Invalid [memberIds] property. Expected an array of UUIDs.'))
    } else if (memberIds.length > MAX_MEMBERS_PER_REQUEST) {
      errors.field('memberIds', codes.tooMany('memberIds', `The [memberIds] property may hold at most ${MAX_MEMBERS_PER_REQUEST} ids.`))
    }
    errors.throwIfAny()
    if (Array.isArray(memberIds) && memberIds.length > 0) return { kind: 'memberIds', ids: memberIds.map((m: string) => m.toLowerCase()) }
  }
  const groups = new Map<string, string[]>()
  let count = 0
  for (const [key, list] of Object.entries(reader.rawObject('members') ?? {})) {
    const path = `members[${key}]`
    if (!isUuid(key)) errors.field('members', codes.invalid('members', `Invalid [members] property. The key [${key}] is not a Group Id.`))
    else if (!Array.isArray(list) || !list.every(isUuid))
      errors.field(path, codes.invalid(path, `Invalid [${path}] property. Expected an array of User Ids.`))
    else {
      count += list.length
      groups.set(
        key.toLowerCase(),
        list.map((u: string) => u.toLowerCase()),
      )
    }
  }
  if (count > MAX_MEMBERS_PER_REQUEST)
    errors.field('members', codes.tooMany('members', `The [members] property may hold at most ${MAX_MEMBERS_PER_REQUEST} members.`))
  else if (groups.size > MAX_GROUPS_PER_REQUEST) tooManyGroups(errors, 'members')
  errors.throwIfAny()
  if (groups.size > 0) return { kind: 'users', groups }
  throw generalError(
    codes.missing('', 'You must specify a member id, a groupId (with or without a userId), or [memberIds] or [members] in the body.'),
  )
}

/**
 * Removes what the removal names; false when nothing it names exists in the request's scope (a 404). A named
 * group must exist in scope; its users who are not members are passed over.
 */
export async function removeMembers(
  data: DataContext,
  scopeTenantId: string | null,
  removal: MemberRemoval,
  source: EventSource,
): Promise<boolean> {
  const groups = data.groups
  if (removal.kind === 'memberIds') {
    const found = await groups.membersWithIds(scopeTenantId, removal.ids)
    const groupIds = [...new Set(found.map((member) => member.groupId))]
    if (groupIds.length > MAX_GROUPS_PER_REQUEST) {
      const errors = new Errors()
      tooManyGroups(errors, 'memberIds')
      errors.throwIfAny()
    }
    const notice = await membershipNotice(data, await groups.tenantsOf(scopeTenantId, groupIds), 'remove', source)
    notice.recordEach(found)
    const [result] = await notice.around(() => data.commit([groups.removeMemberIdsStatement(scopeTenantId, removal.ids)]))
    return GroupStore.changes(result) > 0
  }
  const groupIds = removal.kind === 'allOfGroup' ? [removal.groupId] : [...removal.groups.keys()]
  const known = await groups.tenantsOf(scopeTenantId, groupIds)
  if (groupIds.some((id) => !known.has(id))) return false
  if (removal.kind === 'allOfGroup') {
    // Emptying a group is FusionAuth's group.member.update with no members, not a remove.
    const notice = await membershipNotice(data, known, 'update', source)
    notice.record(removal.groupId, [])
    await notice.around(() => data.commit([groups.removeAllStatement([removal.groupId])]))
    return true
  }
  const notice = await membershipNotice(data, known, 'remove', source)
  if (notice.sending) {
    notice.recordEach(
      await groups.membersOfPairs([...removal.groups].flatMap(([groupId, userIds]) => userIds.map((userId) => ({ groupId, userId })))),
    )
  }
  const [result] = await notice.around(() => data.commit([groups.removeUsersStatement(removal.groups)]))
  // One group and none of the users a member (`?groupId=&userId=` of a non-member): nothing to remove, a 404.
  return removal.groups.size > 1 || GroupStore.changes(result) > 0
}

/**
 * The membership events of one request, by group, handed to `data.events.around` of each group's tenant. Groups
 * and members are read only when a tenant sends the change's events (`sending`); a request naming groups of several
 * tenants (an unscoped key) nests one `around` per tenant, so every tenant's transactional webhooks answer before
 * the one commit and a refusal by any is the 504 with nothing written.
 */
interface MembershipNotice {
  sending: boolean
  /** The members `groupId`'s event carries (ignored when not sending). */
  record(groupId: string, members: readonly GroupMember[]): void
  /** `record` for members of several groups, each under its own group. */
  recordEach(members: readonly GroupMember[]): void
  around<T>(commit: () => Promise<T>): Promise<T>
}

async function membershipNotice(
  data: DataContext,
  groupTenants: ReadonlyMap<string, string>,
  change: MembershipChange,
  source: EventSource,
): Promise<MembershipNotice> {
  const tenantIds = [...new Set(groupTenants.values())]
  const tenants = await data.tenants.getMany(tenantIds)
  const sends = (tenant: Tenant) => tenantSends(tenant, `group.member.${change}`) || tenantSends(tenant, `group.member.${change}.complete`)
  const sending = tenants.some(sends)
  const recorded = new Map<string, GroupMember[]>()
  const record = (groupId: string, members: readonly GroupMember[]) => {
    if (sending) recorded.set(groupId, [...(recorded.get(groupId) ?? []), ...members])
  }
  return {
    sending,
    record,
    recordEach: (members) => {
      for (const member of members) record(member.groupId, [member])
    },
    around: async <T>(commit: () => Promise<T>): Promise<T> => {
      if (!sending || recorded.size === 0) return commit()
      // One read for all the groups: a read per group would grow past D1's queries per invocation.
      const byId = new Map((await data.groups.getMany([...recorded.keys()])).map((group) => [group.id, group]))
      const byTenant = new Map<string, FusionAuthEvent[]>()
      for (const [groupId, members] of recorded) {
        const group = byId.get(groupId)
        if (group === undefined) continue
        const events = byTenant.get(group.tenantId) ?? []
        events.push(...groupMemberEvents(change, group, members, source))
        byTenant.set(group.tenantId, events)
      }
      let run = commit
      for (const tenant of tenants) {
        const events = byTenant.get(tenant.id)
        if (events === undefined || !sends(tenant)) continue
        const inner = run
        run = () => data.events.around(tenant, events, inner)
      }
      return run()
    },
  }
}
