/**
 * Benchmark: the console's Activity page and Login records page at 1,000,000 login records, each beside the same
 * statements run directly in node:sqlite on a copy of the same file.
 *
 * 1. Start `wrangler dev` on a fresh database, create ten applications, the console's application and a console
 *    admin through the API, stop it.
 * 2. Seed the records straight into the D1 file (bench/records/seed.mjs), ending now, so the last 30 days hold about
 *    75,000 records and the last 24 hours about 2,500 (398 days evenly).
 * 3. Start `wrangler dev` again, sign in as the console does (POST /api/login, POST /console/api/session) and time
 *    GET /console/api/activity (both charts: two grouped counts in one batch) and GET /console/api/records (the first
 *    page, and a page a third of the way back through the keyset cursor) against node:sqlite.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { count, median, ms, p95, ratio, shuffle, table } from './lib/stats.mjs'
import { migrate, startDev } from './lib/wrangler.mjs'
import { DAY_MILLIS, copyDatabase, findD1File, seedLoginRecords } from './records/seed.mjs'
import { PreparedSqlite } from './records/sqlite-baseline.mjs'

export const DEFAULT_CONSOLE_ROWS = 1_000_000
const APPLICATIONS = 10
const READY = '/.well-known/jwks.json'
const CONSOLE_APPLICATION_ID = '3c219e58-ed0e-4b18-ad48-f4f92793ae32'
const PAGE_SIZE = 50
/** The seed's newest record is 2 days before the `nowMillis` it is given: shift it so the newest is now. */
const SEED_NEWEST_DAYS = 2

async function call(url, method, route, { apiKey, body, headers = {} } = {}) {
  const response = await fetch(url + route, {
    method,
    headers: {
      ...(apiKey === undefined ? {} : { Authorization: apiKey }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`)
  return { response, body: text === '' ? null : JSON.parse(text) }
}

/** The applications, the console's application (no API key for login) and a console admin; returns what seeding needs. */
async function prepareThroughApi(url, apiKey, admin) {
  const { body } = await call(url, 'GET', '/api/tenant', { apiKey })
  const tenantId = body.tenants[0].id
  const applicationIds = []
  for (let n = 0; n < APPLICATIONS; n++) {
    const created = await call(url, 'POST', '/api/application', { apiKey, body: { application: { name: `bench-console-${n}` } } })
    applicationIds.push(created.body.application.id)
  }
  await call(url, 'POST', `/api/application/${CONSOLE_APPLICATION_ID}`, {
    apiKey,
    body: { application: { name: 'FusionAuth', roles: [{ name: 'admin' }], loginConfiguration: { requireAuthentication: false } } },
  })
  await call(url, 'POST', '/api/user/registration', {
    apiKey,
    body: {
      user: { email: admin.email, password: admin.password },
      registration: { applicationId: CONSOLE_APPLICATION_ID, roles: ['admin'] },
    },
  })
  return { tenantId, applicationIds }
}

/** Signs in as the console page does; the Cookie header value for later calls. */
async function signIn(url, admin) {
  const login = await call(url, 'POST', '/api/login', {
    body: { loginId: admin.email, password: admin.password, applicationId: CONSOLE_APPLICATION_ID },
  })
  const session = await call(url, 'POST', '/console/api/session', { body: { token: login.body.token }, headers: { Origin: url } })
  return (session.response.headers.get('set-cookie') ?? '').split(';')[0]
}

/** The statements of src/store/activity-store.ts and the records page's keyset SELECT (login-record-store.ts exportPage). */
class ConsoleSqlite extends PreparedSqlite {
  /** bucketCountSql + bucketCountBinds: counts per bucket and application for contiguous edges. */
  counts(edges) {
    const buckets = edges.length - 1
    const values = Array.from({ length: buckets }, (_, index) => `(${index}, ?, ?)`).join(', ')
    const sql = `WITH b(i, lo, hi) AS (VALUES ${values})
    SELECT b.i AS bucket, r.application_id AS application_id, COUNT(*) AS logins
    FROM b JOIN login_records r ON r.instant >= b.lo AND r.instant < b.hi
    GROUP BY b.i, r.application_id`
    const binds = []
    for (let index = 0; index < buckets; index++) binds.push(edges[index], edges[index + 1])
    return this.prepare(sql).all(...binds)
  }

  /** A records page (one row more than shown), newest first, after a cursor. */
  page(after) {
    const where = after === null ? '' : 'WHERE (r.instant, r.id) < (?, ?)'
    const sql = `SELECT r.id, r.user_id, r.application_id, r.login_id, r.login_id_type, r.instant, r.ip_address
         FROM login_records r ${where} ORDER BY r.instant DESC, r.id DESC LIMIT ?`
    const binds = after === null ? [PAGE_SIZE + 1] : [after.instant, after.id, PAGE_SIZE + 1]
    return this.prepare(sql).all(...binds)
  }

  /** The (instant, id) a third of the way back: where the deep page starts. */
  cursorAt(fraction) {
    const total = this.db.prepare('SELECT COUNT(*) AS n FROM login_records').get().n
    const row = this.db
      .prepare('SELECT instant, id FROM login_records ORDER BY instant DESC, id DESC LIMIT 1 OFFSET ?')
      .get(Math.floor(total * fraction))
    return { instant: row.instant, id: row.id }
  }

  close() {
    this.db.close()
  }
}

const sum = (rows) => rows.reduce((total, row) => total + row.logins, 0)
/** The Worker's count without the console admin's own sign-in, which happened after the SQLite copy was taken. */
const seededCount = (chart) =>
  chart.series
    .filter((s) => s.applicationId !== CONSOLE_APPLICATION_ID)
    .reduce((total, s) => total + s.counts.reduce((a, b) => a + b, 0), 0)
const edgesOf = (chart) => [...chart.starts, chart.end]

async function timedGet(url, route, cookie) {
  const started = performance.now()
  const response = await fetch(url + route, { headers: { Cookie: cookie } })
  const text = await response.text()
  const millis = performance.now() - started
  if (response.status !== 200) throw new Error(`GET ${route} answered ${response.status}: ${text.slice(0, 300)}`)
  return { millis, body: JSON.parse(text) }
}

function timedSqlite(run) {
  const started = performance.now()
  const result = run()
  return { millis: performance.now() - started, result }
}

/** Runs the console benchmark; returns markdown and summary lines. */
export async function benchConsole({ rows = DEFAULT_CONSOLE_ROWS, log, iterations = 200, warmup = 20 }) {
  const persistTo = await mkdtemp(path.join(tmpdir(), 'edge-login-bench-console-'))
  const apiKey = randomBytes(32).toString('base64url')
  const vars = { BOOTSTRAP_API_KEY: apiKey, ENCRYPTION_KEY: randomBytes(32).toString('base64') }
  const admin = { email: 'console-bench@example.com', password: randomBytes(12).toString('base64url') }
  let dev = null
  let sqlite = null
  try {
    log('console: migrating and preparing the database through the API')
    await migrate(persistTo)
    dev = await startDev({ persistTo, vars, readyPath: READY })
    const { tenantId, applicationIds } = await prepareThroughApi(dev.url, apiKey, admin)
    await dev.stop()
    dev = null

    const file = findD1File(persistTo)
    log(`console: seeding ${count(rows)} login records ending now`)
    seedLoginRecords(file, { rows, tenantId, applicationIds, nowMillis: Date.now() + SEED_NEWEST_DAYS * DAY_MILLIS })
    const copy = path.join(persistTo, 'baseline.sqlite')
    copyDatabase(file, copy)
    sqlite = new ConsoleSqlite(copy)
    const deep = sqlite.cursorAt(1 / 3)
    const deepRoute = `/console/api/records?after=${deep.instant}.${deep.id}`

    dev = await startDev({ persistTo, vars, readyPath: READY })
    const cookie = await signIn(dev.url, admin)

    const samples = { activity: { worker: [], sqlite: [] }, first: { worker: [], sqlite: [] }, deep: { worker: [], sqlite: [] } }
    let counted = { hourly: 0, daily: 0 }
    log(`console: ${iterations} rounds after ${warmup} warm-up rounds`)
    for (let round = 0; round < warmup + iterations; round++) {
      for (const shape of shuffle(['activity', 'first', 'deep'])) {
        let worker
        let local
        if (shape === 'activity') {
          worker = await timedGet(dev.url, '/console/api/activity', cookie)
          const { hourly, daily } = worker.body
          // The same edges the Worker computed (local hours and midnights of the report time zone).
          local = timedSqlite(() => [sqlite.counts(edgesOf(hourly)), sqlite.counts(edgesOf(daily))])
          const [hours, days] = local.result
          const workerHours = seededCount(hourly)
          const workerDays = seededCount(daily)
          if (workerHours !== sum(hours) || workerDays !== sum(days)) {
            throw new Error(`activity: the Worker counted ${workerHours}/${workerDays}, SQLite ${sum(hours)}/${sum(days)}`)
          }
          counted = { hourly: workerHours, daily: workerDays }
        } else {
          const after = shape === 'deep' ? deep : null
          worker = await timedGet(dev.url, shape === 'deep' ? deepRoute : '/console/api/records', cookie)
          local = timedSqlite(() => sqlite.page(after))
          if (worker.body.records.length !== Math.min(PAGE_SIZE, local.result.length))
            throw new Error(`records ${shape}: row counts differ`)
        }
        if (round < warmup) continue
        samples[shape].worker.push(worker.millis)
        samples[shape].sqlite.push(local.millis)
      }
    }

    const labels = {
      activity: `GET /console/api/activity: 24 hourly + 30 daily buckets (${count(counted.hourly)} + ${count(counted.daily)} records counted)`,
      first: `GET /console/api/records: first page (${PAGE_SIZE} rows)`,
      deep: `GET /console/api/records?after=: a page a third of the way back (${count(Math.floor(rows / 3))} rows newer)`,
    }
    const body = Object.entries(samples).map(([shape, { worker, sqlite: local }]) => [
      labels[shape],
      ms(median(worker)),
      ms(p95(worker)),
      ms(median(local)),
      ms(p95(local)),
      ratio(median(worker) / median(local)),
    ])
    const markdown = [
      `${count(rows)} records (${APPLICATIONS} applications, evenly spread over the 398 days ending now), ${iterations} rounds after ${warmup} warm-up rounds,`,
      'each round running the three calls in random order, each beside the same statements in node:sqlite on a copy of the file',
      '(src/store/activity-store.ts; the keyset SELECT of login-record-store.ts). Both sides must count the same records.',
      'The Worker side includes the session check (a KV read and the user read) and the application names.',
      '',
      table(['call', 'Worker median ms', 'Worker p95 ms', 'SQLite median ms', 'SQLite p95 ms', 'Worker / SQLite'], body),
    ].join('\n')
    return {
      markdown,
      summary: `console: activity median ${ms(median(samples.activity.worker))} ms (SQLite ${ms(median(samples.activity.sqlite))} ms)`,
    }
  } finally {
    sqlite?.close()
    if (dev !== null) await dev.stop()
    await rm(persistTo, { recursive: true, force: true })
  }
}
