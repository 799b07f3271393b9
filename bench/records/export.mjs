/**
 * Login-record export throughput and peak memory: the Worker's streamed zip (POST /api/system/login-record/export)
 * beside the same work in this process (one ordered node:sqlite scan, CSV lines, fflate deflate). Two sizes: one
 * application's records (a tenth of the table) and the whole table. Runs alternate Worker / SQLite. Memory is the
 * Worker's workerd process (which also hosts the local D1 database): VmHWM reset before each export and read after,
 * plus RssAnon sampled every 50 ms; the SQLite side reports this process the same way.
 */
import { unzipSync } from 'fflate'
import { watchMemory } from '../lib/memory.mjs'
import { count, median, mib, ms, ratio, table } from '../lib/stats.mjs'

const MAX_ATTEMPTS = 3

/**
 * One Worker export; when the dev server fails under it, restarts wrangler dev and repeats the run. Seen here: a
 * second million-row export in a row on one dev server often ends with its connection reset, after which wrangler
 * exits. Whether wrangler's local proxy or the runtime's memory is to blame is not pinned down; the report counts
 * every restart, so it stays visible.
 */
async function workerExportWithRetry(ctx, criteria, keep) {
  for (let attempt = 1; ; attempt++) {
    await ctx.ensureAlive()
    try {
      const result = await workerExport(ctx, criteria, keep)
      if (result.memory === null) throw new Error('the Worker process ended during the export')
      return result
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw error
      await ctx.restart(
        `export failed: ${String(error?.cause?.message ?? error?.message ?? error)
          .split('\n')[0]
          .slice(0, 120)}`,
      )
    }
  }
}

/** Streams the Worker's export to the end; keeps the bytes only when asked (to check the row count once). */
async function workerExport(ctx, criteria, keep) {
  const memory = watchMemory(ctx.workerPid)
  try {
    const started = performance.now()
    const response = await fetch(`${ctx.url}/api/system/login-record/export`, {
      method: 'POST',
      headers: { Authorization: ctx.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ criteria }),
    })
    if (response.status !== 200) throw new Error(`export answered ${response.status}: ${(await response.text()).slice(0, 300)}`)
    const chunks = []
    let bytes = 0
    for await (const chunk of response.body) {
      bytes += chunk.length
      if (keep) chunks.push(chunk)
    }
    const millis = performance.now() - started
    return { millis, bytes, memory: memory.stop(), zip: keep ? Buffer.concat(chunks) : null }
  } finally {
    memory.stop()
  }
}

function sqliteExport(ctx, criteria) {
  const memory = watchMemory('self')
  const started = performance.now()
  const { rows, bytes } = ctx.baseline.exportZip(criteria)
  const millis = performance.now() - started
  return { millis, rows, bytes, memory: memory.stop() }
}

/** Data lines in the zip's CSV parts (every part starts with one header line). */
function csvRows(zip) {
  let rows = 0
  for (const data of Object.values(unzipSync(new Uint8Array(zip)))) {
    let lines = 0
    for (let i = 0; i < data.length; i++) if (data[i] === 10) lines++
    rows += lines - 1
  }
  return rows
}

async function benchSize(ctx, { label, criteria, runs }) {
  const worker = []
  const sqlite = []
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? ['worker', 'sqlite'] : ['sqlite', 'worker']
    for (const side of order) {
      if (side === 'sqlite') {
        sqlite.push(sqliteExport(ctx, criteria))
        continue
      }
      const result = await workerExportWithRetry(ctx, criteria, run === 0)
      if (result.zip !== null) {
        result.rows = csvRows(result.zip)
        result.zip = null
      }
      worker.push(result)
    }
    ctx.log(`export ${label}: run ${run + 1}/${runs}: Worker ${ms(worker.at(-1).millis)} ms, SQLite ${ms(sqlite.at(-1).millis)} ms`)
  }
  const rows = sqlite[0].rows
  if (worker[0].rows !== rows) throw new Error(`export ${label}: the Worker's zip holds ${worker[0].rows} rows, SQLite exported ${rows}`)
  const side = (results) => {
    const millis = median(results.map((r) => r.millis))
    return {
      millis,
      rowsPerSecond: rows / (millis / 1000),
      peak: Math.max(...results.map((r) => r.memory.peakBytes)),
      growth: median(results.map((r) => r.memory.peakBytes - r.memory.beforeBytes)),
      anon: Math.max(...results.map((r) => r.memory.anonMaxBytes)),
      anonGrowth: median(results.map((r) => r.memory.anonMaxBytes - r.memory.anonBeforeBytes)),
      zipBytes: median(results.map((r) => r.bytes)),
    }
  }
  return { label, rows, runs, worker: side(worker), sqlite: side(sqlite) }
}

/** Exports at both sizes; returns markdown and a summary line. `runs` is [smaller, full]. */
export async function benchExport(ctx, { applicationId, runs }) {
  const sizes = [
    await benchSize(ctx, { label: 'one application', criteria: { applicationId }, runs: runs[0] }),
    await benchSize(ctx, { label: 'all records', criteria: {}, runs: runs[1] }),
  ]
  const rows = sizes.map((s) => [
    `${s.label}: ${count(s.rows)} rows`,
    String(s.runs),
    ms(s.worker.millis),
    count(s.worker.rowsPerSecond),
    count(s.sqlite.rowsPerSecond),
    ratio(s.worker.millis / s.sqlite.millis),
    mib(s.worker.zipBytes),
    `${mib(s.worker.peak)} (+${mib(s.worker.growth)})`,
    `${mib(s.worker.anon)} (+${mib(s.worker.anonGrowth)})`,
    `${mib(s.sqlite.peak)} (+${mib(s.sqlite.growth)})`,
  ])
  const markdown = [
    'POST /api/system/login-record/export (default date pattern and zone), read to the end by this process, beside one ordered',
    'node:sqlite scan of the same rows written as the same CSV and deflated with fflate at the same level (no HTTP).',
    'Memory of the workerd process that runs the Worker and its local D1: peak RSS is VmHWM, reset before each export (max over runs);',
    'anon RSS is RssAnon sampled every 50 ms (JS heap and buffers, without the mapped database file pages that VmRSS also counts).',
    '"+" is the median growth over the value just before each export. The node:sqlite column is this process, measured the same way.',
    '',
    table(
      [
        'export',
        'runs',
        'Worker median ms',
        'Worker rows/s',
        'SQLite rows/s',
        'Worker / SQLite time',
        'zip MiB',
        'workerd peak RSS MiB',
        'workerd anon RSS MiB',
        'node:sqlite process peak RSS MiB',
      ],
      rows,
    ),
  ].join('\n')
  const full = sizes[1]
  return {
    markdown,
    summary: `export: ${count(full.worker.rowsPerSecond)} rows/s at ${count(full.rows)} rows (${ratio(full.worker.millis / full.sqlite.millis)} SQLite's time), workerd peak ${mib(full.worker.peak)} MiB (+${mib(full.worker.growth)}), anon ${mib(full.worker.anon)} MiB (+${mib(full.worker.anonGrowth)})`,
  }
}
