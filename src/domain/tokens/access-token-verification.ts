/**
 * The one check every JWT a user presents goes through (validate, the JWT ping, GET /api/user, change
 * password, refresh-token revocation). A signature alone says only that some tenant's key signed the
 * token; this binds the token to the tenant it names and to that tenant's current configuration.
 */
import { decodeJwt } from 'jose'
import { isUuid } from '../../http/fields'
import { type Application, effectiveJwtConfiguration } from '../application'
import type { Tenant } from '../tenant'
import { type JwtClaims, type VerifyFailureReason, verifyJwt } from './jwt'
import type { SigningKeyMaterial } from './signing-key'

export type AccessTokenFailureReason =
  | VerifyFailureReason
  /** `tid` missing or not a UUID, `sub` missing, `exp` missing, or `aud` and `applicationId` disagreeing. */
  | 'claims'
  /** The request names a tenant (header or locked key) other than the token's `tid`. */
  | 'other-tenant'
  /** No tenant with the token's `tid`, or its application is gone or belongs to another tenant. */
  | 'unknown-tenant'
  /** `iss` is not the tenant's current issuer (it changed since the token was issued). */
  | 'issuer'

/** Verified claims: what every access token this service issues carries is known to be present. */
export type VerifiedClaims = JwtClaims & { sub: string; exp: number; tid: string }

export type AccessTokenVerification =
  | { ok: true; claims: VerifiedClaims; tenant: Tenant; application: Application | null }
  | { ok: false; reason: AccessTokenFailureReason }

/** What the check reads; the caller supplies it from the stores. */
export interface AccessTokenLookups {
  /**
   * The tenant with this id, read fresh (its issuer and keys must be current), and the application when
   * one is named; null when the tenant is absent or the application is absent or in another tenant.
   */
  issuer(tenantId: string, applicationId: string | null): Promise<{ tenant: Tenant; application: Application | null } | null>
  /** A signing key by its id (not its kid). */
  signingKey(id: string): Promise<SigningKeyMaterial | null>
}

export interface AccessTokenRequest {
  token: string
  /** The tenant the request speaks for (tenant header, else a locked API key), or null when it names none. */
  requestTenantId: string | null
  nowSeconds: number
}

/** The application a token was issued for: `aud` (always written with one), else `applicationId`. */
function applicationOf(claims: JwtClaims): { ok: true; id: string | null } | { ok: false } {
  const aud = claims.aud
  const named = claims.applicationId
  if (aud !== undefined && typeof aud !== 'string') return { ok: false }
  if (named !== undefined && typeof named !== 'string') return { ok: false }
  if (aud !== undefined && named !== undefined && aud !== named) return { ok: false }
  const id = aud ?? named ?? null
  if (id !== null && !isUuid(id)) return { ok: false }
  return { ok: true, id: id?.toLowerCase() ?? null }
}

/**
 * Verifies an access token for a request. In order: the unverified `tid` must be a UUID and equal the
 * request's tenant when the request names one (so a token of another tenant costs no lookup); the tenant
 * (and the token's application) must exist; the only key tried is the one that tenant, or the application
 * through its own jwtConfiguration, signs access tokens with now, and only with that key's algorithm; then
 * `iss` must be the tenant's current issuer, and `exp` and `sub` present. Never throws for bad input.
 */
export async function verifyAccessToken(request: AccessTokenRequest, lookups: AccessTokenLookups): Promise<AccessTokenVerification> {
  let unverified: JwtClaims
  try {
    unverified = decodeJwt(request.token)
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  const tid = unverified.tid
  if (!isUuid(tid)) return { ok: false, reason: 'claims' }
  const tenantId = tid.toLowerCase()
  if (request.requestTenantId !== null && request.requestTenantId !== tenantId) return { ok: false, reason: 'other-tenant' }
  const named = applicationOf(unverified)
  if (!named.ok) return { ok: false, reason: 'claims' }

  const issuer = await lookups.issuer(tenantId, named.id)
  if (issuer === null) return { ok: false, reason: 'unknown-tenant' }
  const { tenant, application } = issuer
  const keyId = effectiveJwtConfiguration(tenant, application).accessTokenKeyId
  const key = keyId === undefined ? null : await lookups.signingKey(keyId)
  if (key === null) return { ok: false, reason: 'unknown-key' }

  // Another key's kid is refused before any signature check, as an unknown kid is.
  const result = await verifyJwt(request.token, async (kid) => (kid === key.kid ? key : null), request.nowSeconds)
  if (!result.ok) return { ok: false, reason: result.reason }
  const { claims } = result
  const { exp, sub } = claims
  // Every token this service issues carries exp; one without it never expires and is not ours.
  if (typeof exp !== 'number' || typeof sub !== 'string') return { ok: false, reason: 'claims' }
  if (claims.iss !== tenant.issuer) return { ok: false, reason: 'issuer' }
  return { ok: true, claims: { ...claims, exp, sub, tid }, tenant, application }
}
