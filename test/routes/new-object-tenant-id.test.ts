/**
 * A malformed `tenantId` of a new group or application on an unscoped request is the field error FusionAuth gives
 * for it, not the `[TenantIdRequired]` of a request naming no tenant at all (it names one, badly).
 */
import { describe, expect, it } from 'vitest'
import { call } from '../helpers'
import { createTenant, fieldCodes, generalCodes, uniqueName } from './admin-fixtures'

describe('POST /api/group with a malformed group.tenantId', () => {
  it('answers [invalid]group.tenantId on an unscoped key, with the other field errors', async () => {
    await createTenant() // more than one tenant: an unscoped request must name one
    const bad = await call('/api/group', { body: { group: { name: uniqueName('group'), tenantId: 'nope' } } })
    expect(bad.status).toBe(400)
    expect(await fieldCodes(bad)).toEqual(['[invalid]group.tenantId'])
    const both = await call('/api/group', { body: { group: { tenantId: 'nope' } } })
    expect((await fieldCodes(both)).sort()).toEqual(['[blank]group.name', '[invalid]group.tenantId'])
  })

  it('still answers [TenantIdRequired] when no tenant is named, and the group for a good one', async () => {
    const tenant = await createTenant()
    expect(await generalCodes(await call('/api/group', { body: { group: { name: uniqueName('group') } } }))).toEqual(['[TenantIdRequired]'])
    const good = await call('/api/group', { body: { group: { name: uniqueName('group'), tenantId: tenant.id } } })
    expect(good.status).toBe(200)
    expect(
      await fieldCodes(await call('/api/group', { body: { group: { name: uniqueName('group'), tenantId: crypto.randomUUID() } } })),
    ).toEqual(['[invalid]group.tenantId'])
  })
})

describe('POST /api/application with a malformed application.tenantId', () => {
  it('answers [invalid]application.tenantId on an unscoped key, not [TenantIdRequired]', async () => {
    await createTenant()
    const bad = await call('/api/application', { body: { application: { name: uniqueName('app'), tenantId: 'nope' } } })
    expect(bad.status).toBe(400)
    expect(await fieldCodes(bad)).toEqual(['[invalid]application.tenantId'])
    const unknown = await call('/api/application', { body: { application: { name: uniqueName('app'), tenantId: crypto.randomUUID() } } })
    expect(await fieldCodes(unknown)).toEqual(['[invalid]application.tenantId'])
  })
})
