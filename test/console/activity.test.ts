/**
 * The Activity page's counts: logins per local hour for the last 24 hours and per local day for the last 30, by
 * application, in the report time zone (America/Denver, seeded), from login records inserted at known instants.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { NewLoginRecord } from '../../src/domain/login-record'
import { LoginRecordStore } from '../../src/store/login-record-store'
import { createApplication, defaultTenant } from '../fixtures'
import { json } from '../helpers'
import { consoleCall, signIn } from './support'

interface Chart {
  starts: number[]
  end: number
  series: { applicationId: string | null; applicationName: string; counts: number[] }[]
  totals: number[]
}

const at = (iso: string): number => Date.parse(iso)

describe('console activity', () => {
  it('counts successes per local hour and per local day, by application', async () => {
    // 12:30 MDT (UTC-6) on 15 June: the current local hour starts 18:00Z, the local day 06:00Z.
    const now = at('2026-06-15T18:30:00Z')
    const tenant = await defaultTenant()
    const application = await createApplication(tenant.id, { name: 'Activity app' })
    const other = await createApplication(tenant.id, { name: 'Another app' })
    const record = (iso: string, applicationId = application.id): NewLoginRecord => ({
      tenantId: tenant.id,
      userId: crypto.randomUUID(),
      applicationId,
      loginId: 'someone@example.com',
      instant: at(iso),
      ipAddress: null,
      authenticationType: 'PASSWORD',
    })
    const records = [
      record('2026-06-15T18:05:00Z'), // this hour, today
      record('2026-06-15T18:29:59Z'), // this hour, today
      record('2026-06-15T17:59:59Z'), // the hour before, today
      record('2026-06-15T00:10:00Z'), // 18:10 on 14 June locally: 18 hours back, yesterday
      record('2026-06-15T05:59:59Z'), // 23:59 on 14 June locally: 13 hours back, yesterday
      record('2026-06-14T18:00:00Z'), // 24 hours back: out of the hourly chart, yesterday
      record('2026-05-17T06:00:00Z'), // local midnight starting 17 May: the oldest day shown
      record('2026-05-17T05:59:59Z'), // the day before that: out of both
      record('2026-06-15T18:10:00Z', other.id),
    ]
    await env.DB.batch(new LoginRecordStore(env.DB).insertManyStatements(records))

    const session = await signIn(['admin'], now)
    const response = await consoleCall('/activity', session, { nowMillis: now })
    expect(response.status).toBe(200)
    const activity = await json<{ zoneId: string; hourly: Chart; daily: Chart; failuresRecorded: boolean }>(response)
    expect(activity.zoneId).toBe('America/Denver')
    expect(activity.failuresRecorded).toBe(false)

    const { hourly, daily } = activity
    expect(hourly.starts).toHaveLength(24)
    expect(hourly.starts[23]).toBe(at('2026-06-15T18:00:00Z'))
    expect(hourly.end).toBe(at('2026-06-15T19:00:00Z'))
    const hours = hourly.series.find((s) => s.applicationId === application.id)
    expect(hours?.applicationName).toBe('Activity app')
    const expectedHours = new Array(24).fill(0)
    expectedHours[23] = 2
    expectedHours[22] = 1
    expectedHours[5] = 1
    expectedHours[10] = 1 // 05:59:59Z
    expect(hours?.counts).toEqual(expectedHours)
    expect(hourly.series.find((s) => s.applicationId === other.id)?.counts[23]).toBe(1)

    expect(daily.starts).toHaveLength(30)
    expect(daily.starts[29]).toBe(at('2026-06-15T06:00:00Z'))
    expect(daily.starts[0]).toBe(at('2026-05-17T06:00:00Z'))
    const days = daily.series.find((s) => s.applicationId === application.id)
    const expectedDays = new Array(30).fill(0)
    expectedDays[29] = 3
    expectedDays[28] = 3
    expectedDays[0] = 1
    expect(days?.counts).toEqual(expectedDays)
  })

  it('makes a DST day 25 hours long: the local midnights, not 24-hour steps', async () => {
    // 1 November 2026: Denver falls back from MDT to MST.
    const now = at('2026-11-02T19:00:00Z')
    const session = await signIn(['admin'], now)
    const { daily } = await json<{ daily: Chart }>(await consoleCall('/activity', session, { nowMillis: now }))
    expect(daily.starts[29]).toBe(at('2026-11-02T07:00:00Z'))
    expect(daily.starts[28]).toBe(at('2026-11-01T06:00:00Z'))
    expect(daily.starts[27]).toBe(at('2026-10-31T06:00:00Z'))
  })
})
