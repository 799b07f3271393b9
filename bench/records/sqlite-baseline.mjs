/**
 * The node:sqlite side of the login-record comparison: the same statements src/store/login-record-store.ts sends to
 * D1 (search SELECT with LIMIT, the export's ordered scan, the purge's batched DELETE), run in this process on a
 * copy of the same database file. What the Worker adds on top (HTTP, wrangler's proxy, D1's RPC to its Durable
 * Object, JSON, streaming) is what the ratios show.
 */
import { DatabaseSync } from 'node:sqlite'
import { CountingCsvZip, DefaultPatternFormatter, csvLine } from './csv-text.mjs'

/** WHERE clause, binds and index hint as LoginRecordStore's filterFor builds them. */
function filterFor(criteria) {
  const clauses = []
  const binds = []
  if (criteria.userId !== undefined) {
    clauses.push('r.user_id = ?')
    binds.push(criteria.userId)
  }
  if (criteria.applicationId !== undefined) {
    clauses.push('r.application_id = ?')
    binds.push(criteria.applicationId)
  }
  if (criteria.start !== undefined) {
    clauses.push('r.instant >= ?')
    binds.push(criteria.start)
  }
  if (criteria.end !== undefined) {
    clauses.push('r.instant <= ?')
    binds.push(criteria.end)
  }
  const hint = criteria.userId !== undefined && criteria.applicationId !== undefined ? ' INDEXED BY login_records_user_instant' : ''
  return { from: `login_records r${hint}`, where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, binds }
}

/** A node:sqlite database whose statements are prepared once per SQL text, as D1 caches its prepared statements. */
export class PreparedSqlite {
  constructor(file) {
    this.db = new DatabaseSync(file)
    this.statements = new Map()
  }

  prepare(sql) {
    let statement = this.statements.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }
}

export class SqliteBaseline extends PreparedSqlite {
  /** A search page (default 25 rows from row 0), with the application's name, newest first. */
  search(criteria, limit = 25, offset = 0) {
    const filter = filterFor(criteria)
    const sql = `SELECT r.user_id, r.application_id, a.name AS application_name, r.login_id, r.login_id_type, r.instant, r.ip_address
       FROM ${filter.from} LEFT JOIN applications a ON a.id = r.application_id
       ${filter.where} ORDER BY r.instant DESC, r.id DESC LIMIT ? OFFSET ?`
    return this.prepare(sql).all(...filter.binds, limit, offset)
  }

  /**
   * The export's work without the Worker: one full ordered scan of the matching rows, each written as a CSV line
   * and deflated into a zip as the Worker does. Returns rows and compressed bytes.
   */
  exportZip(criteria, zoneId = 'America/Denver') {
    const filter = filterFor(criteria)
    const sql = `SELECT r.id, r.user_id, r.application_id, r.login_id, r.login_id_type, r.instant, r.ip_address
       FROM ${filter.from} ${filter.where} ORDER BY r.instant DESC, r.id DESC`
    const formatter = new DefaultPatternFormatter(zoneId)
    const zip = new CountingCsvZip()
    let rows = 0
    for (const row of this.prepare(sql).iterate(...filter.binds)) {
      zip.write(csvLine(row, formatter))
      rows++
    }
    return { rows, bytes: zip.end() }
  }

  /** The purge's DELETE, batch after batch, until a batch deletes fewer than `batchSize` rows. */
  purge(olderThanMillis, batchSize) {
    const statement = this.prepare(
      'DELETE FROM login_records WHERE id IN (SELECT id FROM login_records WHERE instant < ? ORDER BY instant LIMIT ?)',
    )
    const batchMillis = []
    let deleted = 0
    for (;;) {
      const started = performance.now()
      const changes = Number(statement.run(olderThanMillis, batchSize).changes)
      batchMillis.push(performance.now() - started)
      deleted += changes
      if (changes < batchSize) break
    }
    return { deleted, batches: batchMillis.length, batchMillis }
  }

  count() {
    return Number(this.prepare('SELECT COUNT(*) AS n FROM login_records').get().n)
  }

  close() {
    this.db.close()
  }
}
