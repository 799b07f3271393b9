/**
 * Benchmark: user search at 100,000 users, beside the same statements in node:sqlite.
 *
 * 1. Start `wrangler dev` on a fresh database and let it bootstrap (the default tenant), stop it.
 * 2. Seed the users straight into the D1 SQLite file (bench/users/seed.mjs; the migration's triggers index them)
 *    and copy the file for node:sqlite.
 * 3. Start `wrangler dev` on the seeded database and measure POST /api/user/search (bench/users/search.mjs).
 */
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { copyDatabase, findD1File } from '../records/seed.mjs'
import { count, mib, ms } from '../lib/stats.mjs'
import { migrate, startDev } from '../lib/wrangler.mjs'
import { SqliteSearch, benchUserSearch } from './search.mjs'
import { rebuildMillis, seedUsers } from './seed.mjs'
import { loadSearchStatements } from './statements.mjs'

export const DEFAULT_USERS = 100_000
const READY = '/.well-known/jwks.json'

async function defaultTenantId(url, apiKey) {
  const response = await fetch(`${url}/api/tenant`, { headers: { Authorization: apiKey } })
  if (response.status !== 200) throw new Error(`GET /api/tenant answered ${response.status}: ${await response.text()}`)
  return (await response.json()).tenants[0].id
}

/** Runs the user-search benchmark at `users` users; returns a markdown section and summary lines. */
export async function benchUsers({ users = DEFAULT_USERS, log, iterations = 200, warmup = 20 }) {
  const persistTo = await mkdtemp(path.join(tmpdir(), 'edge-login-bench-users-'))
  const apiKey = randomBytes(32).toString('base64url')
  const vars = { BOOTSTRAP_API_KEY: apiKey, ENCRYPTION_KEY: randomBytes(32).toString('base64') }
  let dev = null
  let sqlite = null
  try {
    const statements = await loadSearchStatements(persistTo)
    log('users: migrating and bootstrapping the database')
    await migrate(persistTo)
    dev = await startDev({ persistTo, vars, readyPath: READY })
    const tenantId = await defaultTenantId(dev.url, apiKey)
    await dev.stop()
    dev = null

    const file = findD1File(persistTo)
    log(`users: seeding ${count(users)} users into ${path.basename(file)}`)
    const seeded = seedUsers(file, { users, tenantId, nowMillis: Date.now() })
    const copy = path.join(persistTo, 'baseline.sqlite')
    copyDatabase(file, copy)
    const fileBytes = statSync(file).size
    const rebuild = rebuildMillis(copy)
    log(`users: seeded in ${ms(seeded.millis)} ms (${mib(fileBytes)} MiB); starting wrangler dev`)

    dev = await startDev({ persistTo, vars, readyPath: READY })
    sqlite = new SqliteSearch(copy, statements)
    log(`users: search, ${iterations} rounds after ${warmup} warm-up rounds`)
    const search = await benchUserSearch({ url: dev.url, apiKey, sqlite, users }, { iterations, warmup })

    const intro = [
      `${count(users)} users in one tenant, seeded with node:sqlite into the local D1 file (${mib(fileBytes)} MiB with the search index) in`,
      `${ms(seeded.millis / 1000)} s, the migration's triggers writing each user's search document and FTS5 trigram entries in the same`,
      `statements. Rebuilding the whole index from the documents (what migrations/0008_user_search.sql does for existing users) took`,
      `${ms(rebuild / 1000)} s in node:sqlite.`,
    ].join('\n')
    return { markdown: [intro, search.markdown].join('\n\n'), summary: [search.summary] }
  } finally {
    sqlite?.close()
    if (dev !== null) await dev.stop()
    await rm(persistTo, { recursive: true, force: true })
  }
}
