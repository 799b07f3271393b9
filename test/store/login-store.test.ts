import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { subjectQueries, userMatches } from '../../src/store/login-store'

/** SQLite's plan for a query, one detail line per step. */
async function planOf(sql: string, binds: unknown[]): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...binds)
    .all<{ detail: string }>()
  return results.map((row) => row.detail)
}

describe('LoginStore query plans', () => {
  // A scan of users grows with the user count: a login must only ever search indexes.
  const matches = {
    'by login id': userMatches.byLoginId(crypto.randomUUID(), 'someone@example.com'),
    'by login id in the application tenant': userMatches.byLoginIdInApplicationTenant(crypto.randomUUID(), 'someone@example.com'),
    'by id': userMatches.byId(crypto.randomUUID()),
  }
  for (const [name, match] of Object.entries(matches)) {
    it(`searches indexes, never scans, ${name}`, async () => {
      for (const { sql, binds } of subjectQueries(match, Date.now())) {
        const plan = await planOf(sql, binds)
        expect(
          plan.filter((step) => step.startsWith('SCAN')),
          `${sql}\n${plan.join('\n')}`,
        ).toEqual([])
      }
    })
  }
})
