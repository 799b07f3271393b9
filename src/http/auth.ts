import type { Context, MiddlewareHandler } from 'hono'
import { sha256Base64Url, timingSafeEqualStrings } from '../domain/crypto/secrets'
import type { ApiKeyPrincipal, AppEnv } from '../env'
import { isUuid } from './fields'
import { unauthorized } from './errors'
import type { StoredApiKey } from '../store/api-key-store'

/** `Authorization: Bearer <jwt>`; the JWT is the first group. */
export const BEARER = /^Bearer\s+(\S+)\s*$/i

/** The tenant header, when it parses as a UUID; FusionAuth treats an unparseable one as absent. */
export function tenantHeader(c: Context<AppEnv>): string | null {
  const value = c.req.header('x-fusionauth-tenantid')?.trim()
  return value !== undefined && isUuid(value) ? value.toLowerCase() : null
}

/** True when the key's endpoint permissions (empty = all) allow this method on this path. */
function permits(apiKey: StoredApiKey, method: string, path: string): boolean {
  const endpoints = apiKey.permissions.endpoints
  const entries = Object.entries(endpoints)
  if (entries.length === 0) return true
  return entries.some(([prefix, methods]) => (path === prefix || path.startsWith(`${prefix}/`)) && methods.includes(method))
}

/**
 * Resolves the raw `Authorization` header (FusionAuth sends the key with no scheme) to an API key.
 * The bootstrap superuser key is compared in constant time; other keys are found by their SHA-256.
 * Returns null for no key, an unknown key, or one whose permissions or tenant lock refuse this request.
 */
export async function authenticateApiKey(c: Context<AppEnv>): Promise<ApiKeyPrincipal | null> {
  const presented = c.req.header('authorization')
  // A Bearer header carries a JWT, never a key (FusionAuth sends keys with no scheme): no lookup for it.
  if (presented === undefined || presented === '' || BEARER.test(presented)) return null
  const header = tenantHeader(c)
  const bootstrap = c.env.BOOTSTRAP_API_KEY
  if (bootstrap !== undefined && bootstrap !== '' && timingSafeEqualStrings(presented, bootstrap)) {
    return { id: 'bootstrap', tenantId: null, superuser: true }
  }
  const stored = await c.var.data.apiKeys.findByKeyHash(await sha256Base64Url(presented))
  if (stored === null || !permits(stored, c.req.method, c.req.path)) return null
  const tenantId = stored.tenantId ?? null
  // A tenant-locked key may not speak for another tenant.
  if (tenantId !== null && header !== null && header !== tenantId) return null
  return { id: stored.id, tenantId, superuser: false }
}

/**
 * Requires an API key. `global` endpoints (login-record search and export) refuse any tenant context:
 * a tenant-locked key or a tenant header is 401, as FusionAuth's `api-no-tenant` scheme does.
 */
export function requireApiKey(scope: 'tenant' | 'global' = 'tenant'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await authenticateApiKey(c)
    if (principal === null) throw unauthorized()
    if (scope === 'global' && (principal.tenantId !== null || tenantHeader(c) !== null)) throw unauthorized()
    c.set('apiKey', principal)
    await next()
  }
}

/** The tenant a request speaks for: the header, else the key's lock, else none. */
export function requestTenantId(c: Context<AppEnv>): string | null {
  return tenantHeader(c) ?? c.get('apiKey')?.tenantId ?? null
}
