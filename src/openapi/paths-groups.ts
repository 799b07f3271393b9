/** Operations of the Group API: groups, group membership and their searches. */
import { DEFAULT_NUMBER_OF_RESULTS, MAX_NUMBER_OF_RESULTS } from '../domain/login-record'
import { type OperationEntry, errors, json, operations, query, shared } from './operations'
import { crud } from './paths-admin'
import { int, str, uuid } from './schema'

const paging = [
  query('numberOfResults', int(), `Default ${DEFAULT_NUMBER_OF_RESULTS}, at most ${MAX_NUMBER_OF_RESULTS}.`),
  query('startRow', int()),
  query('orderBy', str(), '`field [ASC|DESC]`.'),
]
const searchErrors = errors('`[invalid]search.numberOfResults`, `[invalid]search.orderBy`, `[couldNotConvert]startRow`, ...')
const members = json('MemberResponse', 'The members, by group.')
const memberErrors = errors(
  '`[missing]members`, `[invalid]members`, `[invalid]groupId` (no such group in the tenant), `[invalid]members[groupId][i].userId` (no such user in the group’s tenant), `[duplicate]members[groupId][i].id`, `[tooMany]members`.',
)
const removed = shared('EmptySuccess', 'Removed. No body.')
const nothingRemoved = shared('NotFound', 'No such member, or no such group in the tenant. No body.')
const common = { auth: 'apiKey', scope: 'tenant' } as const

const groupSearch = (method: 'get' | 'post'): OperationEntry => [
  method,
  '/api/group/search',
  {
    ...common,
    id: method === 'get' ? 'searchGroupsByParameters' : 'searchGroups',
    summary: 'Search groups by name (`*` wildcards; else anywhere in the name)',
    ...(method === 'get' ? { query: [query('name', str()), query('tenantId', uuid()), ...paging] } : { body: 'GroupSearchRequest' }),
    responses: { 200: json('GroupSearchResponse', 'A page of groups and the total.'), 400: searchErrors },
  },
]

const memberSearch = (method: 'get' | 'post'): OperationEntry => [
  method,
  '/api/group/member/search',
  {
    ...common,
    id: method === 'get' ? 'searchGroupMembersByParameters' : 'searchGroupMembers',
    summary: 'Search group members by group or user',
    ...(method === 'get'
      ? { query: [query('groupId', uuid()), query('userId', uuid()), query('tenantId', uuid()), ...paging] }
      : { body: 'GroupMemberSearchRequest' }),
    responses: { 200: json('GroupMemberSearchResponse', 'A page of members and the total.'), 400: searchErrors },
  },
]

export const groupPaths = operations('Groups', [
  ...crud({
    base: '/api/group',
    noun: 'Group',
    plural: 'Groups',
    label: 'group',
    article: 'a',
    request: 'GroupRequest',
    response: 'GroupResponse',
    scope: 'tenant',
    invalid: errors(
      '`[blank]group.name`, `[tooLong]group.name`, `[duplicate]group.name` (in the tenant), `[duplicate]groupId`, `[invalid]roleIds` (no such role in the tenant’s applications), `[invalid]group.tenantId`, ...',
    ),
    patch: true,
    transactionalEvents: ['create', 'update', 'delete'],
  }),
  groupSearch('get'),
  groupSearch('post'),
  [
    'post',
    '/api/group/member',
    {
      ...common,
      id: 'createGroupMembers',
      transactionalEvents: true,
      summary: 'Add users to groups',
      body: 'MemberRequest',
      responses: { 200: members, 400: memberErrors },
    },
  ],
  [
    'put',
    '/api/group/member',
    {
      ...common,
      id: 'updateGroupMembers',
      transactionalEvents: true,
      summary: "Replace the groups' members (an empty list empties a group)",
      body: 'MemberRequest',
      responses: { 200: members, 400: memberErrors },
    },
  ],
  [
    'delete',
    '/api/group/member',
    {
      ...common,
      id: 'deleteGroupMembers',
      transactionalEvents: true,
      summary: 'Remove members: `?id=`, `?groupId=&userId=`, all of `?groupId=`, or a MemberDeleteRequest body',
      query: [query('id', uuid()), query('groupId', uuid()), query('userId', uuid())],
      body: 'MemberDeleteRequest',
      bodyOptional: true,
      responses: {
        200: removed,
        400: errors('`[missing]` (nothing named), `[couldNotConvert]groupId`, `[invalid]memberIds`, ...'),
        404: nothingRemoved,
      },
    },
  ],
  [
    'delete',
    '/api/group/member/{id}',
    {
      ...common,
      id: 'deleteGroupMember',
      summary: 'Remove a member by its id',
      transactionalEvents: true,
      responses: { 200: removed, 404: nothingRemoved },
    },
  ],
  memberSearch('get'),
  memberSearch('post'),
])
