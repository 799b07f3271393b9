/**
 * What an API key may do to other API keys (FusionAuth: "an API key can only be created with equal or
 * lesser authority"; a tenant-locked key manages only keys of its tenant). The subset implemented:
 * endpoint permissions compare by path prefix and method, the same way the auth middleware applies them.
 */
import { type FieldReader, isObject } from '../http/fields'

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** Path prefix -> allowed methods; an empty map means every endpoint (a "super" key). */
export type EndpointPermissions = Record<string, string[]>

/** The authority of the key making a request. */
export interface KeyAuthority {
  superuser: boolean
  keyManager: boolean
  tenantId: string | null
  endpoints: EndpointPermissions
}

/** True when `endpoints` (empty = all) allow `method` on `path`; the rule of http/auth.ts. */
export function allows(endpoints: EndpointPermissions, method: string, path: string): boolean {
  const entries = Object.entries(endpoints)
  if (entries.length === 0) return true
  return entries.some(([prefix, methods]) => (path === prefix || path.startsWith(`${prefix}/`)) && methods.includes(method))
}

/** True when everything `requested` grants is granted by `holder` too. */
export function covers(holder: EndpointPermissions, requested: EndpointPermissions): boolean {
  if (Object.keys(holder).length === 0) return true
  const entries = Object.entries(requested)
  // An empty request is a super key, which only a super key can grant.
  if (entries.length === 0) return false
  return entries.every(([path, methods]) => methods.every((method) => allows(holder, method, path)))
}

/** True when `caller` may see, change or delete a key with this tenant and these permissions. */
export function mayManage(
  caller: KeyAuthority,
  target: { tenantId?: string | null; endpoints: EndpointPermissions; keyManager?: boolean },
): boolean {
  if (caller.superuser) return true
  if (!caller.keyManager) return false
  if (caller.tenantId !== null && (target.tenantId ?? null) !== caller.tenantId) return false
  return covers(caller.endpoints, target.endpoints)
}

/**
 * Reads `permissions.endpoints` under `reader` (prefix `apiKey`): paths must start with `/`, methods are
 * upper-cased and must be HTTP methods. Absent permissions mean a super key, as in FusionAuth.
 */
export function readPermissions(reader: FieldReader): EndpointPermissions {
  const permissions = reader.object('permissions')
  const raw = permissions.rawObject('endpoints')
  const path = permissions.path('endpoints')
  const endpoints: EndpointPermissions = {}
  if (raw === undefined) return endpoints
  for (const [endpoint, methods] of Object.entries(raw)) {
    const list =
      Array.isArray(methods) && methods.every((m): m is string => typeof m === 'string') ? methods.map((m) => m.toUpperCase()) : null
    const methodsOk = list?.every((m) => (HTTP_METHODS as readonly string[]).includes(m))
    if (!endpoint.startsWith('/') || !methodsOk) {
      reader.errors.field(
        path,
        `[invalid]${path}`,
        `Invalid [${path}] property: [${endpoint}] needs a path starting with / and a list of HTTP methods.`,
      )
      continue
    }
    endpoints[endpoint] = [...new Set(list)]
  }
  return endpoints
}

/** `metaData.attributes` must map strings to strings (FusionAuth's APIKeyMetaData). */
export function readMetaData(reader: FieldReader): { attributes: Record<string, string> } | undefined {
  const raw = reader.rawObject('metaData')
  if (raw === undefined) return undefined
  const attributes = raw.attributes
  if (attributes === undefined || attributes === null) return { attributes: {} }
  const path = reader.path('metaData.attributes')
  if (!isObject(attributes) || !Object.values(attributes).every((v) => typeof v === 'string')) {
    reader.errors.field(path, `[invalid]${path}`, `Invalid [${path}] property. Expected an object of strings.`)
    return undefined
  }
  const copy: Record<string, string> = {}
  for (const [name, value] of Object.entries(attributes)) if (typeof value === 'string') copy[name] = value
  return { attributes: copy }
}
