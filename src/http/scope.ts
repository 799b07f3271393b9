/**
 * The tenant scope of a request, and FusionAuth's rules for it in one place. A request is tenant-scoped when
 * its API key is locked to a tenant or it sends X-FusionAuth-TenantId (see requestTenantId). FusionAuth
 * answers a scoped request that reaches past its tenant in one of three ways, each with a helper here:
 *
 * - a "global" endpoint (objects every tenant shares: user actions, signing keys, the system configuration,
 *   login records; `apiKeyType: "global"` in FusionAuth's api-endpoints.json, fusionauth-issues #3452):
 *   401 with no body, whatever the method (`requireGlobalScope`);
 * - a tenant-API operation spanning every tenant (create or list tenants): 400 `[restricted]` (`refuseTenantScope`);
 * - an id in the request naming another tenant's object: the object is treated as absent, a 404 for the path's
 *   object and a 400 `[invalid]<field>` for a body's reference (`inRequestScope`, decided by the caller).
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { requestTenantId, requireApiKey } from './auth'
import { generalError } from './errors'

/** Middleware for global endpoints: an API key with no tenant lock and no tenant header, else 401. */
export const requireGlobalScope: MiddlewareHandler<AppEnv> = requireApiKey('global')

/**
 * True when this request may name an object of `objectTenantId` (null: a global object such as a global
 * API key). An unscoped request may name any; a scoped one only objects of its own tenant.
 */
export function inRequestScope(c: Context<AppEnv>, objectTenantId: string | null): boolean {
  const scoped = requestTenantId(c)
  return scoped === null || scoped === objectTenantId
}

/**
 * FusionAuth's answer to a tenant-scoped request that creates or lists tenants: 400 `[restricted]`
 * (fusionauth-issues #1586 shows the body).
 */
export function refuseTenantScope(c: Context<AppEnv>): void {
  if (requestTenantId(c) === null) return
  throw generalError(
    '[restricted]',
    'Your request is not allowed. You cannot create a tenant, or retrieve all tenants using a tenant restricted request. Omit the X-FusionAuth-TenantId HTTP request header if provided, or repeat the request with an API key that is not assigned to a particular tenant.',
  )
}
