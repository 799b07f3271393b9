/**
 * `/api/user/search`: GET (query parameters) and POST (`{search: {...}}`) search users as FusionAuth's database
 * search engine does (domain/user-search.ts); PUT is the official client's `refreshUserSearchIndex`.
 *
 * Tenant-scoped like every user API: a tenant header or a tenant-locked key sees only that tenant's users; a
 * global key without a header searches every tenant. Reads go to the primary, so a user created by the previous
 * request is found, as with FusionAuth's database engine (its Elasticsearch engine lags by about a second).
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { type UserSearch, searchUsers } from '../domain/user-search'
import { readUserSearchBody, readUserSearchQuery } from '../domain/user-search-criteria'
import type { AppEnv } from '../env'
import { requestTenantId, requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { emptyOk } from '../http/responses'

const SEARCH = '/api/user/search'

export const userSearchRoutes = new Hono<AppEnv>()

userSearchRoutes.get(SEARCH, requireApiKey(), (c) => respond(c, readUserSearchQuery(new URL(c.req.url).searchParams)))

userSearchRoutes.post(SEARCH, requireApiKey(), async (c) => respond(c, readUserSearchBody(await readJson(c))))

// The index is written in the same transaction as the user (triggers, migrations/0008_user_search.sql): nothing to refresh.
userSearchRoutes.put(SEARCH, requireApiKey(), (c) => emptyOk(c))

async function respond(c: Context<AppEnv>, search: UserSearch): Promise<Response> {
  const result = await searchUsers(c.var.data, search, requestTenantId(c))
  // FusionAuth answers `expandable: []` beside the results (no field of a user is left unexpanded here).
  return c.json({ expandable: [], total: result.total, users: result.users })
}
