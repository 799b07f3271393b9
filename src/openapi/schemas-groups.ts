/** Schemas of the Group API, named as FusionAuth's OpenAPI names them. */
import { MAX_GROUP_NAME_LENGTH, MAX_ROLE_IDS } from '../domain/group'
import { MAX_MEMBERS_PER_REQUEST } from '../domain/group-member'
import { type Schema, arrayOf, freeObject, instant, int, mapOf, object, ref, str, uuid } from './schema'

const searchCriteria = (fields: Record<string, Schema>): Schema =>
  object({ ...fields, numberOfResults: int(), startRow: int(), orderBy: str('`field [ASC|DESC]`.') })

export const groupSchemas: Record<string, Schema> = {
  Group: object({
    id: uuid(),
    tenantId: uuid(),
    name: str(`At most ${MAX_GROUP_NAME_LENGTH} characters; unique in the tenant.`),
    data: freeObject(),
    roles: mapOf(arrayOf(ref('ApplicationRole')), 'Application id -> the roles the group grants its members (when registered).'),
    insertInstant: instant(),
    lastUpdateInstant: instant(),
  }),
  GroupRequest: object({ group: ref('Group'), roleIds: arrayOf(uuid(), `At most ${MAX_ROLE_IDS}; replaces the roles.`) }),
  GroupResponse: object({ group: ref('Group'), groups: arrayOf(ref('Group')) }),
  GroupSearchRequest: object({ search: searchCriteria({ name: str('`*` wildcards.'), tenantId: uuid() }) }),
  GroupSearchResponse: object({ groups: arrayOf(ref('Group')), total: int() }),
  GroupMember: object({ id: uuid(), groupId: uuid(), userId: uuid(), data: freeObject(), insertInstant: instant() }),
  MemberRequest: object(
    { members: mapOf(arrayOf(ref('GroupMember')), `Group id -> members (userId required). At most ${MAX_MEMBERS_PER_REQUEST}.`) },
    { required: ['members'] },
  ),
  MemberResponse: object({ members: mapOf(arrayOf(ref('GroupMember'))) }),
  MemberDeleteRequest: object({ memberIds: arrayOf(uuid()), members: mapOf(arrayOf(uuid()), 'Group id -> user ids.') }),
  GroupMemberSearchRequest: object({ search: searchCriteria({ groupId: uuid(), userId: uuid(), tenantId: uuid() }) }),
  GroupMemberSearchResponse: object({ members: arrayOf(ref('GroupMember')), total: int() }),
}
