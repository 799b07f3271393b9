import type { Context } from 'hono'
import type { AppEnv } from '../env'
import { requestTenantId } from './auth'
import { notFound, tenantIdRequired } from './errors'

/**
 * The tenant a tenant-scoped operation acts in: the tenant header, else the API key's lock,
 * else the only tenant there is; with several tenants and none named, FusionAuth's 400 [TenantIdRequired].
 */
export async function resolveTenantId(c: Context<AppEnv>): Promise<string> {
  const named = requestTenantId(c)
  if (named !== null) return named
  const sole = await c.var.data.tenants.soleTenantId()
  if (sole === null) throw tenantIdRequired()
  return sole
}

/**
 * Hides objects of other tenants: a request scoped to one tenant (header or locked key) sees another
 * tenant's object as absent (404), as FusionAuth does.
 */
export function assertSameTenant(c: Context<AppEnv>, objectTenantId: string): void {
  const scoped = requestTenantId(c)
  if (scoped !== null && scoped !== objectTenantId) throw notFound()
}
