/**
 * The scheduled purge of expired login records: the Worker's cron handler, triggered through `wrangler dev
 * --test-scheduled` (GET /__scheduled) until no record is left, beside the same batched DELETE (1,000 rows per
 * statement, src/jobs/purge-login-records.ts) run in node:sqlite on the copy. Every seeded record is older than the
 * 1-day retention set in the system configuration. One pass each: the data can only be purged once.
 */
import { count, median, ms, ratio, table } from '../lib/stats.mjs'

/** DEFAULT_PURGE_BUDGET.batchSize in src/jobs/purge-login-records.ts: keep the two equal. */
const BATCH_SIZE = 1000
const MAX_CRON_RUNS = 50
/** One cron run's budget is five minutes (src/jobs/purge-login-records.ts); allow for a slow machine. */
const JOB_TIMEOUT_MS = 8 * 60_000
const DAY_MILLIS = 86_400_000

/** Records left, via the search API's total (no rows fetched). */
async function remaining(ctx) {
  const response = await fetch(`${ctx.url}/api/system/login-record/search`, {
    method: 'POST',
    headers: { Authorization: ctx.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ retrieveTotal: true, search: { numberOfResults: 0 } }),
  })
  if (response.status !== 200) throw new Error(`count answered ${response.status}: ${await response.text()}`)
  return (await response.json()).total
}

/**
 * Runs the cron until the table is empty. GET /__scheduled answers as soon as the handler has started its work
 * (ctx.waitUntil), so a run's time is from the trigger to the job's own log line, which it prints when done.
 */
async function workerPurge(ctx) {
  const runs = []
  const initial = await remaining(ctx)
  let left = initial
  // Nothing else is sent while a run works: a request that has to wait for the database through a whole
  // purge run makes wrangler's local proxy lose its connection to the runtime (500, then wrangler exits).
  while (left > 0 && runs.length < MAX_CRON_RUNS) {
    const logged = ctx.dev.nextLine(/"job":"purge-login-records"/, JOB_TIMEOUT_MS)
    const started = performance.now()
    const response = await fetch(`${ctx.url}/__scheduled?cron=17+*+*+*+*`)
    const text = await response.text()
    if (response.status !== 200) throw new Error(`/__scheduled answered ${response.status}: ${text.slice(0, 300)}`)
    const line = await logged
    const millis = performance.now() - started
    const job = JSON.parse(line.slice(line.indexOf('{')))
    runs.push({ millis, deleted: job.deleted, batches: job.batches })
    left -= job.deleted
    if (job.complete) break
  }
  const after = await remaining(ctx)
  if (after !== 0 || left !== 0) throw new Error(`${after} records left after ${runs.length} cron runs`)
  return { initial, runs, millis: runs.reduce((sum, run) => sum + run.millis, 0) }
}

/**
 * Purges on both sides, each on its own copy of the data: the Worker first, straight after its dev server starts,
 * then SQLite (whose synchronous DELETEs would otherwise leave the dev server's sockets idle for as long). Returns markdown.
 */
export async function benchPurge(ctx) {
  await ctx.ensureAlive()
  const worker = await workerPurge(ctx)
  ctx.log(`purge: the Worker deleted ${count(worker.initial)} rows in ${ms(worker.millis)} ms; running the same DELETEs in SQLite`)

  const sqliteBefore = ctx.baseline.count()
  const started = performance.now()
  const sqlite = ctx.baseline.purge(Date.now() - DAY_MILLIS, BATCH_SIZE)
  const sqliteMillis = performance.now() - started
  if (ctx.baseline.count() !== 0 || sqlite.deleted !== sqliteBefore)
    throw new Error(`SQLite purge deleted ${sqlite.deleted} of ${sqliteBefore}`)
  const perRun = worker.runs.map((run) => `${count(run.deleted)} rows in ${ms(run.millis)} ms`).join('; ')
  const rows = [
    [
      'Worker cron (GET /__scheduled)',
      count(worker.initial),
      String(worker.runs.length),
      ms(worker.millis),
      count(worker.initial / (worker.millis / 1000)),
      ratio(worker.millis / sqliteMillis),
    ],
    [
      'node:sqlite, same DELETE batches',
      count(sqlite.deleted),
      '-',
      ms(sqliteMillis),
      count(sqlite.deleted / (sqliteMillis / 1000)),
      '1.00x',
    ],
  ]
  const markdown = [
    `Retention 1 day, deletion enabled; every record expired. DELETE batches of ${count(BATCH_SIZE)} rows, oldest first.`,
    `Worker runs: ${perRun} (trigger to the job's log line). SQLite: ${sqlite.batches} batches, median ${ms(median(sqlite.batchMillis))} ms per batch.`,
    'A single pass on each side (the rows can be purged only once), so this ratio is one sample, not a median.',
    '',
    table(['purge', 'rows deleted', 'cron runs', 'total ms', 'rows/s', 'time / SQLite'], rows),
  ].join('\n')
  const summary = `purge: ${count(worker.initial)} rows in ${ms(worker.millis)} ms over ${worker.runs.length} cron run(s) (${ratio(worker.millis / sqliteMillis)} SQLite's time)`
  return { markdown, summary }
}
