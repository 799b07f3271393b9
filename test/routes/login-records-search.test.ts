import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { DisplayableLogin } from '../../src/domain/login-record'
import { ApplicationStore } from '../../src/store/application-store'
import { createApplication, createTenant, defaultTenant } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { loginRecord, privateWindowStart, seedLoginRecords, tenantLockedKey } from './login-records-seed'

const SEARCH = '/api/system/login-record/search'

interface SearchBody {
  logins: DisplayableLogin[]
  total?: number
}
interface ErrorsBody {
  fieldErrors?: Record<string, { code: string; message: string }[]>
  generalErrors?: { code: string; message: string }[]
}

const get = (query: Record<string, string | number | boolean>, options: Parameters<typeof call>[1] = {}): Promise<Response> =>
  call(`${SEARCH}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`, options)
const post = (body: unknown, options: Parameters<typeof call>[1] = {}): Promise<Response> =>
  call(SEARCH, { method: 'POST', body, ...options })

async function ok(response: Response): Promise<SearchBody> {
  expect(response.status).toBe(200)
  return json<SearchBody>(response)
}

async function fieldCodes(response: Response): Promise<Record<string, string[]>> {
  expect(response.status).toBe(400)
  const body = await json<ErrorsBody>(response)
  return Object.fromEntries(Object.entries(body.fieldErrors ?? {}).map(([field, errors]) => [field, errors.map((e) => e.code)]))
}

/** One user with `count` records one millisecond apart, newest at `base + count - 1`. */
async function userWithRecords(count: number, fields: Parameters<typeof loginRecord>[1] = {}): Promise<{ userId: string; base: number }> {
  const userId = crypto.randomUUID()
  const base = privateWindowStart()
  await seedLoginRecords(Array.from({ length: count }, (_, i) => loginRecord(base + i, { userId, ...fields })))
  return { userId, base }
}

describe('login-record search: authentication', () => {
  for (const method of ['GET', 'POST'] as const) {
    const send = (options: Parameters<typeof call>[1]): Promise<Response> =>
      method === 'GET' ? get({}, options) : post({ search: {} }, options)

    it(`${method}: 401 without an API key`, async () => {
      await expectEmpty(await send({ apiKey: null }), 401)
    })

    it(`${method}: 401 with an unknown API key`, async () => {
      await expectEmpty(await send({ apiKey: 'not-a-key' }), 401)
    })

    it(`${method}: 401 with a tenant-locked API key (a global endpoint)`, async () => {
      const tenant = await createTenant()
      await expectEmpty(await send({ apiKey: await tenantLockedKey(tenant.id) }), 401)
    })

    it(`${method}: 401 with a global key plus X-FusionAuth-TenantId`, async () => {
      const tenant = await defaultTenant()
      await expectEmpty(await send({ tenantId: tenant.id }), 401)
    })
  }
})

describe('login-record search: filters and response shape', () => {
  it('filters by userId and returns every documented field, newest first', async () => {
    const tenant = await defaultTenant()
    const application = await createApplication(tenant.id)
    const userId = crypto.randomUUID()
    const base = privateWindowStart()
    await seedLoginRecords([
      loginRecord(base, {
        userId,
        applicationId: application.id,
        loginId: 'a@example.com',
        ipAddress: '203.0.113.1',
        loginIdType: 'email',
      }),
      loginRecord(base + 10, { userId, applicationId: null, loginId: 'a-user', ipAddress: null }),
      loginRecord(base + 5, { userId: crypto.randomUUID(), applicationId: application.id }),
    ])
    const body = await ok(await get({ userId }))
    expect(body.logins).toEqual([
      { instant: base + 10, loginId: 'a-user', userId },
      {
        applicationId: application.id,
        applicationName: application.name,
        instant: base,
        ipAddress: '203.0.113.1',
        loginId: 'a@example.com',
        loginIdType: 'email',
        userId,
      },
    ])
    expect('total' in body).toBe(false)
  })

  it('filters by applicationId, and by applicationId and userId together', async () => {
    const tenant = await defaultTenant()
    const application = await createApplication(tenant.id)
    const [alice, bob] = [crypto.randomUUID(), crypto.randomUUID()]
    const base = privateWindowStart()
    await seedLoginRecords([
      loginRecord(base + 1, { userId: alice, applicationId: application.id }),
      loginRecord(base + 2, { userId: bob, applicationId: application.id }),
      loginRecord(base + 3, { userId: alice, applicationId: crypto.randomUUID() }),
    ])
    const byApplication = await ok(await get({ applicationId: application.id }))
    expect(byApplication.logins.map((l) => [l.userId, l.instant])).toEqual([
      [bob, base + 2],
      [alice, base + 1],
    ])
    const both = await ok(await get({ applicationId: application.id.toUpperCase(), userId: alice }))
    expect(both.logins.map((l) => l.instant)).toEqual([base + 1])
  })

  it('keeps the applicationId but drops applicationName once the application is deleted', async () => {
    const tenant = await defaultTenant()
    const application = await createApplication(tenant.id)
    const { userId } = await userWithRecords(1, { applicationId: application.id })
    expect((await ok(await get({ userId }))).logins[0]?.applicationName).toBe(application.name)
    await new ApplicationStore(env.DB).delete(application.id)
    const after = (await ok(await get({ userId }))).logins[0]
    expect(after?.applicationId).toBe(application.id)
    expect(after && 'applicationName' in after).toBe(false)
  })

  it('treats start and end as inclusive epoch milliseconds', async () => {
    const { userId, base } = await userWithRecords(5)
    const instants = async (query: Record<string, number>): Promise<number[]> =>
      (await ok(await get({ userId, ...query }))).logins.map((l) => l.instant)
    expect(await instants({ start: base + 1, end: base + 3 })).toEqual([base + 3, base + 2, base + 1])
    expect(await instants({ start: base + 4 })).toEqual([base + 4])
    expect(await instants({ end: base })).toEqual([base])
    expect(await instants({ start: base + 2, end: base + 2 })).toEqual([base + 2])
    expect(await instants({ start: base + 3, end: base + 1 })).toEqual([])
  })

  it('searches by time alone (no user or application)', async () => {
    const base = privateWindowStart()
    const users = [crypto.randomUUID(), crypto.randomUUID()]
    await seedLoginRecords([loginRecord(base, { userId: users[0] }), loginRecord(base + 1, { userId: users[1] })])
    const body = await ok(await post({ retrieveTotal: true, search: { start: base, end: base + 1 } }))
    expect(body.logins.map((l) => l.userId)).toEqual([users[1], users[0]])
    expect(body.total).toBe(2)
  })

  it('orders equal instants by insertion, newest first', async () => {
    const userId = crypto.randomUUID()
    const base = privateWindowStart()
    await seedLoginRecords(['first', 'second', 'third'].map((loginId) => loginRecord(base, { userId, loginId })))
    await seedLoginRecords([loginRecord(base, { userId, loginId: 'fourth' })])
    expect((await ok(await get({ userId }))).logins.map((l) => l.loginId)).toEqual(['fourth', 'third', 'second', 'first'])
  })

  it('POST reads the official client body shape', async () => {
    const { userId, base } = await userWithRecords(4)
    const body = await ok(
      await post({ retrieveTotal: true, search: { userId, start: base + 1, end: base + 2, numberOfResults: 1, startRow: 1 } }),
    )
    expect(body).toEqual({ logins: [{ instant: base + 1, loginId: 'someone@example.com', ipAddress: '192.0.2.1', userId }], total: 2 })
  })
})

describe('login-record search: pagination', () => {
  it('defaults to 25 results from row 0', async () => {
    const { userId, base } = await userWithRecords(30)
    const body = await ok(await get({ userId }))
    expect(body.logins).toHaveLength(25)
    expect(body.logins[0]?.instant).toBe(base + 29)
    expect(body.logins[24]?.instant).toBe(base + 5)
  })

  it('pages with startRow and numberOfResults; total counts every match', async () => {
    const { userId, base } = await userWithRecords(7)
    const page = async (startRow: number, numberOfResults: number): Promise<SearchBody> =>
      ok(await get({ userId, startRow, numberOfResults, retrieveTotal: true }))
    expect((await page(0, 3)).logins.map((l) => l.instant)).toEqual([base + 6, base + 5, base + 4])
    expect((await page(3, 3)).logins.map((l) => l.instant)).toEqual([base + 3, base + 2, base + 1])
    expect((await page(6, 3)).logins.map((l) => l.instant)).toEqual([base])
    expect(await page(7, 3)).toEqual({ logins: [], total: 7 })
    expect(await page(1000, 3)).toEqual({ logins: [], total: 7 })
    expect(await page(0, 0)).toEqual({ logins: [], total: 7 })
    expect((await page(2, 1)).logins.map((l) => l.instant)).toEqual([base + 4])
  })

  it('accepts the cap (500) and refuses one more', async () => {
    const { userId } = await userWithRecords(2)
    expect((await ok(await get({ userId, numberOfResults: 500 }))).logins).toHaveLength(2)
    expect(await fieldCodes(await get({ userId, numberOfResults: 501 }))).toEqual({ numberOfResults: ['[invalid]numberOfResults'] })
    expect(await fieldCodes(await post({ search: { userId, numberOfResults: 501 } }))).toEqual({
      'search.numberOfResults': ['[invalid]search.numberOfResults'],
    })
  })

  it('includes total only when retrieveTotal is true', async () => {
    const { userId } = await userWithRecords(3)
    expect('total' in (await ok(await get({ userId, retrieveTotal: false })))).toBe(false)
    expect((await ok(await get({ userId, retrieveTotal: 'TRUE' }))).total).toBe(3)
    expect('total' in (await ok(await post({ search: { userId } })))).toBe(false)
    expect((await ok(await post({ retrieveTotal: true, search: { userId, numberOfResults: 1 } }))).total).toBe(3)
  })
})

describe('login-record search: bad input', () => {
  it('refuses any orderBy: [invalid]orderBy on GET, [invalid]search.orderBy on POST', async () => {
    expect(await fieldCodes(await get({ orderBy: 'instant DESC' }))).toEqual({ orderBy: ['[invalid]orderBy'] })
    expect(await fieldCodes(await post({ search: { orderBy: 'instant DESC' } }))).toEqual({ 'search.orderBy': ['[invalid]search.orderBy'] })
    expect(await fieldCodes(await post({ search: { orderBy: '' } }))).toEqual({ 'search.orderBy': ['[invalid]search.orderBy'] })
  })

  it('GET: [couldNotConvert] for values of the wrong type, every one reported', async () => {
    const codes = await fieldCodes(
      await get({
        applicationId: 'nope',
        userId: 'not-a-uuid',
        start: 'abc',
        end: '1.5',
        numberOfResults: 'ten',
        startRow: 'x',
        retrieveTotal: 'maybe',
      }),
    )
    expect(codes).toEqual({
      applicationId: ['[couldNotConvert]applicationId'],
      userId: ['[couldNotConvert]userId'],
      start: ['[couldNotConvert]start'],
      end: ['[couldNotConvert]end'],
      numberOfResults: ['[couldNotConvert]numberOfResults'],
      startRow: ['[couldNotConvert]startRow'],
      retrieveTotal: ['[couldNotConvert]retrieveTotal'],
    })
  })

  it('GET: [invalid] for negative paging values; beyond a Java int cannot convert', async () => {
    expect(await fieldCodes(await get({ numberOfResults: -1, startRow: -5 }))).toEqual({
      numberOfResults: ['[invalid]numberOfResults'],
      startRow: ['[invalid]startRow'],
    })
    expect(await fieldCodes(await get({ startRow: '99999999999' }))).toEqual({ startRow: ['[couldNotConvert]startRow'] })
    expect(await fieldCodes(await get({ start: '1e3' }))).toEqual({ start: ['[couldNotConvert]start'] })
  })

  it("GET: the official client's literal undefined is absent for paging, refused for filters", async () => {
    const { userId } = await userWithRecords(2)
    const lenient = await ok(await get({ userId, numberOfResults: 'undefined', startRow: 'undefined', retrieveTotal: 'undefined' }))
    expect(lenient.logins).toHaveLength(2)
    expect(await fieldCodes(await get({ userId: 'undefined', start: 'undefined' }))).toEqual({
      userId: ['[couldNotConvert]userId'],
      start: ['[couldNotConvert]start'],
    })
  })

  it('GET: empty values are absent', async () => {
    const { userId } = await userWithRecords(1)
    expect((await ok(await get({ userId, start: '', end: '', numberOfResults: '', orderBy: '' }))).logins).toHaveLength(1)
  })

  it('POST: [invalid] for wrong JSON types and ranges', async () => {
    const codes = await fieldCodes(
      await post({
        retrieveTotal: 'yes',
        search: { applicationId: 42, userId: 'not-a-uuid', start: 'abc', end: 1.5, numberOfResults: -1, startRow: -1 },
      }),
    )
    expect(codes).toEqual({
      retrieveTotal: ['[invalid]retrieveTotal'],
      'search.applicationId': ['[invalid]search.applicationId'],
      'search.userId': ['[invalid]search.userId'],
      'search.start': ['[invalid]search.start'],
      'search.end': ['[invalid]search.end'],
      'search.numberOfResults': ['[invalid]search.numberOfResults'],
      'search.startRow': ['[invalid]search.startRow'],
    })
    expect(await fieldCodes(await post({ search: 'everything' }))).toEqual({ search: ['[invalid]search'] })
  })

  it('POST: malformed JSON, a missing body and a non-object body are 400 with Errors JSON', async () => {
    const malformed = await call(SEARCH, { method: 'POST', rawBody: '{"search": {' })
    expect(malformed.status).toBe(400)
    expect((await json<ErrorsBody>(malformed)).generalErrors?.[0]?.code).toBe('[invalid]')
    const missing = await call(SEARCH, { method: 'POST' })
    expect(missing.status).toBe(400)
    expect((await json<ErrorsBody>(missing)).generalErrors?.[0]?.code).toBe('[missing]')
    const array = await post([1, 2])
    expect(array.status).toBe(400)
    expect((await json<ErrorsBody>(array)).generalErrors?.[0]?.code).toBe('[invalid]')
  })
})
