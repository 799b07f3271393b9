/**
 * `/api/system-configuration`: retrieve, replace (PUT, over the defaults) and merge (PATCH) the one
 * system configuration, in FusionAuth's full shape. A global endpoint, as in FusionAuth (fusionauth-issues #3452):
 * a tenant-locked key, or a global key sending X-FusionAuth-TenantId, gets 401 for every method. Saving drops this
 * isolate's cached copy (system-configuration-store.ts), so its CORS filter answers by the new values at once.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { deepMerge } from '../domain/json-merge'
import { normalizeSystemConfiguration, type SystemConfiguration, systemConfigurationDefaults } from '../domain/system-configuration'
import { validateSystemConfiguration } from '../domain/system-configuration-validation'
import type { AppEnv } from '../env'
import { readJson } from '../http/body'
import { ApiError } from '../http/errors'
import { FieldReader } from '../http/fields'
import { requireGlobalScope } from '../http/scope'
import { withoutServerFields } from './admin-common'

export const systemConfigurationRoutes = new Hono<AppEnv>()

systemConfigurationRoutes.use('/api/system-configuration', requireGlobalScope)

systemConfigurationRoutes.get('/api/system-configuration', async (c) => c.json({ systemConfiguration: await current(c) }))

systemConfigurationRoutes.put('/api/system-configuration', (c) => save(c, 'replace'))
systemConfigurationRoutes.patch('/api/system-configuration', (c) => save(c, 'merge'))

async function save(c: Context<AppEnv>, mode: 'replace' | 'merge'): Promise<Response> {
  const existing = await current(c)
  const body = FieldReader.body(await readJson(c))
  const input = withoutServerFields(body.rawObject('systemConfiguration') ?? {})
  const base: SystemConfiguration =
    mode === 'merge' ? existing : { ...systemConfigurationDefaults(), insertInstant: existing.insertInstant }
  const merged = deepMerge(base, input)
  validateSystemConfiguration(merged, body.errors)
  body.errors.throwIfAny()
  const configuration = { ...normalizeSystemConfiguration(merged), lastUpdateInstant: c.get('nowMillis') }
  await c.var.data.systemConfiguration.update(configuration, c.get('nowMillis'))
  return c.json({ systemConfiguration: configuration })
}

async function current(c: Context<AppEnv>): Promise<SystemConfiguration> {
  const row = await c.var.data.systemConfiguration.get()
  // The bootstrap middleware creates the row before any route runs; its absence is a server fault.
  if (row === null) throw new ApiError(500)
  return row.configuration
}
