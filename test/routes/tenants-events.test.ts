/**
 * tenant.eventConfiguration: FusionAuth's per-event-type {enabled, transactionType}, its defaults, its
 * normalization (instance events dropped, non-transactional events forced to None) and its validation.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES, TENANT_EVENT_TYPES } from '../../src/domain/events/event-types'
import { eventConfigurationDefaults, eventSetting } from '../../src/domain/events/event-configuration'
import { transactionSatisfied } from '../../src/domain/events/transaction-types'
import { createTenant as createStoredTenant, defaultTenant } from '../fixtures'
import { call, json } from '../helpers'
import { createTenant, fieldCodes, uniqueName } from './admin-fixtures'

type Events = Record<string, { enabled: boolean; transactionType: string }>

interface TenantBody {
  tenant: { id: string; eventConfiguration: { events: Events } }
}

const eventsOf = async (response: Response): Promise<Events> => {
  expect(response.status).toBe(200)
  return (await json<TenantBody>(response)).tenant.eventConfiguration.events
}

const patchEvents = (tenantId: string, events: unknown) =>
  call(`/api/tenant/${tenantId}`, { method: 'PATCH', body: { tenant: { eventConfiguration: { events } } } })

describe('tenant.eventConfiguration defaults', () => {
  it('a new tenant lists every tenant event type, disabled, None; no instance or test events', async () => {
    const events = await eventsOf(await call('/api/tenant', { body: { tenant: { name: uniqueName('events') } } }))
    expect(Object.keys(events).sort()).toEqual([...TENANT_EVENT_TYPES].sort())
    for (const setting of Object.values(events)) expect(setting).toEqual({ enabled: false, transactionType: 'None' })
    for (const type of ['audit-log.create', 'event-log.create', 'kickstart.success', 'test']) expect(events).not.toHaveProperty(type)
    expect(events).toHaveProperty(['user.login.success'])
  })

  it('the default tenant has them too', async () => {
    const tenant = await defaultTenant()
    expect(tenant.eventConfiguration).toEqual(eventConfigurationDefaults())
  })

  it('PUT without an eventConfiguration puts the defaults back', async () => {
    const tenant = await createTenant()
    await eventsOf(await patchEvents(tenant.id, { 'user.create': { enabled: true, transactionType: 'Any' } }))
    const events = await eventsOf(await call(`/api/tenant/${tenant.id}`, { method: 'PUT', body: { tenant: { name: uniqueName('put') } } }))
    expect(events['user.create']).toEqual({ enabled: false, transactionType: 'None' })
  })
})

describe('writing tenant.eventConfiguration', () => {
  it('takes FusionAuth kickstart example PATCH: instance events dropped, user.action without a transaction type', async () => {
    const tenant = await createTenant()
    const events = await eventsOf(
      await patchEvents(tenant.id, {
        'audit-log.create': { enabled: true, transactionType: 'None' },
        'kickstart.success': { enabled: true, transactionType: 'None' },
        'user.action': { enabled: true },
        'user.login.success': { enabled: true, transactionType: 'None' },
        'user.loginId.duplicate.create': { enabled: false, transactionType: 'None' },
      }),
    )
    expect(events).not.toHaveProperty(['audit-log.create'])
    expect(events).not.toHaveProperty(['kickstart.success'])
    expect(events['user.action']).toEqual({ enabled: true, transactionType: 'None' })
    expect(events['user.login.success']).toEqual({ enabled: true, transactionType: 'None' })
    expect(events['user.create']).toEqual({ enabled: false, transactionType: 'None' })
    const again = await eventsOf(await call(`/api/tenant/${tenant.id}`))
    expect(again).toEqual(events)
  })

  it('takes every event type of the FusionAuth all-webhooks kickstart (fusionauth-example-kickstart)', async () => {
    const tenant = await createTenant()
    const types = [
      'jwt.public-key.update',
      'jwt.refresh-token.revoke',
      'jwt.refresh',
      'audit-log.create',
      'event-log.create',
      'kickstart.success',
      'user.action',
      'user.bulk.create',
      'user.create',
      'user.create.complete',
      'user.deactivate',
      'user.delete',
      'user.delete.complete',
      'user.loginId.duplicate.create',
      'user.loginId.duplicate.update',
      'user.email.update',
      'user.email.verified',
      'user.login.failed',
      'user.login.new-device',
      'user.login.success',
      'user.login.suspicious',
      'user.password.breach',
      'user.password.reset.send',
      'user.password.reset.start',
      'user.password.reset.success',
      'user.password.update',
      'user.reactivate',
      'user.registration.create',
      'user.registration.create.complete',
      'user.registration.delete',
      'user.registration.delete.complete',
      'user.registration.update',
      'user.registration.update.complete',
      'user.registration.verified',
      'user.two-factor.method.add',
      'user.two-factor.method.remove',
      'user.update',
      'user.update.complete',
    ]
    const response = await patchEvents(
      tenant.id,
      Object.fromEntries(
        types.map((type) => [type, type === 'user.action' ? { enabled: true } : { enabled: true, transactionType: 'None' }]),
      ),
    )
    const events = await eventsOf(response)
    for (const type of types.filter((t) => !['audit-log.create', 'event-log.create', 'kickstart.success'].includes(t))) {
      expect(events[type], type).toEqual({ enabled: true, transactionType: 'None' })
    }
  })

  it('keeps the transaction type of a transactional event and forces a non-transactional one to None', async () => {
    const tenant = await createTenant()
    const events = await eventsOf(
      await patchEvents(tenant.id, {
        'user.login.success': { enabled: true, transactionType: 'AbsoluteMajority' },
        'user.create': { enabled: true, transactionType: 'SuperMajority' },
        'user.password.update': { enabled: true, transactionType: 'SuperMajority' },
        'user.create.complete': { enabled: true, transactionType: 'Any' },
      }),
    )
    expect(events['user.login.success']).toEqual({ enabled: true, transactionType: 'AbsoluteMajority' })
    expect(events['user.create']).toEqual({ enabled: true, transactionType: 'SuperMajority' })
    expect(events['user.password.update']).toEqual({ enabled: true, transactionType: 'None' })
    expect(events['user.create.complete']).toEqual({ enabled: true, transactionType: 'None' })
  })

  it('PATCH changes only the types it names; create takes a partial configuration', async () => {
    const tenant = await createTenant()
    await eventsOf(await patchEvents(tenant.id, { 'user.create': { enabled: true, transactionType: 'Any' } }))
    const events = await eventsOf(await patchEvents(tenant.id, { 'user.delete': { enabled: true } }))
    expect(events['user.create']).toEqual({ enabled: true, transactionType: 'Any' })
    expect(events['user.delete']).toEqual({ enabled: true, transactionType: 'None' })
    const created = await eventsOf(
      await call('/api/tenant', {
        body: { tenant: { name: uniqueName('partial'), eventConfiguration: { events: { 'jwt.refresh': { enabled: true } } } } },
      }),
    )
    expect(created['jwt.refresh']).toEqual({ enabled: true, transactionType: 'None' })
    expect(Object.keys(created)).toHaveLength(TENANT_EVENT_TYPES.length)
  })

  it('rebuilds each entry from enabled and transactionType only', async () => {
    const tenant = await createTenant()
    const events = await eventsOf(await patchEvents(tenant.id, { 'user.create': { enabled: true, extra: 'dropped' } }))
    expect(events['user.create']).toEqual({ enabled: true, transactionType: 'None' })
  })
})

describe('bad tenant.eventConfiguration is a 400', () => {
  it('an unknown event type names the type', async () => {
    const tenant = await createTenant()
    const response = await patchEvents(tenant.id, { 'user.explode': { enabled: true } })
    const body = await json<{ fieldErrors: Record<string, { message: string }[]> }>(response.clone())
    expect(await fieldCodes(response)).toEqual(['[invalid]tenant.eventConfiguration.events'])
    expect(body.fieldErrors['tenant.eventConfiguration.events']?.[0]?.message).toContain('[user.explode]')
  })

  it('an unknown transaction type', async () => {
    const tenant = await createTenant()
    expect(await fieldCodes(await patchEvents(tenant.id, { 'user.create': { enabled: true, transactionType: 'Quorum' } }))).toEqual([
      '[invalid]tenant.eventConfiguration.events.user.create.transactionType',
    ])
    expect(await fieldCodes(await patchEvents(tenant.id, { 'user.create': { transactionType: 'none' } }))).toEqual([
      '[invalid]tenant.eventConfiguration.events.user.create.transactionType',
    ])
  })

  it('wrong types and nulls, on create, PUT and PATCH', async () => {
    const tenant = await createTenant()
    expect(await fieldCodes(await patchEvents(tenant.id, { 'user.create': { enabled: 'yes' } }))).toEqual([
      '[invalid]tenant.eventConfiguration.events.user.create.enabled',
    ])
    expect(await fieldCodes(await patchEvents(tenant.id, { 'user.create': true }))).toEqual([
      '[invalid]tenant.eventConfiguration.events.user.create',
    ])
    expect(await fieldCodes(await patchEvents(tenant.id, { 'user.create': null }))).toEqual([
      '[blank]tenant.eventConfiguration.events.user.create',
    ])
    expect(await fieldCodes(await patchEvents(tenant.id, ['user.create']))).toEqual(['[invalid]tenant.eventConfiguration.events'])
    expect(await fieldCodes(await patchEvents(tenant.id, null))).toEqual(['[blank]tenant.eventConfiguration.events'])
    const nulled = await call(`/api/tenant/${tenant.id}`, { method: 'PATCH', body: { tenant: { eventConfiguration: null } } })
    expect(await fieldCodes(nulled)).toEqual(['[blank]tenant.eventConfiguration'])
    const put = await call(`/api/tenant/${tenant.id}`, {
      method: 'PUT',
      body: { tenant: { name: uniqueName('put'), eventConfiguration: 'all' } },
    })
    expect(await fieldCodes(put)).toEqual(['[invalid]tenant.eventConfiguration'])
    const create = await call('/api/tenant', {
      body: { tenant: { name: uniqueName('bad'), eventConfiguration: { events: { nope: {} } } } },
    })
    expect(await fieldCodes(create)).toEqual(['[invalid]tenant.eventConfiguration.events'])
    // Nothing was written by the refused requests.
    expect(await eventsOf(await call(`/api/tenant/${tenant.id}`))).toEqual(eventConfigurationDefaults().events)
  })
})

describe('tenants stored before events existed', () => {
  it('migration 0009 gives them the defaults, and a type a stored tenant lacks takes its default on the next write', async () => {
    const tenant = await createTenant()
    await env.DB.prepare("UPDATE tenants SET data = json_remove(data, '$.eventConfiguration') WHERE id = ?").bind(tenant.id).run()
    const migration = env.TEST_MIGRATIONS.find((m) => m.name === '0009_webhooks.sql')
    const backfill = migration?.queries.find((q) => q.startsWith('UPDATE tenants'))
    expect(backfill).toBeDefined()
    await env.DB.prepare(backfill ?? '').run()
    expect(await eventsOf(await call(`/api/tenant/${tenant.id}`))).toEqual(eventConfigurationDefaults().events)

    await env.DB.prepare('UPDATE tenants SET data = json_remove(data, \'$.eventConfiguration.events."user.create"\') WHERE id = ?')
      .bind(tenant.id)
      .run()
    const events = await eventsOf(await patchEvents(tenant.id, { 'user.delete': { enabled: true } }))
    expect(events['user.create']).toEqual({ enabled: false, transactionType: 'None' })
    expect(events['user.delete']).toEqual({ enabled: true, transactionType: 'None' })
  })
})

describe('event types and transaction types (domain)', () => {
  it('eventSetting reads a stored setting, and a missing one as disabled', async () => {
    const stored = await createStoredTenant({
      eventConfiguration: { events: { 'user.create': { enabled: true, transactionType: 'Any' } } },
    })
    expect(eventSetting(stored.eventConfiguration, 'user.create')).toEqual({ enabled: true, transactionType: 'Any' })
    expect(eventSetting({ events: {} }, 'user.delete')).toEqual({ enabled: false, transactionType: 'None' })
    expect(eventSetting(undefined, 'user.delete')).toEqual({ enabled: false, transactionType: 'None' })
  })

  it('instance events are never emitted nor transactional (docs/events.md lists the emitted ones)', () => {
    for (const info of Object.values(EVENT_TYPES)) {
      if (info.scope === 'instance') expect(info).toMatchObject({ emitted: false, transactional: false })
    }
  })

  it.each([
    ['None', 3, 0, true],
    ['Any', 3, 0, false],
    ['Any', 3, 1, true],
    ['SimpleMajority', 4, 2, true],
    ['SimpleMajority', 3, 1, false],
    ['SuperMajority', 3, 2, true],
    ['SuperMajority', 4, 2, false],
    ['AbsoluteMajority', 2, 1, false],
    ['AbsoluteMajority', 2, 2, true],
  ] as const)('transactionSatisfied(%s, %i webhooks, %i successes) is %s, as FusionAuth counts', (type, total, successes, expected) => {
    expect(transactionSatisfied(type, total, successes)).toBe(expected)
  })
})
