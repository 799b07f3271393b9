/**
 * Counts a request's round trips to D1 by where they would go in production (src/store/observed-d1.ts classifies
 * them), over the real local binding; optionally a session's reads come from a second database that the test
 * feeds from the primary only when it says so: a replica lagging as far as the test wants.
 */
import { type RoundTripTarget, observedD1 } from '../../src/store/observed-d1'

export interface RoundTrips {
  primary: number
  replica: number
  /** Each round trip in order: where it went and its statements' first words. */
  log: string[]
}

export interface CountingD1 {
  /** Pass this as `DB` in the Worker's env. */
  binding: D1Database
  trips: RoundTrips
  reset(): void
}

const label = (sql: string): string => sql.trim().split(/\s+/).slice(0, 4).join(' ')

export function countingD1(primary: D1Database, options: { replica?: D1Database } = {}): CountingD1 {
  const trips: RoundTrips = { primary: 0, replica: 0, log: [] }
  const count = (target: RoundTripTarget, sqls: readonly string[]): void => {
    trips[target]++
    trips.log.push(`${target}: ${sqls.map(label).join(' | ')}`)
  }
  return {
    binding: observedD1(primary, count, options),
    trips,
    reset() {
      trips.primary = 0
      trips.replica = 0
      trips.log.length = 0
    },
  }
}

/** The tables a login reads, parents first: what a simulated lagging replica copies from the primary. */
export const LOGIN_TABLES = [
  'system_configuration',
  'tenants',
  'signing_keys',
  'applications',
  'users',
  'registrations',
  'api_keys',
  'user_action_definitions',
  'user_actions',
  'two_factor_methods',
  'refresh_tokens',
] as const

/** Copies every row of `tables` from the primary to the replica: the replica catches up to now. */
export async function feedReplica(primary: D1Database, replica: D1Database, tables: readonly string[]): Promise<void> {
  const statements: D1PreparedStatement[] = [replica.prepare('PRAGMA defer_foreign_keys = ON')]
  for (const table of [...tables].reverse()) statements.push(replica.prepare(`DELETE FROM ${table}`))
  for (const table of tables) {
    const { results } = await primary.prepare(`SELECT * FROM ${table}`).all<Record<string, unknown>>()
    for (const row of results) {
      const columns = Object.keys(row)
      statements.push(
        replica
          .prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
          .bind(...columns.map((c) => row[c])),
      )
    }
  }
  await replica.batch(statements)
}
