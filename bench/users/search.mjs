/**
 * User search latency at scale: POST /api/user/search with a queryString, beside the same two statements (page and
 * count, src/store/user-search-store.ts) run directly in node:sqlite on a copy of the data. Rounds interleave shapes
 * and sides in random order; each round picks a fresh seeded user whose email both sides search, and both sides
 * must find the same users and the same total.
 */
import { DatabaseSync } from 'node:sqlite'
import { median, ms, p95, ratio, shuffle, table } from '../lib/stats.mjs'
import { seededEmail } from './seed.mjs'

/** Each shape turns a seeded user's number into a queryString. */
const SHAPES = [
  { name: 'email', label: 'an exact email (`user-4711@example.com`)', queryString: (n) => seededEmail(n) },
  { name: 'prefix', label: 'a prefix wildcard (`user-471*`)', queryString: (n) => `user-${Math.floor(n / 100)}*` },
  { name: 'everyone', label: 'everyone (`*`), first page', queryString: () => '*' },
  { name: 'short', label: 'two letters (`ch`): too short for the index, a scan', queryString: () => 'ch' },
]

export class SqliteSearch {
  constructor(file, statements) {
    this.db = new DatabaseSync(file)
    this.statements = statements
    this.prepared = new Map()
  }

  prepare(sql) {
    let statement = this.prepared.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      this.prepared.set(sql, statement)
    }
    return statement
  }

  /** The page's user ids and the total, as the Worker's UserSearchStore.search reads them. */
  search(queryString) {
    const { textSearchStatements, textMatchOf } = this.statements
    const { page, count } = textSearchStatements(
      { kind: 'text', match: textMatchOf(queryString), numberOfResults: 25, startRow: 0, sort: [] },
      null,
    )
    const rows = this.prepare(page.sql).all(...page.binds)
    const total = Number(this.prepare(count.sql).get(...count.binds).total)
    return { ids: rows.map((row) => row.id), total }
  }

  close() {
    this.db.close()
  }
}

async function workerSearch(ctx, queryString) {
  const started = performance.now()
  const response = await fetch(`${ctx.url}/api/user/search`, {
    method: 'POST',
    headers: { Authorization: ctx.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ search: { queryString } }),
  })
  const text = await response.text()
  const millis = performance.now() - started
  if (response.status !== 200) throw new Error(`search ${queryString} answered ${response.status}: ${text.slice(0, 300)}`)
  const body = JSON.parse(text)
  return { millis, ids: body.users.map((user) => user.id), total: body.total }
}

function sqliteSearch(ctx, queryString) {
  const started = performance.now()
  const result = ctx.sqlite.search(queryString)
  return { millis: performance.now() - started, ...result }
}

/** Runs `warmup` + `iterations` rounds; returns the markdown table and a console summary line. */
export async function benchUserSearch(ctx, { iterations, warmup }) {
  const samples = Object.fromEntries(SHAPES.map((shape) => [shape.name, { worker: [], sqlite: [], found: [], total: [] }]))
  for (let round = 0; round < warmup + iterations; round++) {
    const n = Math.floor(Math.random() * ctx.users)
    for (const shape of shuffle([...SHAPES])) {
      const queryString = shape.queryString(n)
      const results = {}
      for (const side of shuffle(['worker', 'sqlite']))
        results[side] = side === 'worker' ? await workerSearch(ctx, queryString) : sqliteSearch(ctx, queryString)
      if (results.worker.total !== results.sqlite.total || results.worker.ids.join() !== results.sqlite.ids.join()) {
        throw new Error(
          `search ${queryString}: the Worker found ${results.worker.total} (${results.worker.ids.length} on the page), SQLite ${results.sqlite.total} (${results.sqlite.ids.length})`,
        )
      }
      if (round < warmup) continue
      const bucket = samples[shape.name]
      bucket.worker.push(results.worker.millis)
      bucket.sqlite.push(results.sqlite.millis)
      bucket.found.push(results.worker.ids.length)
      bucket.total.push(results.worker.total)
    }
  }
  const rows = SHAPES.map((shape) => {
    const { worker, sqlite, found, total } = samples[shape.name]
    return [
      shape.label,
      String(median(found)),
      String(median(total)),
      ms(median(worker)),
      ms(p95(worker)),
      ms(median(sqlite)),
      ms(p95(sqlite)),
      ratio(median(worker) / median(sqlite)),
    ]
  })
  const markdown = [
    `POST /api/user/search with \`{search: {queryString}}\` (default page: 25 users from row 0, with the total), ${iterations} rounds after ${warmup} warm-up rounds;`,
    'each round runs every shape on both sides in random order, the email and prefix taken from the same random seeded user.',
    'The SQLite side runs the page and count statements the Worker sends (bundled from src/ with esbuild) in this process.',
    '',
    table(
      [
        'queryString',
        'median users on the page',
        'median total',
        'Worker median ms',
        'Worker p95 ms',
        'SQLite median ms',
        'SQLite p95 ms',
        'Worker / SQLite',
      ],
      rows,
    ),
  ].join('\n')
  const indexed = ['email', 'prefix'].map((name) => p95(samples[name].worker))
  return { markdown, summary: `users: Worker p95 ${ms(indexed[0])} ms (exact email), ${ms(indexed[1])} ms (prefix wildcard)` }
}
