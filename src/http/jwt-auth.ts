/**
 * JWT authentication for the endpoints FusionAuth lets a user call with their own access token
 * (validate, the JWT ping, GET /api/user, change password, refresh-token revocation): `Authorization:
 * Bearer <jwt>`, else the `access_token` cookie. Every one of them goes through `authenticateJwt`.
 */
import type { Context } from 'hono'
import type { Application } from '../domain/application'
import type { Tenant } from '../domain/tenant'
import { accessTokenLookups } from '../domain/tokens/access-token-lookups'
import { type AccessTokenLookups, type VerifiedClaims, verifyAccessToken } from '../domain/tokens/access-token-verification'
import type { AppEnv } from '../env'
import { BEARER, authenticateApiKey, tenantHeader } from './auth'
import { ACCESS_TOKEN_COOKIE, readCookie } from './cookies'

/** A verified access token with the tenant (and application) it was checked against, read for this request. */
export interface AuthenticatedJwt {
  claims: VerifiedClaims
  tenant: Tenant
  application: Application | null
}

/** The encoded JWT a request presents: the Bearer header wins over the cookie; null when there is none. */
export function presentedJwt(c: Context<AppEnv>): string | null {
  const match = BEARER.exec(c.req.header('authorization') ?? '')
  if (match?.[1] !== undefined) return match[1]
  const cookie = readCookie(c, ACCESS_TOKEN_COOKIE)
  return cookie === undefined || cookie === '' ? null : cookie
}

/**
 * The tenant the request speaks for: the tenant header, else the lock of the API key it carries. A route
 * that authenticated a key has set it; otherwise a non-Bearer Authorization beside an access_token cookie
 * is resolved here, so a tenant-locked key's context binds the cookie's token as a header would.
 */
async function requestTenant(c: Context<AppEnv>): Promise<string | null> {
  const header = tenantHeader(c)
  if (header !== null) return header
  const known = c.get('apiKey')
  if (known !== undefined && known !== null) return known.tenantId
  const authorization = c.req.header('authorization')
  if (authorization === undefined || authorization === '' || BEARER.test(authorization)) return null
  return (await authenticateApiKey(c))?.tenantId ?? null
}

const lookups = (c: Context<AppEnv>): AccessTokenLookups => accessTokenLookups(c.var.data)

/**
 * The request's verified access token, or null when there is none or it is refused: a bad signature,
 * `alg` or `kid`, an expired token, a `tid` that is not the request's tenant or names no tenant, an `iss`
 * that is not that tenant's current issuer, or a key other than the one the tenant (or the token's
 * application) signs with. Callers answer null with 401, as FusionAuth answers an invalid JWT.
 */
export async function authenticateJwt(c: Context<AppEnv>): Promise<AuthenticatedJwt | null> {
  const token = presentedJwt(c)
  if (token === null) return null
  const result = await verifyAccessToken(
    { token, requestTenantId: await requestTenant(c), nowSeconds: Math.floor(c.get('nowMillis') / 1000) },
    lookups(c),
  )
  return result.ok ? { claims: result.claims, tenant: result.tenant, application: result.application } : null
}
