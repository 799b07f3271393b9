/**
 * Seeds users straight into the local D1 SQLite file (while `wrangler dev` is not running), as bench/records does
 * for login records: 100,000 users through the API would take far longer than the benchmark. The rows go into
 * `users` only; the triggers of migrations/0008_user_search.sql write the search documents and the FTS index, as
 * they do for every user the Worker creates.
 */
import { randomUUID } from 'node:crypto'
import { DatabaseSync } from 'node:sqlite'

const FIRST_NAMES = ['Richard', 'Monica', 'Jared', 'Dinesh', 'Bertram', 'Erlich', 'Laurie', 'Gavin', 'Jian', 'Russ', 'Ann', 'Joanna']
const LAST_NAMES = [
  'Hendricks',
  'Hall',
  'Dunn',
  'Chugtai',
  'Gilfoyle',
  'Bachman',
  'Bream',
  'Belson',
  'Yang',
  'Hanneman',
  'Smith',
  'Jones',
  'Lee',
]

/** The email of seeded user `n` (0-based): the searches pick their terms from it. */
export const seededEmail = (n) => `user-${n}@example.com`

/**
 * Writes `users` users into `tenantId`; returns the time the inserts took (the search index is written by the
 * triggers in the same statements, so this includes indexing).
 */
export function seedUsers(file, { users, tenantId, nowMillis }) {
  const db = new DatabaseSync(file)
  try {
    db.exec('PRAGMA synchronous = OFF')
    const insert = db.prepare(
      `INSERT INTO users (id, tenant_id, email_key, username_key, active, data, insert_instant, last_update_instant)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?)`,
    )
    const started = performance.now()
    const BATCH = 10_000
    for (let start = 0; start < users; start += BATCH) {
      db.exec('BEGIN')
      for (let n = start; n < Math.min(users, start + BATCH); n++) {
        const id = randomUUID()
        const email = seededEmail(n)
        const username = `member${n}`
        const firstName = FIRST_NAMES[n % FIRST_NAMES.length]
        const lastName = LAST_NAMES[(n * 7) % LAST_NAMES.length]
        const instant = nowMillis - (users - n) * 1000
        const user = {
          id,
          tenantId,
          email,
          username,
          firstName,
          lastName,
          fullName: `${firstName} ${lastName}`,
          active: true,
          verified: true,
          passwordChangeRequired: false,
          usernameStatus: 'ACTIVE',
          insertInstant: instant,
          lastUpdateInstant: instant,
        }
        insert.run(id, tenantId, email, username, JSON.stringify(user), instant, instant)
      }
      db.exec('COMMIT')
    }
    const millis = performance.now() - started
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    return { millis }
  } finally {
    db.close()
  }
}

/** How long node:sqlite takes to rebuild the whole FTS index from the documents (what the migration's backfill does). */
export function rebuildMillis(file) {
  const db = new DatabaseSync(file)
  try {
    const started = performance.now()
    db.exec("INSERT INTO user_search (user_search) VALUES ('rebuild')")
    return performance.now() - started
  } finally {
    db.close()
  }
}
