/**
 * `/api/group/member`: add users to groups (POST), replace a group's members (PUT), remove members (DELETE by
 * member id in the path or `?id=`, by `?groupId=&userId=`, all of `?groupId=`, or a MemberDeleteRequest body), and
 * search memberships (GET and POST `/api/group/member/search`). Mounted by groups.ts, whose API-key middleware
 * covers these paths.
 */
import { UUID_SEGMENT } from '../http/path'
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { readMemberRemoval, readMemberRequest, removeMembers, saveMembers } from '../domain/group-member'
import { criteriaOf, readMemberSearch } from '../domain/group-search'
import type { AppEnv } from '../env'
import { requestTenantId } from '../http/auth'
import { readJson, readOptionalJson } from '../http/body'
import { requestEventSource } from '../http/event-info'
import { Errors, notFound } from '../http/errors'
import { queryParam } from '../http/query'
import { emptyOk } from '../http/responses'

export const groupMemberRoutes = new Hono<AppEnv>()

groupMemberRoutes.post('/api/group/member', (c) => save(c, 'add'))
groupMemberRoutes.put('/api/group/member', (c) => save(c, 'replace'))

groupMemberRoutes.delete('/api/group/member', async (c) => {
  const removal = readMemberRemoval(
    { id: queryParam(c, 'id'), groupId: queryParam(c, 'groupId'), userId: queryParam(c, 'userId') },
    await readOptionalJson(c),
  )
  return remove(c, removal)
})

groupMemberRoutes.delete(`/api/group/member/:id{${UUID_SEGMENT}}`, (c) =>
  remove(c, { kind: 'memberIds', ids: [c.req.param('id').toLowerCase()] }),
)

groupMemberRoutes.get('/api/group/member/search', async (c) => {
  const search = readMemberSearch(criteriaOf(new Errors(), { query: new URL(c.req.url).searchParams }), requestTenantId(c))
  return c.json(await c.var.data.groups.searchMembers(search))
})

groupMemberRoutes.post('/api/group/member/search', async (c) => {
  const search = readMemberSearch(criteriaOf(new Errors(), { body: await readJson(c) }), requestTenantId(c))
  return c.json(await c.var.data.groups.searchMembers(search))
})

async function save(c: Context<AppEnv>, mode: 'add' | 'replace'): Promise<Response> {
  const inputs = readMemberRequest(await readJson(c), mode === 'replace')
  return c.json({ members: await saveMembers(c.var.data, requestTenantId(c), inputs, mode, requestEventSource(c)) })
}

async function remove(c: Context<AppEnv>, removal: Parameters<typeof removeMembers>[2]): Promise<Response> {
  if (!(await removeMembers(c.var.data, requestTenantId(c), removal, requestEventSource(c)))) throw notFound()
  return emptyOk(c)
}
