/**
 * Benchmark 2: login records at scale (search, export, purge), each beside the same work in node:sqlite.
 *
 * 1. Start `wrangler dev` on a fresh database, let it bootstrap, create ten applications and turn on the purge
 *    (1-day retention) through the admin API, stop it.
 * 2. Seed the records straight into the D1 SQLite file (bench/records/seed.mjs) and copy the file for node:sqlite.
 * 3. Start `wrangler dev --test-scheduled` on the seeded database and measure search, export and purge.
 */
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { count, mib, ms } from '../lib/stats.mjs'
import { migrate, startDev, workerPid } from '../lib/wrangler.mjs'
import { benchExport } from './export.mjs'
import { benchPurge } from './purge.mjs'
import { benchSearch } from './search.mjs'
import { SqliteBaseline } from './sqlite-baseline.mjs'
import { copyDatabase, findD1File, seedLoginRecords } from './seed.mjs'

export const DEFAULT_ROWS = 1_000_000
const APPLICATIONS = 10
const READY = '/.well-known/jwks.json'

async function call(url, apiKey, method, route, body) {
  const response = await fetch(url + route, {
    method,
    headers: { Authorization: apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`)
  return text === '' ? null : JSON.parse(text)
}

/** Bootstraps the default tenant, creates the applications and enables the 1-day purge; returns their ids. */
async function prepareThroughApi(url, apiKey) {
  const { tenants } = await call(url, apiKey, 'GET', '/api/tenant')
  const tenantId = tenants[0].id
  const applicationIds = []
  for (let n = 0; n < APPLICATIONS; n++) {
    const { application } = await call(url, apiKey, 'POST', '/api/application', { application: { name: `bench-records-${n}` } })
    applicationIds.push(application.id)
  }
  await call(url, apiKey, 'PATCH', '/api/system-configuration', {
    systemConfiguration: { loginRecordConfiguration: { delete: { enabled: true, numberOfDaysToRetain: 1 } } },
  })
  return { tenantId, applicationIds }
}

/** Export runs per size (one application's tenth, then all records), alternating Worker and SQLite. */
const EXPORT_RUNS = [5, 5]

/** Runs the records benchmark at `rows` records; returns markdown sections and summary lines. */
export async function benchRecords({ rows, log, iterations = 200, warmup = 20 }) {
  const persistTo = await mkdtemp(path.join(tmpdir(), 'edge-login-bench-records-'))
  const apiKey = randomBytes(32).toString('base64url')
  const vars = { BOOTSTRAP_API_KEY: apiKey, ENCRYPTION_KEY: randomBytes(32).toString('base64') }
  let dev = null
  let floor = null
  let baseline = null
  try {
    log('records: migrating and preparing the database through the API')
    await migrate(persistTo)
    dev = await startDev({ persistTo, vars, readyPath: READY })
    const { tenantId, applicationIds } = await prepareThroughApi(dev.url, apiKey)
    await dev.stop()
    dev = null

    const file = findD1File(persistTo)
    log(`records: seeding ${count(rows)} login records into ${path.basename(file)}`)
    const seedStarted = performance.now()
    const seeded = seedLoginRecords(file, { rows, tenantId, applicationIds, nowMillis: Date.now() })
    const seedMillis = performance.now() - seedStarted
    const copy = path.join(persistTo, 'baseline.sqlite')
    copyDatabase(file, copy)
    const fileBytes = statSync(file).size
    log(`records: seeded in ${ms(seedMillis)} ms (${mib(fileBytes)} MiB); starting wrangler dev --test-scheduled`)

    // Log level 'log' lets the purge job's own console line through: it marks the end of a cron run.
    const startProduct = () => startDev({ persistTo, vars, args: ['--test-scheduled'], readyPath: READY, logLevel: 'log' })
    dev = await startProduct()
    floor = await startDev({ config: 'bench/pbkdf2-wrangler.toml', persistTo: path.join(persistTo, 'floor') })
    baseline = new SqliteBaseline(copy)
    const ctx = {
      floorUrl: floor.url,
      dev,
      url: dev.url,
      apiKey,
      baseline,
      seeded,
      applicationIds,
      workerPid: workerPid(dev),
      log,
      restarts: [],
    }
    /** Stops wrangler dev (if it still runs) and starts it again on the same database. */
    ctx.restart = async (reason) => {
      ctx.restarts.push(reason)
      log(`records: restarting wrangler dev (${reason})`)
      await dev.stop()
      dev = await startProduct()
      Object.assign(ctx, { dev, url: dev.url, workerPid: workerPid(dev) })
    }
    /**
     * An untimed request before each timed Worker run. The SQLite side blocks this process for seconds, long enough
     * for a pooled keep-alive socket to go stale; a stale socket fails here (and is replaced) rather than in the
     * measurement. A dev server that no longer answers at all is restarted.
     */
    ctx.ensureAlive = async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const response = await fetch(dev.url + READY, { signal: AbortSignal.timeout(10_000) })
          await response.arrayBuffer()
          if (response.status === 200) return
        } catch {
          // A stale socket or a dead server: try again, then restart.
        }
      }
      await ctx.restart('the dev server stopped answering between runs')
    }

    log(`records: search, ${iterations} rounds after ${warmup} warm-up rounds`)
    const search = await benchSearch(ctx, { iterations, warmup })
    log('records: export')
    const exported = await benchExport(ctx, { applicationId: applicationIds[0], runs: EXPORT_RUNS })
    // A fresh dev server for the cron, as a real cron run starts a fresh invocation (and see the export's restarts).
    await ctx.restart('before the purge, by design')
    log('records: purge')
    const purge = await benchPurge(ctx)

    const intro = [
      `${count(rows)} records (${count(seeded.users.length)} users, ${APPLICATIONS} applications, evenly spread over 398 days, all older than`,
      `the 1-day retention), seeded with node:sqlite into the local D1 file (${mib(fileBytes)} MiB) in ${ms(seedMillis / 1000)} s.`,
      'The SQLite side runs the statements of src/store/login-record-store.ts in this process on a copy of that file.',
    ].join('\n')
    const unplanned = ctx.restarts.filter((reason) => !reason.endsWith('by design'))
    const restarts =
      unplanned.length === 0
        ? 'wrangler dev was restarted once, on purpose, before the purge; no unplanned restart was needed.'
        : `wrangler dev had to be restarted ${unplanned.length} time(s) during the run (${unplanned.join('; ')}); each failed run was repeated.`
    const markdown = [intro, '### Search', search.markdown, '### Export', exported.markdown, '### Purge', purge.markdown, restarts].join(
      '\n\n',
    )
    return { markdown, summary: [search.summary, exported.summary, purge.summary] }
  } finally {
    baseline?.close()
    if (dev !== null) await dev.stop()
    if (floor !== null) await floor.stop()
    await rm(persistTo, { recursive: true, force: true })
  }
}
