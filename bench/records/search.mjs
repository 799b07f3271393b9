/**
 * Login-record search latency for the four filter shapes the API allows, each request beside the same SELECT run
 * directly in node:sqlite on a copy of the data. Rounds interleave shapes and sides in random order; each round
 * picks fresh filter values (a random seeded user, application and 30-day window) shared by both sides, and both
 * sides must return the same number of rows.
 */
import { median, ms, p95, ratio, shuffle, table } from '../lib/stats.mjs'

const WINDOW_MILLIS = 30 * 86_400_000

const pick = (items) => items[Math.floor(Math.random() * items.length)]

/** The four shapes, each turning a round's random picks into criteria. */
const SHAPES = [
  { name: 'none', label: 'no filter', criteria: () => ({}) },
  { name: 'user', label: 'userId', criteria: (p) => ({ userId: p.userId }) },
  { name: 'application', label: 'applicationId', criteria: (p) => ({ applicationId: p.applicationId }) },
  {
    name: 'all',
    label: 'userId + applicationId + start/end (30 days)',
    criteria: (p) => ({ userId: p.userId, applicationId: p.applicationId, start: p.start, end: p.start + WINDOW_MILLIS }),
  },
]

async function workerSearch(ctx, criteria) {
  const started = performance.now()
  const response = await fetch(`${ctx.url}/api/system/login-record/search`, {
    method: 'POST',
    headers: { Authorization: ctx.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ search: criteria }),
  })
  const text = await response.text()
  const millis = performance.now() - started
  if (response.status !== 200) throw new Error(`search ${JSON.stringify(criteria)} answered ${response.status}: ${text.slice(0, 300)}`)
  return { millis, rows: JSON.parse(text).logins.length }
}

/** A request that does no work (the pbkdf2 bench worker's GET): the HTTP and dev-proxy floor under every request. */
async function floorRequest(ctx) {
  const started = performance.now()
  const response = await fetch(ctx.floorUrl)
  await response.arrayBuffer()
  return performance.now() - started
}

function sqliteSearch(ctx, criteria) {
  const started = performance.now()
  const rows = ctx.baseline.search(criteria).length
  return { millis: performance.now() - started, rows }
}

/** Runs `warmup` + `iterations` rounds; returns the markdown table and a console summary line. */
export async function benchSearch(ctx, { iterations, warmup }) {
  const samples = Object.fromEntries(SHAPES.map((shape) => [shape.name, { worker: [], sqlite: [], rows: [] }]))
  const floor = []
  for (let round = 0; round < warmup + iterations; round++) {
    const picks = {
      userId: pick(ctx.seeded.users),
      applicationId: pick(ctx.applicationIds),
      start: ctx.seeded.oldestMillis + Math.floor(Math.random() * (ctx.seeded.newestMillis - ctx.seeded.oldestMillis - WINDOW_MILLIS)),
    }
    for (const shape of shuffle([...SHAPES, 'floor'])) {
      if (shape === 'floor') {
        const millis = await floorRequest(ctx)
        if (round >= warmup) floor.push(millis)
        continue
      }
      const criteria = shape.criteria(picks)
      const sides = shuffle(['worker', 'sqlite'])
      const results = {}
      for (const side of sides) results[side] = side === 'worker' ? await workerSearch(ctx, criteria) : sqliteSearch(ctx, criteria)
      if (results.worker.rows !== results.sqlite.rows) {
        throw new Error(`search ${shape.name}: the Worker returned ${results.worker.rows} rows, SQLite ${results.sqlite.rows}`)
      }
      if (round < warmup) continue
      const bucket = samples[shape.name]
      bucket.worker.push(results.worker.millis)
      bucket.sqlite.push(results.sqlite.millis)
      bucket.rows.push(results.worker.rows)
    }
  }
  const rows = SHAPES.map((shape) => {
    const { worker, sqlite, rows: returned } = samples[shape.name]
    return [
      shape.label,
      String(median(returned)),
      ms(median(worker)),
      ms(p95(worker)),
      ms(median(sqlite)),
      ms(p95(sqlite)),
      ratio(median(worker) / median(sqlite)),
      ms(median(worker) - median(sqlite)),
    ]
  })
  const markdown = [
    `POST /api/system/login-record/search (default page: 25 rows from row 0, no total), ${iterations} rounds after ${warmup} warm-up rounds;`,
    'each round runs every shape on both sides in random order with the same random user, application and window.',
    `HTTP floor: a request to a worker that does nothing (bench/pbkdf2-worker.js, GET), in the same rounds: median ${ms(median(floor))} ms, p95 ${ms(p95(floor))} ms.`,
    '',
    table(
      [
        'filter',
        'median rows',
        'Worker median ms',
        'Worker p95 ms',
        'SQLite median ms',
        'SQLite p95 ms',
        'Worker / SQLite',
        'Worker - SQLite ms',
      ],
      rows,
    ),
  ].join('\n')
  const worst = Math.max(...SHAPES.map((shape) => p95(samples[shape.name].worker)))
  return { markdown, summary: `search: worst Worker p95 over the four shapes ${ms(worst)} ms` }
}
