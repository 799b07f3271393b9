/**
 * The Activity page: logins per hour for the last 24 hours and per day for the last 30, by application, in the
 * system's report time zone (FusionAuth's dashboard charts use reportTimezone too).
 *
 * Only successes are counted. FusionAuth's login records are successful logins only; a failed login is an event
 * (`user.login.failed`, delivered to webhooks), not a record, so there is nothing stored to count it from.
 */
import type { DataContext } from '../../store/data-context'
import type { BucketCount } from '../../store/activity-store'
import { ZoneClock } from '../export/zone-clock'

const HOUR_MILLIS = 3_600_000
const DAY_MILLIS = 86_400_000
export const HOURS = 24
export const DAYS = 30

export interface ActivitySeries {
  applicationId: string | null
  applicationName: string
  counts: number[]
}

export interface ActivityChart {
  /** Each bucket's start, epoch milliseconds; the last bucket ends at `end`. */
  starts: number[]
  end: number
  series: ActivitySeries[]
  totals: number[]
}

export interface Activity {
  zoneId: string
  nowMillis: number
  hourly: ActivityChart
  daily: ActivityChart
  /** Always false: see the module comment. */
  failuresRecorded: false
}

const offsetMillisAt = (clock: ZoneClock, instant: number): number => clock.offsetSecondsAt(Math.floor(instant / 1000)) * 1000

/** Edges of the last `HOURS` local hours, the current one included (an hour is always 3,600 s long, DST or not). */
function hourEdges(clock: ZoneClock, nowMillis: number): number[] {
  const wall = nowMillis + offsetMillisAt(clock, nowMillis)
  const currentHourStart = nowMillis - (((wall % HOUR_MILLIS) + HOUR_MILLIS) % HOUR_MILLIS)
  return Array.from({ length: HOURS + 1 }, (_, index) => currentHourStart + (index - HOURS + 1) * HOUR_MILLIS)
}

/** The instant a local wall-clock time happens (the earlier one in a fall-back hour, the shifted one in a gap). */
function instantOfWall(clock: ZoneClock, wallMillis: number): number {
  const guess = wallMillis - offsetMillisAt(clock, wallMillis)
  return wallMillis - offsetMillisAt(clock, guess)
}

/** Edges of the last `DAYS` local days, today included: local midnights, so a DST day is 23 or 25 hours long. */
function dayEdges(clock: ZoneClock, nowMillis: number): number[] {
  const wall = nowMillis + offsetMillisAt(clock, nowMillis)
  const todayWall = Math.floor(wall / DAY_MILLIS) * DAY_MILLIS
  return Array.from({ length: DAYS + 1 }, (_, index) => instantOfWall(clock, todayWall + (index - DAYS + 1) * DAY_MILLIS))
}

/** Folds the store's rows into one series per application (named, ordered by name) plus totals per bucket. */
function chartOf(edges: readonly number[], rows: readonly BucketCount[], names: ReadonlyMap<string, string>): ActivityChart {
  const buckets = edges.length - 1
  const byApplication = new Map<string | null, number[]>()
  const totals = new Array<number>(buckets).fill(0)
  for (const row of rows) {
    let counts = byApplication.get(row.applicationId)
    if (counts === undefined) {
      counts = new Array<number>(buckets).fill(0)
      byApplication.set(row.applicationId, counts)
    }
    counts[row.bucket] = (counts[row.bucket] ?? 0) + row.logins
    totals[row.bucket] = (totals[row.bucket] ?? 0) + row.logins
  }
  const series = [...byApplication].map(([applicationId, counts]) => ({
    applicationId,
    // A deleted application keeps its records; its id stands in for the name.
    applicationName: applicationId === null ? '(no application)' : (names.get(applicationId) ?? applicationId),
    counts,
  }))
  series.sort((a, b) => a.applicationName.localeCompare(b.applicationName))
  return { starts: edges.slice(0, -1), end: edges[edges.length - 1] ?? 0, series, totals }
}

/** Both charts, from one batch of two queries. */
export async function loadActivity(data: DataContext, zoneId: string): Promise<Activity> {
  const clock = new ZoneClock(zoneId)
  const now = data.nowMillis
  const hours = hourEdges(clock, now)
  const days = dayEdges(clock, now)
  const [[hourly, daily], applications] = await Promise.all([data.activity.counts([hours, days]), data.applications.list(null)])
  const names = new Map(applications.map((application) => [application.id, application.name]))
  return {
    zoneId,
    nowMillis: now,
    hourly: chartOf(hours, hourly ?? [], names),
    daily: chartOf(days, daily ?? [], names),
    failuresRecorded: false,
  }
}
