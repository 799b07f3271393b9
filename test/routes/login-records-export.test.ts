import { env } from 'cloudflare:test'
import { unzipSync } from 'fflate'
import { describe, expect, it, vi } from 'vitest'
import { LOGIN_RECORD_CSV_HEADER } from '../../src/domain/export/csv'
import { compileDateFormat } from '../../src/domain/export/java-date-format'
import { EXPORT_PAGE_SIZE, exportCsvChunks } from '../../src/domain/login-record-export'
import { dataContextFor } from '../../src/store/data-context'
import { SystemConfigurationStore } from '../../src/store/system-configuration-store'
import { createTenant, defaultTenant } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { loginRecord, privateWindowStart, seedLoginRecords, tenantLockedKey } from './login-records-seed'

const EXPORT = '/api/system/login-record/export'
// The documentation's sample row: 5/12/2022 02:46:44 PM MDT.
const SAMPLE_INSTANT = Date.UTC(2022, 4, 12, 20, 46, 44)

const get = (query: Record<string, string | number>, options: Parameters<typeof call>[1] = {}): Promise<Response> =>
  call(`${EXPORT}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`, options)
const post = (body: unknown, options: Parameters<typeof call>[1] = {}): Promise<Response> =>
  call(EXPORT, { method: 'POST', body, ...options })

/** The zip's entries as text, after checking the response is a zip attachment. */
async function unzip(response: Response): Promise<Record<string, string>> {
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('application/zip')
  expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="Login Records Export .+\.zip"$/)
  const entries = unzipSync(new Uint8Array(await response.arrayBuffer()))
  const decoder = new TextDecoder()
  return Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, decoder.decode(bytes)]))
}

/** The data lines of a single-part export (header checked and removed). */
async function rows(response: Response): Promise<string[]> {
  const files = await unzip(response)
  expect(Object.keys(files)).toEqual(['login_records.csv'])
  const text = files['login_records.csv'] ?? ''
  expect(text.startsWith(LOGIN_RECORD_CSV_HEADER)).toBe(true)
  return text
    .slice(LOGIN_RECORD_CSV_HEADER.length)
    .split('\n')
    .filter((line) => line !== '')
}

async function fieldCodes(response: Response): Promise<Record<string, string[]>> {
  expect(response.status).toBe(400)
  const body = await json<{ fieldErrors?: Record<string, { code: string }[]> }>(response)
  return Object.fromEntries(Object.entries(body.fieldErrors ?? {}).map(([field, errors]) => [field, errors.map((e) => e.code)]))
}

describe('login-record export: content', () => {
  it("writes FusionAuth's header and rows in the default pattern, in the given zone, newest first", async () => {
    const userId = crypto.randomUUID()
    const applicationId = crypto.randomUUID()
    await seedLoginRecords([
      loginRecord(Date.UTC(2022, 4, 12, 6, 25, 12), { userId, applicationId, ipAddress: '127.0.0.1' }),
      loginRecord(SAMPLE_INSTANT, { userId, applicationId: null, ipAddress: '107.170.227.24' }),
    ])
    const lines = await rows(await get({ userId, zoneId: 'America/Denver' }))
    expect(lines).toEqual([
      `${userId},,,5/12/2022 02:46:44 PM MDT,,107.170.227.24,,,,,,`,
      `${userId},,,5/12/2022 12:25:12 AM MDT,${applicationId},127.0.0.1,,,,,,`,
    ])
  })

  it('fills the identity columns when the record names its identity type, and escapes CSV', async () => {
    const userId = crypto.randomUUID()
    await seedLoginRecords([
      loginRecord(SAMPLE_INSTANT, { userId, loginId: 'o"brien, jr@example.com', loginIdType: 'email', ipAddress: null }),
    ])
    const lines = await rows(await post({ criteria: { userId }, dateTimeSecondsFormat: 'yyyy-MM-dd HH:mm:ss', zoneId: 'UTC' }))
    expect(lines).toEqual([`${userId},"o""brien, jr@example.com",email,2022-05-12 20:46:44,,,,,,,,`])
  })

  it('applies the pattern and zone of a POST, including half-hour offsets and quoted literals', async () => {
    const userId = crypto.randomUUID()
    await seedLoginRecords([loginRecord(SAMPLE_INSTANT + 123, { userId })])
    const lines = await rows(
      await post({ criteria: { userId }, dateTimeSecondsFormat: "EEE d MMM uuuu 'at' HH:mm:ss.SSS XXX", zoneId: 'Asia/Kolkata' }),
    )
    expect(lines).toEqual([`${userId},,,Fri 13 May 2022 at 02:16:44.123 +05:30,,192.0.2.1,,,,,,`])
  })

  it("defaults the zone to the system configuration's reportTimezone", async () => {
    const store = new SystemConfigurationStore(env.DB)
    await defaultTenant()
    const before = await store.get()
    if (before === null) throw new Error('no system configuration')
    const userId = crypto.randomUUID()
    await seedLoginRecords([loginRecord(SAMPLE_INSTANT, { userId })])
    try {
      await store.update({ ...before.configuration, reportTimezone: 'America/New_York' }, Date.now())
      expect((await rows(await get({ userId, dateTimeSecondsFormat: 'yyyy-MM-dd HH:mm z' })))[0]).toContain(',2022-05-12 16:46 EDT,')
    } finally {
      await store.update(before.configuration, Date.now())
    }
  })

  it("treats the official client's literal undefined as absent for the pattern and zone", async () => {
    const userId = crypto.randomUUID()
    await seedLoginRecords([loginRecord(SAMPLE_INSTANT, { userId })])
    const zoneId = 'America/Denver'
    expect(await rows(await get({ userId, zoneId, dateTimeSecondsFormat: 'undefined' }))).toEqual([
      `${userId},,,5/12/2022 02:46:44 PM MDT,,192.0.2.1,,,,,,`,
    ])
  })

  it('filters by application and by an inclusive start and end', async () => {
    const applicationId = crypto.randomUUID()
    const base = privateWindowStart()
    const users = Array.from({ length: 4 }, () => crypto.randomUUID())
    await seedLoginRecords(users.map((userId, i) => loginRecord(base + i, { userId, applicationId: i === 3 ? null : applicationId })))
    const userOf = (line: string): string => line.split(',')[0] ?? ''
    expect((await rows(await get({ applicationId }))).map(userOf)).toEqual([users[2], users[1], users[0]])
    expect((await rows(await get({ start: base + 1, end: base + 3 }))).map(userOf)).toEqual([users[3], users[2], users[1]])
    expect((await rows(await post({ criteria: { applicationId, start: base + 1, end: base + 1 } }))).map(userOf)).toEqual([users[1]])
  })

  it('writes a header-only CSV when nothing matches', async () => {
    expect(await rows(await get({ userId: crypto.randomUUID() }))).toEqual([])
  })

  it('names the attachment after now in the export pattern and zone', async () => {
    const response = await get(
      { userId: crypto.randomUUID(), zoneId: 'UTC', dateTimeSecondsFormat: 'yyyy-MM-dd' },
      { nowMillis: SAMPLE_INSTANT },
    )
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="Login Records Export 2022-05-12.zip"')
    await response.arrayBuffer()
  })

  it('reads every record across D1 pages, equal instants included', async () => {
    const userId = crypto.randomUUID()
    const base = privateWindowStart()
    // Pairs of equal instants, so page boundaries fall between ties.
    const count = EXPORT_PAGE_SIZE + 3
    await seedLoginRecords(
      Array.from({ length: count }, (_, i) => loginRecord(base + Math.floor(i / 2), { userId, loginId: `n${i}`, loginIdType: 'username' })),
    )
    const lines = await rows(await post({ criteria: { userId }, dateTimeSecondsFormat: 'A', zoneId: 'UTC' }))
    expect(lines).toHaveLength(count)
    expect(lines[0]?.split(',')[1]).toBe(`n${count - 1}`)
    expect(new Set(lines.map((line) => line.split(',')[1])).size).toBe(count)
  })
})

describe('login-record export: keyset pages', () => {
  it('pages by (instant, id) without skipping or repeating ties', async () => {
    const userId = crypto.randomUUID()
    const base = privateWindowStart()
    const instants = [base, base, base + 1, base + 1, base + 1, base + 2, base + 3]
    await seedLoginRecords(instants.map((instant, i) => loginRecord(instant, { userId, loginId: `r${i}`, loginIdType: 'username' })))
    const data = dataContextFor(env, Date.now())
    const exportPage = vi.spyOn(data.loginRecords, 'exportPage')
    const compiled = compileDateFormat('A')
    if (!compiled.ok) throw new Error(compiled.message)
    let text = ''
    for await (const chunk of exportCsvChunks(data, { userId }, { formatter: compiled.formatter, zoneId: 'UTC' }, 2)) text += chunk
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(',')[1]),
    ).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0'])
    const pages = await Promise.all(exportPage.mock.results.map((result) => result.value))
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1])
  })
})

describe('login-record export: refusals', () => {
  it('400 [invalid] for an unknown pattern letter or zone, GET and POST', async () => {
    expect(await fieldCodes(await get({ dateTimeSecondsFormat: 'yyyy-MM-dd bb', zoneId: 'Mars/Olympus_Mons' }))).toEqual({
      dateTimeSecondsFormat: ['[invalid]dateTimeSecondsFormat'],
      zoneId: ['[invalid]zoneId'],
    })
    expect(await fieldCodes(await post({ dateTimeSecondsFormat: "'unclosed" }))).toEqual({
      dateTimeSecondsFormat: ['[invalid]dateTimeSecondsFormat'],
    })
    expect(await fieldCodes(await post({ zoneId: 'Not/AZone' }))).toEqual({ zoneId: ['[invalid]zoneId'] })
  })

  it('400 for criteria of the wrong type', async () => {
    expect(await fieldCodes(await get({ userId: 'someone', start: 'yesterday', applicationId: 'undefined' }))).toEqual({
      userId: ['[couldNotConvert]userId'],
      start: ['[couldNotConvert]start'],
      applicationId: ['[couldNotConvert]applicationId'],
    })
    expect(await fieldCodes(await post({ criteria: { userId: 'someone', end: '5' }, dateTimeSecondsFormat: 7 }))).toEqual({
      'criteria.userId': ['[invalid]criteria.userId'],
      'criteria.end': ['[invalid]criteria.end'],
      dateTimeSecondsFormat: ['[invalid]dateTimeSecondsFormat'],
    })
  })

  it('400 for malformed JSON or a missing body', async () => {
    const malformed = await call(EXPORT, { method: 'POST', rawBody: '{"criteria":' })
    expect(malformed.status).toBe(400)
    expect((await json<{ generalErrors?: { code: string }[] }>(malformed)).generalErrors?.[0]?.code).toBe('[invalid]')
    const missing = await call(EXPORT, { method: 'POST' })
    expect((await json<{ generalErrors?: { code: string }[] }>(missing)).generalErrors?.[0]?.code).toBe('[missing]')
  })

  it('401 without a key, with a tenant-locked key, or with a tenant header', async () => {
    const tenant = await createTenant()
    const locked = await tenantLockedKey(tenant.id)
    for (const send of [(o: Parameters<typeof call>[1]) => get({}, o), (o: Parameters<typeof call>[1]) => post({ criteria: {} }, o)]) {
      await expectEmpty(await send({ apiKey: null }), 401)
      await expectEmpty(await send({ apiKey: locked }), 401)
      await expectEmpty(await send({ tenantId: tenant.id }), 401)
    }
  })
})
