/**
 * Login counts for the console's Activity page, from login records. The buckets arrive as edges computed by the
 * domain (local hours and midnights of the report time zone, so a DST day is 23 or 25 hours long); the query joins
 * them as a constant table, and each bucket reads one range of the `login_records_instant` index.
 */
import type { D1Handle } from './d1-handle'

/** One bucket's count for one application (null: records without an application). */
export interface BucketCount {
  bucket: number
  applicationId: string | null
  logins: number
}

/** Two binds per bucket, and D1 allows 100 per statement. */
export const MAX_BUCKETS = 50

interface CountRow {
  bucket: number
  application_id: string | null
  logins: number
}

/** The SQL for `buckets` contiguous buckets; shared with the benchmark's node:sqlite side (bench/console.mjs). */
export function bucketCountSql(buckets: number): string {
  const values = Array.from({ length: buckets }, (_, index) => `(${index}, ?, ?)`).join(', ')
  return `WITH b(i, lo, hi) AS (VALUES ${values})
    SELECT b.i AS bucket, r.application_id AS application_id, COUNT(*) AS logins
    FROM b JOIN login_records r ON r.instant >= b.lo AND r.instant < b.hi
    GROUP BY b.i, r.application_id`
}

/** Binds for bucketCountSql: each bucket's [start, end) from consecutive edges. */
export function bucketCountBinds(edges: readonly number[]): number[] {
  const binds: number[] = []
  for (let index = 0; index + 1 < edges.length; index++) binds.push(edges[index] ?? 0, edges[index + 1] ?? 0)
  return binds
}

export class ActivityStore {
  constructor(private readonly db: D1Handle) {}

  /** Logins per bucket and application; `edges` are ascending epoch milliseconds, bucket i is [edges[i], edges[i+1]). */
  countStatement(edges: readonly number[]): D1PreparedStatement {
    const buckets = edges.length - 1
    if (buckets < 1 || buckets > MAX_BUCKETS) throw new Error(`between 1 and ${MAX_BUCKETS} buckets, not ${buckets}`)
    return this.db.prepare(bucketCountSql(buckets)).bind(...bucketCountBinds(edges))
  }

  /** Several bucket series in one round trip, in the order asked. */
  async counts(series: readonly (readonly number[])[]): Promise<BucketCount[][]> {
    const results = await this.db.batch<CountRow>(series.map((edges) => this.countStatement(edges)))
    return results.map((result) =>
      result.results.map((row) => ({ bucket: row.bucket, applicationId: row.application_id, logins: row.logins })),
    )
  }
}
