import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { type TextSearch, textMatchOf } from '../../src/domain/user-search'
import { type Sql, idSearchStatement, textSearchStatements } from '../../src/store/user-search-store'

/**
 * SQLite's plan for a statement, one detail line per step, without the steps of the per-user registrations subquery
 * (an index lookup by user id for each user of the page, whatever the table sizes).
 */
async function planOf({ sql, binds }: Sql): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...binds)
    .all<{ id: number; parent: number; detail: string }>()
  const perUser = new Set<number>()
  for (const step of results) {
    if (step.detail.startsWith('CORRELATED SCALAR SUBQUERY') || perUser.has(step.parent)) perUser.add(step.id)
  }
  return results.filter((step) => !perUser.has(step.id)).map((step) => step.detail)
}

const textSearch = (queryString: string, sort: TextSearch['sort'] = []): TextSearch => ({
  kind: 'text',
  match: textMatchOf(queryString),
  numberOfResults: 25,
  startRow: 0,
  sort,
})

/** Steps that read a whole table (or a whole tenant's index) instead of looking rows up. */
const scans = (plan: string[]): string[] => plan.filter((step) => step.startsWith('SCAN') && !/VIRTUAL TABLE INDEX \d+:M/.test(step))

describe('UserSearchStore query plans', () => {
  // At 100,000 users a scan of users (or of the documents) is the difference between milliseconds and seconds.
  const searches = {
    'a substring': 'piper',
    'an exact email': 'richard@piedpiper.com',
    'a prefix wildcard': 'rich*',
    'a two-letter prefix (anchored, so three characters for the index)': 'ri*',
    'a suffix wildcard': '*@piedpiper.com',
    'an inner wildcard': 'rich*@piedpiper.com',
  }
  for (const [name, queryString] of Object.entries(searches)) {
    for (const tenantId of [null, crypto.randomUUID()]) {
      it(`finds ${name} through the FTS index, ${tenantId === null ? 'in every tenant' : 'in one tenant'}`, async () => {
        const { page, count } = textSearchStatements(
          textSearch(queryString, [{ field: 'email', descending: false, missingFirst: false }]),
          tenantId,
        )
        for (const statement of [page, count]) {
          const plan = await planOf(statement)
          expect(
            plan.some((step) => /user_search VIRTUAL TABLE INDEX \d+:M/.test(step)),
            plan.join('\n'),
          ).toBe(true)
          expect(scans(plan), `${statement.sql}\n${plan.join('\n')}`).toEqual([])
        }
      })
    }
  }

  it('reads the first page of everyone in document order without sorting the table', async () => {
    const { page } = textSearchStatements(textSearch('*'), crypto.randomUUID())
    const plan = await planOf(page)
    expect(
      plan.filter((step) => step.includes('TEMP B-TREE')),
      plan.join('\n'),
    ).toEqual([])
  })

  it('looks users up by id, however many ids', async () => {
    const ids = Array.from({ length: 300 }, () => crypto.randomUUID())
    const plan = await planOf(idSearchStatement(ids, crypto.randomUUID()))
    expect(
      scans(plan).filter((step) => !step.includes('json_each')),
      plan.join('\n'),
    ).toEqual([])
  })
})
