/**
 * Creating and updating groups: the checks that need data (a unique name in the tenant, role ids of the tenant's
 * applications) and the one batch that writes the group with its roles (the route commits it).
 */
import { codes, Errors } from '../http/errors'
import { FieldReader, type JsonObject } from '../http/fields'
import type { DataContext, PendingWrite } from '../store/data-context'
import { type Group, type GroupInput, groupRoles, readGroupInput, resolveRoleIds, type StoredGroup, buildGroup } from './group'
import { deepMerge } from './json-merge'

/** Server-owned fields a client's `group` may carry but never sets. */
const SERVER_FIELDS = ['id', 'tenantId', 'roles', 'insertInstant', 'lastUpdateInstant'] as const

/** The request body's group input; a PATCH merges its `group` over the existing group's fields first. */
export function readGroupRequest(body: unknown, existing?: StoredGroup): { input: GroupInput; errors: Errors; tenantId?: string } {
  const reader = FieldReader.body(body)
  let group = reader.object('group')
  const tenantId = existing === undefined ? group.uuid('tenantId') : undefined
  if (existing !== undefined) {
    const own: JsonObject = { name: existing.name, ...(existing.data === undefined ? {} : { data: existing.data }) }
    const patch: JsonObject = { ...group.source }
    for (const field of SERVER_FIELDS) delete patch[field]
    group = new FieldReader(deepMerge(own, patch), reader.errors, 'group')
  }
  return { input: readGroupInput(reader, group), errors: reader.errors, ...(tenantId === undefined ? {} : { tenantId }) }
}

export interface GroupWrite {
  /** The group as it will be stored. */
  group: StoredGroup
  input: GroupInput
  errors: Errors
  mode: 'create' | 'update'
  /** Role ids to keep when the input names none (PATCH); PUT and create replace them. */
  keepRoles: boolean
  /** The group's roles before the save (update), which a kept set of roles still shows. */
  roles?: Group['roles']
}

/** The writes of a group save, and how to tell what a concurrent request took when they hit a uniqueness conflict. */
export interface PreparedGroupWrite {
  /** The group as the writes leave it, roles resolved: what the group events carry before the commit. */
  group: Group
  writes: PendingWrite[]
  /** The errors to answer after a uniqueness violation: the id or the name, taken since the checks. */
  recheck(): Promise<Errors>
}

/** Validates a group save (throwing a 400 with every problem) and prepares its one batch: the group and its roles. */
export async function prepareGroupWrite(data: DataContext, write: GroupWrite): Promise<PreparedGroupWrite> {
  const { group, input, errors } = write
  const groups = data.groups
  const [nameTaken, idTaken, applications] = await Promise.all([
    input.name === undefined ? Promise.resolve(false) : groups.nameTaken(group.tenantId, input.name, group.id),
    write.mode === 'create' ? groups.idTaken(group.id) : Promise.resolve(false),
    input.roleIds === undefined || input.roleIds.length === 0 ? Promise.resolve([]) : data.applications.list(group.tenantId),
  ])
  if (idTaken) duplicateId(errors, group.id)
  if (nameTaken) duplicateName(errors, group.name)
  const grants = input.roleIds === undefined ? null : resolveRoleIds(input.roleIds, applications, errors)
  errors.throwIfAny()

  const writes = [write.mode === 'create' ? groups.insertStatement(group) : groups.updateStatement(group)]
  if (grants !== null || !write.keepRoles) writes.push(...groups.replaceRolesStatements(group.id, grants ?? []))
  const roles =
    grants !== null ? groupRoles(grants, new Map(applications.map((a) => [a.id, a]))) : write.keepRoles ? (write.roles ?? {}) : {}
  return {
    group: { ...group, roles },
    writes,
    recheck: async () => {
      const raced = new Errors()
      if (write.mode === 'create' && (await groups.idTaken(group.id))) duplicateId(raced, group.id)
      else duplicateName(raced, group.name)
      return raced
    },
  }
}

function duplicateId(errors: Errors, id: string): void {
  errors.field('groupId', codes.duplicate('groupId', `A Group with Id [${id}] already exists.`))
}

function duplicateName(errors: Errors, name: string): void {
  errors.field('group.name', codes.duplicate('group.name', `A Group with name [${name}] already exists in this Tenant.`))
}

/** A new group's stored fields from its input. */
export function newGroup(id: string, tenantId: string, input: GroupInput, nowMillis: number): StoredGroup {
  return buildGroup({ id, tenantId, name: '', insertInstant: nowMillis, lastUpdateInstant: nowMillis }, input, nowMillis)
}
