/**
 * The claims of an access token issued by the Login API, in the order FusionAuth emits them
 * (reference §4.2): aud, exp, iat, iss, sub, jti, authenticationType, email, email_verified,
 * preferred_username, applicationId, roles, auth_time, tid, sid. Times are epoch seconds.
 */
export type AccessTokenClaims = {
  /** The requested application's id, whenever one was given (registered or not). */
  aud?: string
  exp: number
  iat: number
  iss: string
  sub: string
  jti: string
  authenticationType: string
  email?: string
  email_verified: boolean
  preferred_username?: string
  /** Only when the user is registered for the application. */
  applicationId?: string
  /** Only when the user is registered: the registration's role names, sorted and unique. */
  roles?: string[]
  auth_time: number
  tid: string
  /** The refresh token's id, only when one is issued with this access token. */
  sid?: string
}

export interface AccessTokenInput {
  user: { id: string; email?: string; verified: boolean; username?: string }
  tenantId: string
  /** `tenant.issuer`. */
  issuer: string
  applicationId?: string
  /** Whether the user has a registration for `applicationId`. */
  registered: boolean
  roles?: string[]
  /** `PASSWORD`, `ONE_TIME_PASSWORD`, `PING`, `REFRESH_TOKEN`, ... */
  authenticationType: string
  nowSeconds: number
  ttlSeconds: number
  /** When the user last authenticated; defaults to `nowSeconds` (a login is an authentication). */
  authTimeSeconds?: number
  /** The refresh token's id when one is issued; becomes `sid`. */
  sessionId?: string
  /** Defaults to a random UUID. */
  jti?: string
}

export interface AccessToken {
  claims: AccessTokenClaims
  /** `exp` as epoch milliseconds: the response's `tokenExpirationInstant`. */
  tokenExpirationInstant: number
}

/** Builds the claims; absent values are left out rather than written as null. */
export function buildAccessTokenClaims(input: AccessTokenInput): AccessToken {
  const { user, nowSeconds } = input
  const exp = nowSeconds + input.ttlSeconds
  const registered = input.registered && input.applicationId !== undefined
  // Object literal order is JSON order: keep it as FusionAuth emits the claims.
  const claims: AccessTokenClaims = {
    ...(input.applicationId !== undefined && { aud: input.applicationId }),
    exp,
    iat: nowSeconds,
    iss: input.issuer,
    sub: user.id,
    jti: input.jti ?? crypto.randomUUID(),
    authenticationType: input.authenticationType,
    ...(user.email !== undefined && { email: user.email }),
    email_verified: user.verified,
    ...(user.username !== undefined && { preferred_username: user.username }),
    ...(registered && { applicationId: input.applicationId, roles: sortedUnique(input.roles ?? []) }),
    auth_time: input.authTimeSeconds ?? nowSeconds,
    tid: input.tenantId,
    ...(input.sessionId !== undefined && { sid: input.sessionId }),
  }
  return { claims, tokenExpirationInstant: exp * 1000 }
}

/** FusionAuth keeps registration roles in a SortedSet; the default sort's UTF-16 order is Java's String order. */
function sortedUnique(roles: string[]): string[] {
  return [...new Set(roles)].sort()
}
