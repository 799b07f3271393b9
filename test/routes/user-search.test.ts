import { describe, expect, it } from 'vitest'
import type { User } from '../../src/domain/user'
import { createApplication, createTenant, createUser } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, fieldCodes, generalCodes } from './admin-fixtures'

interface SearchBody {
  expandable: string[]
  total: number
  users: (User & { registrations: { applicationId: string }[] })[]
}

/** A token no other test's users contain, so searches over every tenant see only this test's users. */
const token = (): string => crypto.randomUUID().replaceAll('-', '').slice(0, 12)

const search = (path: string, options: Parameters<typeof call>[1] = {}) => call(path, options)

async function found(response: Response): Promise<SearchBody> {
  expect(response.status).toBe(200)
  return json<SearchBody>(response)
}

const emailsOf = (body: SearchBody): (string | undefined)[] => body.users.map((user) => user.email)

/** POST /api/user/search in a tenant; returns the emails found, in order. */
async function emailsFor(tenantId: string, criteria: Record<string, unknown>): Promise<(string | undefined)[]> {
  return emailsOf(await found(await search('/api/user/search', { tenantId, body: { search: criteria } })))
}

describe('GET /api/user/search?ids=', () => {
  it('returns the users with those ids, with registrations, in the order asked, ignoring unknown ids', async () => {
    const tenant = await createTenant()
    const application = await createApplication(tenant.id)
    const first = await createUser({
      tenantId: tenant.id,
      email: `first-${token()}@example.com`,
      registrations: [{ applicationId: application.id, roles: ['admin'] }],
    })
    const second = await createUser({ tenantId: tenant.id, username: `second-${token()}` })
    const path = `/api/user/search?ids=${second.id}&ids=${crypto.randomUUID()}&ids=${first.id.toUpperCase()}`
    const body = await found(await search(path))
    expect(body.total).toBe(2)
    expect(body.expandable).toEqual([])
    expect(body.users.map((user) => user.id)).toEqual([second.id, first.id])
    expect(body.users[1]?.registrations).toEqual([expect.objectContaining({ applicationId: application.id, roles: ['admin'] })])
    expect(body.users[0]?.registrations).toEqual([])
    for (const secret of ['password', 'salt', 'encryptionScheme', 'factor']) expect(body.users[1]).not.toHaveProperty(secret)
  })

  it('answers 401 without an API key', async () => {
    await expectEmpty(await search(`/api/user/search?ids=${crypto.randomUUID()}`, { apiKey: null }), 401)
  })
})

describe('queryString (FusionAuth database search engine)', () => {
  it('matches email, username, firstName, lastName and fullName as substrings, case-insensitively', async () => {
    const tenant = await createTenant()
    const t = token()
    const byEmail = await createUser({ tenantId: tenant.id, email: `Mail.${t}@Example.com` })
    const byUsername = await createUser({ tenantId: tenant.id, username: `User-${t}-name` })
    const byFirst = await createUser({ tenantId: tenant.id, email: `a-${token()}@example.com`, overrides: { firstName: `First${t}` } })
    const byLast = await createUser({ tenantId: tenant.id, email: `b-${token()}@example.com`, overrides: { lastName: `${t}Last` } })
    const byFull = await createUser({ tenantId: tenant.id, email: `c-${token()}@example.com`, overrides: { fullName: `Ann ${t} Smith` } })
    await createUser({ tenantId: tenant.id, email: `d-${token()}@example.com`, overrides: { middleName: t, data: { note: t } } })

    const body = await found(await search(`/api/user/search?queryString=${t.toUpperCase()}`))
    expect(body.total).toBe(5)
    expect(new Set(body.users.map((user) => user.id))).toEqual(
      new Set([byEmail, byUsername, byFirst, byLast, byFull].map((user) => user.id)),
    )
  })

  it('anchors the pattern when it holds a *: prefix, suffix, inner wildcard, and * for everyone', async () => {
    const tenant = await createTenant()
    const t = token()
    const pied = `pied${t}@hooli.com`
    const thePied = `thepied${t}@hooli.com`
    const other = `richard-${t}@piedpiper.com`
    for (const email of [pied, thePied, other]) await createUser({ tenantId: tenant.id, email })

    expect(await emailsFor(tenant.id, { queryString: `PIED${t}*` })).toEqual([pied])
    expect(await emailsFor(tenant.id, { queryString: `*${t}@hooli.com` })).toEqual([pied, thePied])
    expect(await emailsFor(tenant.id, { queryString: `pied${t}` })).toEqual([pied, thePied])
    expect(await emailsFor(tenant.id, { queryString: `*pied${t}*` })).toEqual([pied, thePied])
    expect(await emailsFor(tenant.id, { queryString: `r*@piedpiper.com` })).toEqual([other])
    expect(await emailsFor(tenant.id, { queryString: `the*${t}*.com` })).toEqual([thePied])
    // Parts in the wrong order, or overlapping, do not match.
    expect(await emailsFor(tenant.id, { queryString: `*hooli*pied*` })).toEqual([])
    expect(await emailsFor(tenant.id, { queryString: `pied${t}@hooli.com*m` })).toEqual([])
    expect(await emailsFor(tenant.id, { queryString: '*' })).toEqual([pied, thePied, other])
    expect(await emailsFor(tenant.id, { queryString: '**' })).toEqual([pied, thePied, other])
  })

  it('finds short terms the index cannot hold, and treats % and _ as plain characters', async () => {
    const tenant = await createTenant()
    const jo = await createUser({ tenantId: tenant.id, username: `jo_${token()}` })
    const percent = await createUser({ tenantId: tenant.id, username: `x%y-${token()}` })
    await createUser({ tenantId: tenant.id, username: `joXY-${token()}` })
    expect(await emailsFor(tenant.id, { queryString: 'jo' })).toHaveLength(2)
    const underscore = await found(await search('/api/user/search', { tenantId: tenant.id, body: { search: { queryString: 'o_' } } }))
    expect(underscore.users.map((user) => user.id)).toEqual([jo.id])
    const literalPercent = await found(await search('/api/user/search', { tenantId: tenant.id, body: { search: { queryString: 'x%y' } } }))
    expect(literalPercent.users.map((user) => user.id)).toEqual([percent.id])
    expect((await found(await search('/api/user/search', { tenantId: tenant.id, body: { search: { queryString: 'j*' } } }))).total).toBe(2)
  })

  it('matches a pattern longer than the 50 bytes D1 allows a LIKE, never a 500', async () => {
    const tenant = await createTenant()
    const t = token()
    const email = `a-very-long-local-part-${t}@a-rather-long-example-domain.com`
    await createUser({ tenantId: tenant.id, email })
    expect(await emailsFor(tenant.id, { queryString: `a-very-long-local-part-${t}*@a-rather-long-example-domain.com` })).toEqual([email])
    expect(await emailsFor(tenant.id, { queryString: `${email}*` })).toEqual([email])
    expect(await emailsFor(tenant.id, { queryString: `*${email}` })).toEqual([email])
  })

  it('keeps the index in step with every write: update, deactivate, hard delete', async () => {
    const tenant = await createTenant()
    const before = `before-${token()}@example.com`
    const after = `after-${token()}@example.com`
    const user = await createUser({ tenantId: tenant.id, email: before, password: 'password1' })
    const updated = await call(`/api/user/${user.id}`, { method: 'PATCH', tenantId: tenant.id, body: { user: { email: after } } })
    expect(updated.status).toBe(200)
    expect(await emailsFor(tenant.id, { queryString: before })).toEqual([])
    expect(await emailsFor(tenant.id, { queryString: after })).toEqual([after])

    expect((await call(`/api/user/${user.id}`, { method: 'DELETE', tenantId: tenant.id })).status).toBe(200)
    const deactivated = await found(await search('/api/user/search', { tenantId: tenant.id, body: { search: { queryString: after } } }))
    expect(deactivated.users.map((found) => found.active)).toEqual([false])

    expect((await call(`/api/user/${user.id}?hardDelete=true`, { method: 'DELETE', tenantId: tenant.id })).status).toBe(200)
    expect(await emailsFor(tenant.id, { queryString: after })).toEqual([])
  })

  it('indexes imported users, and forgets every user of a deleted tenant', async () => {
    const tenant = await createTenant()
    const t = token()
    const imported = await call('/api/user/import', {
      tenantId: tenant.id,
      body: {
        users: [
          { email: `imported-${t}@example.com`, password: 'plain password 1' },
          { username: `imported-${t}`, password: 'plain password 2' },
        ],
      },
    })
    expect(imported.status).toBe(200)
    expect((await found(await search(`/api/user/search?queryString=imported-${t}`))).total).toBe(2)
    expect((await call(`/api/tenant/${tenant.id}`, { method: 'DELETE' })).status).toBe(200)
    expect(await found(await search(`/api/user/search?queryString=imported-${t}`))).toMatchObject({ total: 0, users: [] })
  })
})

describe('pagination and sorting', () => {
  async function sevenUsers(): Promise<{ tenantId: string; emails: string[] }> {
    const tenant = await createTenant()
    const t = token()
    const emails = ['c', 'a', 'g', 'e', 'b', 'f', 'd'].map((letter) => `${letter}-${t}@example.com`)
    for (const email of emails)
      await createUser({
        tenantId: tenant.id,
        email,
        overrides: email.startsWith('a') || email.startsWith('b') ? {} : { fullName: `Name ${email[0]}` },
      })
    return { tenantId: tenant.id, emails }
  }

  it('pages with numberOfResults and startRow, total counting every match; default order is creation order', async () => {
    const { tenantId, emails } = await sevenUsers()
    const pages: (string | undefined)[] = []
    for (const startRow of [0, 3, 6]) {
      const body = await found(await search(`/api/user/search?queryString=*&numberOfResults=3&startRow=${startRow}`, { tenantId }))
      expect(body.total).toBe(7)
      expect(body.users.length).toBe(startRow === 6 ? 1 : 3)
      pages.push(...emailsOf(body))
    }
    expect(pages).toEqual(emails)
    const beyond = await found(await search('/api/user/search?queryString=*&startRow=50', { tenantId }))
    expect(beyond).toMatchObject({ total: 7, users: [] })
    const defaultPage = await found(await search('/api/user/search?queryString=*', { tenantId }))
    expect(defaultPage.users).toHaveLength(7)
  })

  it('sorts by sortFields, GET and POST alike, with missing values last unless _first', async () => {
    const { tenantId, emails } = await sevenUsers()
    const ascending = [...emails].sort()
    expect(await emailsFor(tenantId, { queryString: '*', sortFields: [{ name: 'email' }] })).toEqual(ascending)
    const get = await found(await search('/api/user/search?queryString=*&sortFields[0].name=email&sortFields[0].order=desc', { tenantId }))
    expect(emailsOf(get)).toEqual([...ascending].reverse())
    // Users a and b have no fullName: last by default, first with missing=_first.
    const byName = await emailsFor(tenantId, { queryString: '*', sortFields: [{ name: 'fullName', order: 'desc' }, { name: 'email' }] })
    expect(byName.map((email) => email?.[0])).toEqual(['g', 'f', 'e', 'd', 'c', 'a', 'b'])
    const missingFirst = await emailsFor(tenantId, {
      queryString: '*',
      sortFields: [
        { name: 'fullName', missing: '_first' },
        { name: 'login', order: 'desc' },
      ],
    })
    expect(missingFirst.map((email) => email?.[0])).toEqual(['b', 'a', 'c', 'd', 'e', 'f', 'g'])
  })
})

describe('tenant scope', () => {
  it('a tenant-locked key, or the tenant header, sees only its tenant; a global request sees every tenant', async () => {
    const a = await createTenant()
    const b = await createTenant()
    const t = token()
    const inA = await createUser({ tenantId: a.id, email: `${t}@a.example.com` })
    const inB = await createUser({ tenantId: b.id, email: `${t}@b.example.com` })
    const { key: keyOfA } = await createApiKey({ tenantId: a.id })

    const locked = await found(await search(`/api/user/search?queryString=${t}`, { apiKey: keyOfA }))
    expect(locked.users.map((user) => user.id)).toEqual([inA.id])
    expect(locked.total).toBe(1)
    const lockedIds = await found(await search(`/api/user/search?ids=${inA.id}&ids=${inB.id}`, { apiKey: keyOfA }))
    expect(lockedIds.users.map((user) => user.id)).toEqual([inA.id])
    const lockedPost = await found(await search('/api/user/search', { apiKey: keyOfA, body: { search: { ids: [inB.id] } } }))
    expect(lockedPost).toMatchObject({ total: 0, users: [] })
    const lockedAll = await found(
      await search('/api/user/search', { apiKey: keyOfA, body: { search: { queryString: '*', numberOfResults: 500 } } }),
    )
    expect(lockedAll.users.every((user) => user.tenantId === a.id)).toBe(true)

    const header = await found(await search(`/api/user/search?queryString=${t}`, { tenantId: b.id }))
    expect(header.users.map((user) => user.id)).toEqual([inB.id])
    // A locked key may not speak for another tenant.
    await expectEmpty(await search(`/api/user/search?queryString=${t}`, { apiKey: keyOfA, tenantId: b.id }), 401)

    const global = await found(await search(`/api/user/search?queryString=${t}`))
    expect(new Set(global.users.map((user) => user.id))).toEqual(new Set([inA.id, inB.id]))
  })
})

describe('bad input: 400 with Errors JSON, never 500', () => {
  const post = (body: unknown) => search('/api/user/search', { body })

  it('refuses malformed JSON, a body that is not an object, and wrong types', async () => {
    expect(await generalCodes(await search('/api/user/search', { rawBody: '{"search": {' }))).toEqual(['[invalid]'])
    expect(await generalCodes(await post([1, 2]))).toContain('[invalid]')
    expect(await fieldCodes(await post({ search: 'x' }))).toEqual(['[invalid]search'])
    expect(await fieldCodes(await post({ search: { ids: 'x' } }))).toEqual(['[invalid]search.ids'])
    expect(await fieldCodes(await post({ search: { ids: ['not-a-uuid'] } }))).toEqual(['[invalid]search.ids'])
    expect(await fieldCodes(await post({ search: { queryString: 5 } }))).toEqual(['[invalid]search.queryString'])
    expect(
      await fieldCodes(await post({ search: { queryString: '*', numberOfResults: '5', startRow: 1.5, accurateTotal: 'yes' } })),
    ).toEqual(['[invalid]search.accurateTotal', '[invalid]search.numberOfResults', '[invalid]search.startRow'])
    expect(await fieldCodes(await post({ search: { queryString: '*', sortFields: { name: 'email' } } }))).toEqual([
      '[invalid]search.sortFields',
    ])
    expect(await fieldCodes(await search('/api/user/search?ids=not-a-uuid'))).toEqual(['[couldNotConvert]ids'])
    expect(await fieldCodes(await search('/api/user/search?queryString=*&numberOfResults=ten'))).toEqual([
      '[couldNotConvert]numberOfResults',
    ])
  })

  it('refuses numberOfResults and startRow out of range, and too many ids', async () => {
    expect(await fieldCodes(await post({ search: { queryString: '*', numberOfResults: 501 } }))).toEqual([
      '[invalid]search.numberOfResults',
    ])
    expect(await fieldCodes(await post({ search: { queryString: '*', numberOfResults: -1, startRow: -1 } }))).toEqual([
      '[invalid]search.numberOfResults',
      '[invalid]search.startRow',
    ])
    expect(await fieldCodes(await search('/api/user/search?queryString=*&numberOfResults=1000'))).toEqual(['[invalid]numberOfResults'])
    const ids = Array.from({ length: 501 }, () => crypto.randomUUID())
    expect(await fieldCodes(await post({ search: { ids } }))).toEqual(['[tooMany]search.ids'])
    const accepted = await found(await post({ search: { ids: ids.slice(0, 500) } }))
    expect(accepted).toMatchObject({ total: 0, users: [] })
  })

  it('refuses an Elasticsearch query and nextResults, which the database engine does not have', async () => {
    const query = JSON.stringify({ bool: { must: [{ match: { email: 'a@b.c' } }] } })
    expect(await fieldCodes(await post({ search: { query } }))).toEqual(['[invalid]search.query'])
    expect(await fieldCodes(await post({ search: { queryString: '*', query: { match_all: {} } } }))).toEqual(['[invalid]search.query'])
    expect(await fieldCodes(await search(`/api/user/search?query=${encodeURIComponent(query)}`))).toEqual(['[invalid]query'])
    expect(await fieldCodes(await post({ search: { nextResults: 'eyJ9' } }))).toEqual(['[invalid]search.nextResults'])
  })

  it('refuses a search with neither ids nor queryString, and unknown sort fields', async () => {
    expect(await generalCodes(await search('/api/user/search'))).toEqual(['[invalid]'])
    expect(await generalCodes(await post({ search: { queryString: '   ', ids: [] } }))).toEqual(['[invalid]'])
    expect(
      await fieldCodes(
        await post({
          search: { queryString: '*', sortFields: [{ name: 'password' }, { order: 'up' }, { name: 'email', missing: 'zzz' }] },
        }),
      ),
    ).toEqual([
      '[invalid]search.sortFields[0].name',
      '[blank]search.sortFields[1].name',
      '[invalid]search.sortFields[1].order',
      '[invalid]search.sortFields[2].missing',
    ])
    expect(await fieldCodes(await search('/api/user/search?queryString=*&sortFields[0].name=registrations.roles'))).toEqual([
      '[invalid]sortFields[0].name',
    ])
    const wildcards = `a${'*a'.repeat(40)}`
    expect(await fieldCodes(await post({ search: { queryString: wildcards } }))).toEqual(['[invalid]search.queryString'])
  })
})

describe('PUT /api/user/search (refreshUserSearchIndex)', () => {
  it('answers 200 with no body: the index is always current', async () => {
    await expectEmpty(await call('/api/user/search', { method: 'PUT' }), 200)
  })
})
