/**
 * The Import API sends user.bulk.create (FusionAuth's UserBulkCreateEvent: `users`), one per tenant the import
 * touches, and never a user.create per user. Transactional: a refusing webhook is 504 and nothing is imported.
 */
import { describe, expect, it } from 'vitest'
import { uniqueEmail } from '../fixtures'
import { call, expectEmpty } from '../helpers'
import { deepKeys, eventTenant, fieldsOf, received, SECRET_KEYS } from './receiver'

describe('user.bulk.create', () => {
  it('one event with every imported user (registrations listed, no password material)', async () => {
    const { tenant, receivers } = await eventTenant({ 'user.bulk.create': 'Any', 'user.create': 'Any' })
    const [receiver] = receivers
    if (receiver === undefined) throw new Error('no receiver')
    const users = [
      { email: uniqueEmail(), password: 'password123' },
      { email: uniqueEmail(), password: 'password123', data: { plan: 'gold' } },
    ]
    const response = await call('/api/user/import', { tenantId: tenant.id, headers: { 'User-Agent': 'import-tests' }, body: { users } })
    expect(response.status).toBe(200)
    expect((await received(receiver)).map((e) => e.type)).toEqual(['user.bulk.create'])
    const [event] = await received(receiver)
    expect(fieldsOf(event ?? {})).toEqual(['createInstant', 'id', 'info', 'tenantId', 'type', 'users'])
    expect(event).toMatchObject({ tenantId: tenant.id, info: { userAgent: 'import-tests' } })
    const sent = event?.users as { email: string; tenantId: string; registrations: unknown[] }[]
    expect(sent.map((u) => u.email)).toEqual(users.map((u) => u.email))
    for (const user of sent) expect(user).toMatchObject({ tenantId: tenant.id, registrations: [] })
    expect(deepKeys(event).filter((key) => SECRET_KEYS.test(key))).toEqual([])
  })

  it('refused: 504 and none of the users exists', async () => {
    const { tenant } = await eventTenant({ 'user.bulk.create': 'Any' }, ['fail'])
    const ids = [crypto.randomUUID(), crypto.randomUUID()]
    const users = ids.map((id) => ({ id, email: uniqueEmail(), password: 'password123' }))
    await expectEmpty(await call('/api/user/import', { tenantId: tenant.id, body: { users } }), 504)
    for (const id of ids) expect((await call(`/api/user/${id}`)).status).toBe(404)
  })
})
