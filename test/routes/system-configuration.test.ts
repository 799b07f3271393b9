import { describe, expect, it } from 'vitest'
import { corsConfigurationDefaults, type SystemConfiguration, systemConfigurationDefaults } from '../../src/domain/system-configuration'
import { call, expectEmpty, json } from '../helpers'
import { createApiKey, createTenant, fieldCodes, generalCodes } from './admin-fixtures'

interface ConfigurationBody {
  systemConfiguration: SystemConfiguration
}

const path = '/api/system-configuration'

// Tests in this file share the one configuration row, so each leaves a valid configuration behind.
describe('/api/system-configuration', () => {
  it("retrieves FusionAuth's full shape with FusionAuth's defaults", async () => {
    const response = await call(path)
    expect(response.status).toBe(200)
    const { systemConfiguration } = await json<ConfigurationBody>(response)
    expect(systemConfiguration).toEqual({
      ...systemConfigurationDefaults(),
      insertInstant: expect.any(Number),
      lastUpdateInstant: expect.any(Number),
    })
    expect(systemConfiguration.corsConfiguration).toEqual({
      enabled: false,
      allowCredentials: false,
      allowedHeaders: [
        'Accept',
        'Access-Control-Request-Headers',
        'Access-Control-Request-Method',
        'Authorization',
        'Content-Type',
        'Last-Modified',
        'Origin',
        'X-FusionAuth-TenantId',
        'X-Requested-With',
      ],
      allowedMethods: ['GET', 'OPTIONS'],
      allowedOrigins: [],
      debug: false,
      exposedHeaders: ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials'],
      preflightMaxAgeInSeconds: 1800,
    })
  })

  it("takes back what it answered, as the official client's own test does to allow PATCH", async () => {
    const { systemConfiguration } = await json<ConfigurationBody>(await call(path))
    systemConfiguration.corsConfiguration.allowedMethods.push('PATCH', 'PATCH')
    const put = await call(path, { method: 'PUT', body: { systemConfiguration } })
    expect(put.status).toBe(200)
    const saved = (await json<ConfigurationBody>(await call(path))).systemConfiguration
    expect(saved.corsConfiguration.allowedMethods).toEqual(['GET', 'OPTIONS', 'PATCH'])
    expect(saved.insertInstant).toBe(systemConfiguration.insertInstant)
    await call(path, { method: 'PUT', body: { systemConfiguration: { reportTimezone: 'America/Denver' } } })
  })

  it("accepts the CORS PATCH of FusionAuth's react-sdk example kickstart", async () => {
    const corsConfiguration = {
      allowCredentials: true,
      allowedMethods: ['GET', 'POST', 'OPTIONS'],
      allowedOrigins: ['http://localhost:3000'],
      debug: false,
      enabled: true,
      preflightMaxAgeInSeconds: 0,
    }
    const patched = await call(path, { method: 'PATCH', body: { systemConfiguration: { corsConfiguration } } })
    expect(patched.status).toBe(200)
    expect((await json<ConfigurationBody>(patched)).systemConfiguration.corsConfiguration).toEqual({
      ...corsConfigurationDefaults(),
      ...corsConfiguration,
    })
    await call(path, { method: 'PUT', body: { systemConfiguration: { reportTimezone: 'America/Denver' } } })
  })

  it('PATCH merges, PUT replaces over the defaults', async () => {
    const patched = await json<ConfigurationBody>(
      await call(path, {
        method: 'PATCH',
        body: {
          systemConfiguration: {
            reportTimezone: 'Europe/Berlin',
            loginRecordConfiguration: { delete: { enabled: true, numberOfDaysToRetain: 30 } },
            data: { a: 1 },
          },
        },
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
    expect(put.systemConfiguration.data).toEqual({})
    expect(put.systemConfiguration.corsConfiguration).toEqual(corsConfigurationDefaults())
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

  it('refuses wrong types and values in corsConfiguration with [invalid] and [blank] codes, saving nothing', async () => {
    const cors = 'systemConfiguration.corsConfiguration'
    const cases: [Record<string, unknown>, string][] = [
      [{ enabled: 'yes' }, `[invalid]${cors}.enabled`],
      [{ allowCredentials: 1 }, `[invalid]${cors}.allowCredentials`],
      [{ debug: 'false' }, `[invalid]${cors}.debug`],
      [{ allowedOrigins: 'https://app.example.com' }, `[invalid]${cors}.allowedOrigins`],
      [{ allowedOrigins: [42] }, `[invalid]${cors}.allowedOrigins`],
      [{ allowedOrigins: ['not an origin'] }, `[invalid]${cors}.allowedOrigins`],
      [{ allowedOrigins: ['*', 'https://app.example.com'] }, `[invalid]${cors}.allowedOrigins`],
      [{ allowedMethods: ['FETCH'] }, `[invalid]${cors}.allowedMethods`],
      [{ allowedMethods: 'GET' }, `[invalid]${cors}.allowedMethods`],
      [{ allowedHeaders: ['Content-Type', 'Bad Header\r\nX: 1'] }, `[invalid]${cors}.allowedHeaders`],
      [{ exposedHeaders: [{}] }, `[invalid]${cors}.exposedHeaders`],
      [{ preflightMaxAgeInSeconds: '1800' }, `[invalid]${cors}.preflightMaxAgeInSeconds`],
      [{ preflightMaxAgeInSeconds: 1.5 }, `[invalid]${cors}.preflightMaxAgeInSeconds`],
      [{ preflightMaxAgeInSeconds: 2_147_483_648 }, `[invalid]${cors}.preflightMaxAgeInSeconds`],
      [{ enabled: null }, `[blank]${cors}.enabled`],
    ]
    for (const [corsConfiguration, code] of cases) {
      for (const method of ['PUT', 'PATCH']) {
        const response = await call(path, {
          method,
          body: { systemConfiguration: { reportTimezone: 'America/Denver', corsConfiguration } },
        })
        expect(response.status, `${method} ${JSON.stringify(corsConfiguration)}`).toBe(400)
        expect(await fieldCodes(response)).toContain(code)
      }
    }
    for (const method of ['PUT', 'PATCH']) {
      expect(await fieldCodes(await call(path, { method, body: { systemConfiguration: { corsConfiguration: [] } } }))).toContain(
        `[invalid]${cors}`,
      )
      expect(await fieldCodes(await call(path, { method, body: { systemConfiguration: { corsConfiguration: null } } }))).toContain(
        `[blank]${cors}`,
      )
    }
    expect((await json<ConfigurationBody>(await call(path))).systemConfiguration.corsConfiguration).toEqual(corsConfigurationDefaults())
  })

  it('refuses wrong types in the other parts of the shape', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { auditLogConfiguration: { delete: { enabled: true, numberOfDaysToRetain: 0 } } },
        '[invalid]systemConfiguration.auditLogConfiguration.delete.numberOfDaysToRetain',
      ],
      [{ webhookEventLogConfiguration: { enabled: 'no' } }, '[invalid]systemConfiguration.webhookEventLogConfiguration.enabled'],
      [{ eventLogConfiguration: { numberToRetain: -1 } }, '[invalid]systemConfiguration.eventLogConfiguration.numberToRetain'],
      [{ usageDataConfiguration: { enabled: 'yes' } }, '[invalid]systemConfiguration.usageDataConfiguration.enabled'],
      [{ uiConfiguration: { headerColor: 303030 } }, '[invalid]systemConfiguration.uiConfiguration.headerColor'],
      [{ data: 'x' }, '[invalid]systemConfiguration.data'],
    ]
    for (const [systemConfiguration, code] of cases) {
      expect(await fieldCodes(await call(path, { method: 'PATCH', body: { systemConfiguration } }))).toContain(code)
    }
  })

  it('answers bad bodies with 400 Errors JSON', async () => {
    expect(await generalCodes(await call(path, { method: 'PUT', rawBody: '{"systemConfiguration":' }))).toContain('[invalid]')
    expect(await generalCodes(await call(path, { method: 'PATCH' }))).toContain('[missing]')
    expect(await fieldCodes(await call(path, { method: 'PATCH', body: { systemConfiguration: [] } }))).toContain(
      '[invalid]systemConfiguration',
    )
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
