import type { Context } from 'hono'
import type { AppEnv } from '../env'
import { requestTenantId } from './auth'
import { codes, type Errors, notFound, tenantIdRequired } from './errors'

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

/**
 * The tenant a new object (`object` names it in field paths: `application`, `group`) belongs to: its `tenantId`,
 * else the request's tenant. A tenant-scoped request may only name its own tenant, and an unknown tenant is
 * `[invalid]<object>.tenantId`. A malformed `tenantId` names a tenant, badly: its field error (with the others) is
 * the answer, not the `[TenantIdRequired]` that resolving the request's tenant would throw on an unscoped key.
 */
export async function newObjectTenantId(c: Context<AppEnv>, object: string, named: string | undefined, errors: Errors): Promise<string> {
  const path = `${object}.tenantId`
  if (errors.has(path)) errors.throwIfAny()
  const scoped = requestTenantId(c)
  const tenantId = named ?? (await resolveTenantId(c))
  if ((scoped !== null && scoped !== tenantId) || (await c.var.data.tenants.get(tenantId)) === null) {
    errors.field(path, codes.invalid(path, `The [${path}] property is not valid. No Tenant exists with Id [${tenantId}].`))
  }
  return tenantId
}
