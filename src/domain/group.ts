/**
 * FusionAuth Groups: a named object of a tenant holding application roles, which its members inherit for the
 * applications they are registered to. This module reads GroupRequests, checks `roleIds` against the tenant's
 * applications, and turns stored role ids into what the API shows (`group.roles`) and what a login grants.
 */
import { codes, type Errors } from '../http/errors'
import { type FieldReader, isUuid, type JsonObject } from '../http/fields'
import type { Application, ApplicationRole } from './application'
import type { Registration } from './user'

/** FusionAuth's `groups.name` column is a VARCHAR(191). */
export const MAX_GROUP_NAME_LENGTH = 191
/** More role ids than any tenant's applications could sensibly hold; bounds the work one request can ask for. */
export const MAX_ROLE_IDS = 1000

/** A group as stored: everything but `roles`, which live as role ids beside it. */
export interface StoredGroup extends JsonObject {
  id: string
  tenantId: string
  name: string
  data?: JsonObject
  insertInstant: number
  lastUpdateInstant: number
}

export interface Group extends StoredGroup {
  /** Application id -> the application's roles this group grants, resolved when read. */
  roles: Record<string, ApplicationRole[]>
}

/** One role a group grants: the application it belongs to and its id. */
export interface RoleGrant {
  applicationId: string
  roleId: string
}

/** A user's membership of a group, as FusionAuth shows it in `members` and in `user.memberships`. */
export interface GroupMember extends JsonObject {
  id: string
  groupId: string
  userId: string
  data?: JsonObject
  insertInstant: number
}

/** What a GroupRequest asks for: the group's own fields and, when given, the role ids that replace its roles. */
export interface GroupInput {
  name: string | undefined
  data: JsonObject | undefined
  roleIds: string[] | undefined
}

/** Reads `group.name`, `group.data` and `roleIds` from a request body reader, recording every problem. */
export function readGroupInput(body: FieldReader, group: FieldReader): GroupInput {
  const name = group.requiredString('name')
  if (name !== undefined && name.length > MAX_GROUP_NAME_LENGTH) {
    const path = group.path('name')
    group.errors.field(
      path,
      codes.tooLong(path, `The [${path}] property is longer than the maximum of [${MAX_GROUP_NAME_LENGTH}] characters.`),
    )
  }
  return { name, data: group.rawObject('data'), roleIds: readRoleIds(body) }
}

function readRoleIds(body: FieldReader): string[] | undefined {
  const value = body.source.roleIds
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || !value.every(isUuid)) {
    body.errors.field('roleIds', codes.invalid('roleIds', 'Invalid [roleIds] property. Expected an array of UUIDs.'))
    return undefined
  }
  if (value.length > MAX_ROLE_IDS) {
    body.errors.field('roleIds', codes.tooMany('roleIds', `The [roleIds] property may hold at most ${MAX_ROLE_IDS} ids.`))
    return undefined
  }
  return [...new Set(value.map((id) => id.toLowerCase()))]
}

/**
 * The grants for `roleIds`, looked up in the applications of the group's tenant; an id that names no role of
 * them (unknown, or a role of another tenant's application) is `[invalid]roleIds`.
 */
export function resolveRoleIds(roleIds: readonly string[], applications: readonly Application[], errors: Errors): RoleGrant[] {
  const owner = new Map<string, string>()
  for (const application of applications) for (const role of application.roles) owner.set(role.id, application.id)
  const grants: RoleGrant[] = []
  for (const roleId of roleIds) {
    const applicationId = owner.get(roleId)
    if (applicationId !== undefined) grants.push({ applicationId, roleId })
    else
      errors.field(
        'roleIds',
        codes.invalid(
          'roleIds',
          `The [roleIds] property is not valid. No Application Role exists with Id [${roleId}] in the Tenant of this Group.`,
        ),
      )
  }
  return grants
}

/**
 * `group.roles` from its grants and the applications they name: application id -> roles, in the application's
 * order. A grant whose role is gone from its application (deleted since) shows nothing.
 */
export function groupRoles(
  grants: readonly RoleGrant[],
  applications: ReadonlyMap<string, Application>,
): Record<string, ApplicationRole[]> {
  const granted = new Map<string, Set<string>>()
  for (const grant of grants) {
    const set = granted.get(grant.applicationId) ?? new Set<string>()
    set.add(grant.roleId)
    granted.set(grant.applicationId, set)
  }
  const roles: Record<string, ApplicationRole[]> = {}
  for (const [applicationId, ids] of granted) {
    const own = (applications.get(applicationId)?.roles ?? []).filter((role) => ids.has(role.id))
    if (own.length > 0) roles[applicationId] = own
  }
  return roles
}

/** Role names a user's groups grant, per application. */
export type InheritedRoles = ReadonlyMap<string, readonly string[]>

/** The names of the application's roles among `roleIds` (ids of roles deleted since are skipped). */
export function roleNamesOf(application: Application, roleIds: readonly string[]): string[] {
  const wanted = new Set(roleIds)
  return application.roles.filter((role) => wanted.has(role.id)).map((role) => role.name)
}

/**
 * The registrations with the roles the user's groups grant added, as FusionAuth presents them to a login: a
 * member inherits a group's roles for an application only when registered to it, and a registration keeps its
 * own roles first.
 */
export function withInheritedRoles(registrations: readonly Registration[], inherited: InheritedRoles): Registration[] {
  return registrations.map((registration) => {
    const names = inherited.get(registration.applicationId)
    if (names === undefined || names.length === 0) return registration
    const roles = [...registration.roles]
    for (const name of names) if (!roles.includes(name)) roles.push(name)
    return { ...registration, roles }
  })
}

/** The group to store for a create or an update: the input's fields over `base`, stamped now. */
export function buildGroup(base: StoredGroup, input: GroupInput, nowMillis: number): StoredGroup {
  const group: StoredGroup = { ...base, name: input.name ?? base.name, lastUpdateInstant: nowMillis }
  if (input.data !== undefined) group.data = input.data
  else delete group.data
  return group
}

/**
 * `*` wildcards as FusionAuth's group search takes them; without one the name is matched anywhere (`*value*`).
 * Case-insensitive. Matched piece by piece (prefix, pieces in order, suffix), never through a RegExp, so no
 * pattern can make a match backtrack.
 */
export function groupNameMatcher(pattern: string): (name: string) => boolean {
  const lowered = pattern.toLowerCase()
  if (!lowered.includes('*')) return (name) => name.toLowerCase().includes(lowered)
  const parts = lowered.split('*')
  const first = parts[0] ?? ''
  const last = parts[parts.length - 1] ?? ''
  const middle = parts.slice(1, -1)
  return (name) => {
    const text = name.toLowerCase()
    if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false
    let at = first.length
    const end = text.length - last.length
    for (const part of middle) {
      const found = text.indexOf(part, at)
      if (found === -1 || found + part.length > end) return false
      at = found + part.length
    }
    return true
  }
}
