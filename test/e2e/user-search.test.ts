import { describe, expect, it } from 'vitest'
import { NO_ID, client, createFixture, fieldCode, ok, rejection, unique } from './support'

describe('user search through the official client', () => {
  it('searchUsersByQuery with a queryString finds the tenant’s users, paginated, with the total', async () => {
    const { api, tenantId, userId, email, applicationId } = await createFixture()
    const marker = unique()
    const second = await ok(
      api.createUser(NO_ID, {
        user: { email: `second-${marker}@example.com`, password: `password ${marker}`, lastName: `Search${marker}` },
      }),
    )

    const byEmail = await ok(api.searchUsersByQuery({ search: { queryString: email.toUpperCase() } }))
    expect(byEmail.total).toBe(1)
    expect(byEmail.users?.[0]).toMatchObject({ id: userId, email, tenantId })
    expect(byEmail.users?.[0]?.registrations?.map((registration) => registration.applicationId)).toEqual([applicationId])

    const byPrefix = await ok(
      api.searchUsersByQuery({ search: { queryString: 'second-*', numberOfResults: 10, startRow: 0, sortFields: [{ name: 'email' }] } }),
    )
    expect(byPrefix.users?.map((user) => user.id)).toEqual([second.user?.id])

    const everyone = await ok(
      api.searchUsersByQuery({
        search: { queryString: '*', numberOfResults: 1, startRow: 1, accurateTotal: true, sortFields: [{ name: 'email' }] },
      }),
    )
    expect(everyone.total).toBe(2)
    expect(everyone.users?.map((user) => user.email)).toEqual([[email, `second-${marker}@example.com`].sort()[1]])
  })

  it('searchUsersByIds returns only the users the client’s tenant may see', async () => {
    const mine = await createFixture()
    const theirs = await createFixture()
    const found = await ok(mine.api.searchUsersByIds([mine.userId, theirs.userId, crypto.randomUUID()]))
    expect(found.total).toBe(1)
    expect(found.users?.map((user) => user.id)).toEqual([mine.userId])
    const global = await ok(client().searchUsersByIds([mine.userId, theirs.userId]))
    expect(global.users?.map((user) => user.id)).toEqual([mine.userId, theirs.userId])
  })

  it('refuses an Elasticsearch query with a 400 the client reports as Errors', async () => {
    const { api } = await createFixture()
    const refused = await rejection(api.searchUsersByQuery({ search: { query: JSON.stringify({ match_all: {} }) } }))
    expect(refused.statusCode).toBe(400)
    expect(fieldCode(refused, 'search.query')).toBe('[invalid]search.query')
  })

  it('refreshUserSearchIndex answers 200', async () => {
    const refreshed = await client().refreshUserSearchIndex()
    expect(refreshed.statusCode).toBe(200)
  })
})
