import { describe, expect, it } from 'vitest'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, createTenant, fieldCodes, generalCodes } from './admin-fixtures'

interface ConfigurationBody {
  systemConfiguration: {
    reportTimezone: string
    loginRecordConfiguration: { delete: { enabled: boolean; numberOfDaysToRetain: number } }
    data?: Record<string, unknown>
  }
}

const path = '/api/system-configuration'

// Tests in this file share the one configuration row, so each leaves a valid configuration behind.
describe('/api/system-configuration', () => {
  it('retrieves the configuration with its retention settings', async () => {
    const response = await call(path)
    expect(response.status).toBe(200)
    const { systemConfiguration } = await json<ConfigurationBody>(response)
    expect(typeof systemConfiguration.reportTimezone).toBe('string')
    expect(typeof systemConfiguration.loginRecordConfiguration.delete.enabled).toBe('boolean')
    expect(systemConfiguration.loginRecordConfiguration.delete.numberOfDaysToRetain).toBeGreaterThan(0)
  })

  it('PATCH merges, PUT replaces over the defaults', async () => {
    const patched = await json<ConfigurationBody>(
      await call(path, {
        method: 'PATCH',
        body: { systemConfiguration: { reportTimezone: 'Europe/Berlin', loginRecordConfiguration: { delete: { enabled: true, numberOfDaysToRetain: 30 } }, data: { a: 1 } } },
      }),
    )
    expect(patched.systemConfiguration).toMatchObject({
      reportTimezone: 'Europe/Berlin',
      loginRecordConfiguration: { delete: { enabled: true, numberOfDaysToRetain: 30 } },
      data: { a: 1 },
    })
    expect((await json<ConfigurationBody>(await call(path))).systemConfiguration.reportTimezone).toBe('Europe/Berlin')

    const put = await json<ConfigurationBody>(await call(path, { method: 'PUT', body: { systemConfiguration: { reportTimezone: 'UTC' } } }))
    expect(put.systemConfiguration.reportTimezone).toBe('UTC')
    expect(put.systemConfiguration.loginRecordConfiguration.delete).toEqual({ enabled: false, numberOfDaysToRetain: 365 })
    expect(put.systemConfiguration.data).toBeUndefined()
    await call(path, { method: 'PUT', body: { systemConfiguration: { reportTimezone: 'America/Denver' } } })
  })

  it('refuses unknown time zones and bad retention', async () => {
    const zone = await call(path, { method: 'PATCH', body: { systemConfiguration: { reportTimezone: 'Mars/Olympus_Mons' } } })
    expect(await fieldCodes(zone)).toContain('[invalid]systemConfiguration.reportTimezone')
    const blank = await call(path, { method: 'PUT', body: { systemConfiguration: { reportTimezone: '' } } })
    expect(await fieldCodes(blank)).toContain('[blank]systemConfiguration.reportTimezone')
    for (const days of [0, -5, 1.5, '30']) {
      const response = await call(path, {
        method: 'PATCH',
        body: { systemConfiguration: { loginRecordConfiguration: { delete: { enabled: true, numberOfDaysToRetain: days } } } },
      })
      expect(await fieldCodes(response)).toContain('[invalid]systemConfiguration.loginRecordConfiguration.delete.numberOfDaysToRetain')
    }
    // Nothing was saved.
    expect((await json<ConfigurationBody>(await call(path))).systemConfiguration.reportTimezone).toBe('America/Denver')
  })

  it('answers bad bodies with 400 Errors JSON', async () => {
    expect(await generalCodes(await call(path, { method: 'PUT', rawBody: '{"systemConfiguration":' }))).toContain('[invalid]')
    expect(await generalCodes(await call(path, { method: 'PATCH' }))).toContain('[missing]')
    expect(await fieldCodes(await call(path, { method: 'PATCH', body: { systemConfiguration: [] } }))).toContain('[invalid]systemConfiguration')
  })

  it('401s without a key, with a wrong key, and with a tenant-locked key', async () => {
    await expectEmpty(await call(path, { apiKey: null }), 401)
    await expectEmpty(await call(path, { apiKey: 'wrong', method: 'PATCH', body: { systemConfiguration: {} } }), 401)
    const tenant = await createTenant()
    const { key } = await createApiKey({ tenantId: tenant.id })
    await expectEmpty(await call(path, { apiKey: key }), 401)
    await expectEmpty(await call(path, { apiKey: key, method: 'PATCH', body: { systemConfiguration: { reportTimezone: 'UTC' } } }), 401)
  })
})
