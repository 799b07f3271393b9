/**
 * Seeds login records straight into the local D1 SQLite file under a `--persist-to` directory with node:sqlite,
 * while `wrangler dev` is NOT running: a million rows through the API would take far longer than the benchmark.
 * The rows use the table and indexes the migrations created (migrations/0001_core.sql), inserted oldest first as
 * a live system appends them, so ids grow with time.
 */
import { copyFileSync, existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'

export const DAY_MILLIS = 86_400_000
/** Records per user on average; 1,000,000 rows -> 10,000 users. */
const RECORDS_PER_USER = 100
/** The oldest and newest seeded record, in days before now: all older than the purge's 1-day retention. */
const OLDEST_DAYS = 400
const NEWEST_DAYS = 2

/** The D1 database file wrangler's local mode keeps for binding DB: the one `.sqlite` holding `login_records`. */
export function findD1File(persistTo) {
  const dir = path.join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject')
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.sqlite') || name === 'metadata.sqlite') continue
    const file = path.join(dir, name)
    const db = new DatabaseSync(file, { readOnly: true })
    try {
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'login_records'").get() !== undefined) return file
    } finally {
      db.close()
    }
  }
  throw new Error(`no D1 database with login_records under ${dir}`)
}

/** A small deterministic PRNG (mulberry32), so every run seeds the same shape of data. */
function prng(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function uuidFrom(random) {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/**
 * Writes `rows` login records for `tenantId`, spread evenly over `applicationIds` (row i -> application i mod n,
 * so each of 10 applications holds exactly a tenth) and over rows/100 users at random, with instants evenly spaced
 * from 400 to 2 days before `nowMillis`. Returns what the searches need to pick realistic filters.
 */
export function seedLoginRecords(file, { rows, tenantId, applicationIds, nowMillis }) {
  const random = prng(20_251_128)
  const users = Array.from({ length: Math.max(1, Math.round(rows / RECORDS_PER_USER)) }, (_, n) => ({
    id: uuidFrom(random),
    email: `user-${n}@example.com`,
  }))
  const oldestMillis = nowMillis - OLDEST_DAYS * DAY_MILLIS
  const spanMillis = (OLDEST_DAYS - NEWEST_DAYS) * DAY_MILLIS
  const db = new DatabaseSync(file)
  try {
    db.exec('PRAGMA synchronous = OFF')
    const insert = db.prepare(
      `INSERT INTO login_records (tenant_id, user_id, application_id, login_id, login_id_type, instant, ip_address, authentication_type)
       VALUES (?, ?, ?, ?, 'email', ?, ?, 'PASSWORD')`,
    )
    const BATCH = 50_000
    for (let start = 0; start < rows; start += BATCH) {
      db.exec('BEGIN')
      for (let i = start; i < Math.min(rows, start + BATCH); i++) {
        const user = users[Math.floor(random() * users.length)]
        const instant = oldestMillis + Math.floor((i * spanMillis) / rows)
        const ip = `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`
        insert.run(tenantId, user.id, applicationIds[i % applicationIds.length], user.email, instant, ip)
      }
      db.exec('COMMIT')
    }
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
  return { users: users.map((user) => user.id), oldestMillis, newestMillis: oldestMillis + spanMillis }
}

/** Copies a closed SQLite database (and any WAL left beside it) for the node:sqlite side of the comparison. */
export function copyDatabase(file, target) {
  copyFileSync(file, target)
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${target}-wal`)
}
