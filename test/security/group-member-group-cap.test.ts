/**
 * A group member request names at most 100 distinct groups (a 400 `[tooMany]members` past that), and at the cap,
 * with member events delivered during the request, its D1 work does not grow with the groups: the groups of the
 * events are read at once, not two calls per group, and PUT empties them in one statement. D1 caps the queries
 * of one invocation (50 on the free plan), so per-group work was a 500 waiting for enough groups.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createUser, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'
import { createWebhook, hookUrl, receivedBy, sends } from '../events/delivery-fixtures'
import { createTenant, fieldCodes, uniqueName } from '../routes/admin-fixtures'
import { PASSWORD } from '../routes/session-fixtures'
import { countingD1 } from '../support/counting-d1'
import { callWith } from '../support/worker-call'

/** MAX_GROUPS_PER_REQUEST of src/domain/group-member.ts. */
const CAP = 100

async function groupsOf(tenantId: string, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let start = 0; start < count; start += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - start) }, () =>
        call('/api/group', { tenantId, body: { group: { name: uniqueName('capped') } } }).then(async (response) => {
          expect(response.status).toBe(200)
          return (await json<{ group: { id: string } }>(response)).group.id
        }),
      ),
    )
    ids.push(...batch)
  }
  return ids
}

async function memberCount(groupIds: readonly string[]): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM group_members WHERE group_id IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify(groupIds))
    .first<{ n: number }>()
  return row?.n ?? 0
}

/** The statements of all round trips of the log (a batch's statements are joined by ` | `). */
const statementsIn = (log: readonly string[]): string[] => log.flatMap((entry) => entry.replace(/^\w+: /, '').split(' | '))

/** The webhook publisher's lookup of an event's webhooks (webhook-store.ts enabledFor), made per transactional event. */
const isWebhookLookup = (statement: string): boolean => statement.startsWith('SELECT w.data')

describe('group member requests: at most 100 groups, D1 work independent of them', () => {
  it('refuses more groups than the cap with [tooMany]members and writes nothing (POST, PUT, DELETE)', async () => {
    const tenant = await createTenant()
    const groupIds = await groupsOf(tenant.id, CAP + 1)
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail(), password: PASSWORD })
    const members = Object.fromEntries(groupIds.map((id) => [id, [{ userId: user.id }]]))
    for (const method of ['POST', 'PUT']) {
      const response = await call('/api/group/member', { method, body: { members } })
      expect(response.status, `${method}: ${(await response.clone().text()).slice(0, 300)}`).toBe(400)
      expect(await fieldCodes(response)).toEqual(['[tooMany]members'])
    }
    expect(await memberCount(groupIds)).toBe(0)
    const removal = Object.fromEntries(groupIds.map((id) => [id, [user.id]]))
    const response = await call('/api/group/member', { method: 'DELETE', body: { members: removal } })
    expect(response.status, (await response.clone().text()).slice(0, 300)).toBe(400)
    expect(await fieldCodes(response)).toEqual(['[tooMany]members'])

    // Memberships by id that span more groups than the cap (made here behind the API's back) are refused the same way.
    const memberIds = groupIds.map(() => crypto.randomUUID())
    await env.DB.batch(
      groupIds.map((groupId, index) =>
        env.DB.prepare('INSERT INTO group_members (id, group_id, user_id, data, insert_instant) VALUES (?, ?, ?, ?, 0)').bind(
          memberIds[index],
          groupId,
          user.id,
          JSON.stringify({ id: memberIds[index], groupId, userId: user.id, insertInstant: 0 }),
        ),
      ),
    )
    const byIds = await call('/api/group/member', { method: 'DELETE', body: { memberIds } })
    expect(byIds.status, (await byIds.clone().text()).slice(0, 300)).toBe(400)
    expect(await fieldCodes(byIds)).toEqual(['[tooMany]memberIds'])
    expect(await memberCount(groupIds)).toBe(CAP + 1)
  })

  it('at the cap, with transactional member events, answers 200 in a bounded number of D1 statements', async () => {
    const tenant = await createTenant(sends({ 'group.member.add': 'Any', 'group.member.update': 'Any', 'group.member.remove': 'Any' }))
    const { inbox, url } = hookUrl('ok')
    await createWebhook({ url, eventsEnabled: ['group.member.add', 'group.member.update', 'group.member.remove'], tenantIds: [tenant.id] })
    const groupIds = await groupsOf(tenant.id, CAP)
    const user = await createUser({ tenantId: tenant.id, email: uniqueEmail(), password: PASSWORD })
    const members = Object.fromEntries(groupIds.map((id) => [id, [{ userId: user.id }]]))
    const d1 = countingD1(env.DB)
    for (const method of ['POST', 'PUT', 'DELETE']) {
      d1.reset()
      const body = method === 'DELETE' ? { members: Object.fromEntries(groupIds.map((id) => [id, [user.id]])) } : { members }
      const response = await callWith({ DB: d1.binding }, '/api/group/member', { method, body })
      expect(response.status, `${method}: ${(await response.clone().text()).slice(0, 300)}`).toBe(200)
      // Key, groups, users, ids, tenants, the events' groups, the one commit: a constant, where it was ~4 per group.
      const statements = statementsIn(d1.trips.log)
      const log = `${method}: ${d1.trips.log.join('\n')}`
      expect(statements.filter((statement) => !isWebhookLookup(statement)).length, log).toBeLessThanOrEqual(20)
      // The publisher looks the webhooks up once per event type, however many groups' events it delivers.
      expect(statements.filter(isWebhookLookup).length, log).toBe(1)
      expect(await memberCount(groupIds)).toBe(method === 'DELETE' ? 0 : CAP)
    }
    // One event per group and change, each delivered during its request.
    expect((await receivedBy(inbox)).length).toBe(3 * CAP)
  })
})
