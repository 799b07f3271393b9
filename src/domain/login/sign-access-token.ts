import type { Application } from '../application'
import type { Tenant } from '../tenant'
import type { Registration, User } from '../user'
import { buildAccessTokenClaims } from '../tokens/access-token'
import { signJwt } from '../tokens/jwt'
import type { DataContext } from '../../store/data-context'
import type { AuthenticationType } from './outcome'

export interface AccessTokenRequest {
  tenant: Tenant
  application: Application | null
  user: User
  /** The user's registration for the application; null when not registered (no applicationId or roles claims). */
  registration: Registration | null
  authenticationType: AuthenticationType
  nowMillis: number
  ttlSeconds: number
  authTimeSeconds: number
  /** The refresh token's id, as the `sid` claim. */
  sessionId?: string
}

/**
 * Signs an access token with the key the tenant (or the application's own JWT configuration) names.
 * The one place a login, a one-time-password login and a refresh exchange turn claims into a JWT.
 */
export async function signAccessToken(
  data: DataContext,
  keyId: string | undefined,
  request: AccessTokenRequest,
): Promise<{ token: string; tokenExpirationInstant: number }> {
  const { tenant, application, user, registration, nowMillis } = request
  const key = keyId === undefined ? null : await data.signingKey(keyId)
  if (key === null) throw new Error(`signing key [${keyId ?? 'none'}] of tenant [${tenant.id}] is missing`)
  const nowSeconds = Math.floor(nowMillis / 1000)
  const { claims, tokenExpirationInstant } = buildAccessTokenClaims({
    user: { id: user.id, email: user.email, verified: user.verified, username: user.username },
    tenantId: tenant.id,
    issuer: tenant.issuer,
    applicationId: application?.id,
    registered: registration !== null,
    roles: registration?.roles,
    authenticationType: request.authenticationType,
    nowSeconds,
    ttlSeconds: request.ttlSeconds,
    authTimeSeconds: request.authTimeSeconds,
    sessionId: request.sessionId,
  })
  return { token: await signJwt(claims, key, { nowSeconds }), tokenExpirationInstant }
}
