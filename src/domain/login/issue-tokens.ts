import { effectiveJwtConfiguration } from '../application'
import { newRefreshToken } from '../tokens/refresh-token'
import type { DataContext, PendingWrite } from '../../store/data-context'
import type { LoginReadState, WriteCondition } from '../../store/login-store'
import { allOf } from '../../store/write-conditions'
import type { RefreshTokenRecord } from '../../store/refresh-token-store'
import type { IssuedTokens } from './outcome'
import { type AccessTokenRequest, signAccessToken } from './sign-access-token'

/** Who the tokens are for, as signAccessToken takes it, plus what the refresh token needs. */
export interface TokenRequest
  extends Pick<AccessTokenRequest, 'tenant' | 'application' | 'user' | 'registration' | 'authenticationType' | 'nowMillis'> {
  /** Device metadata stored on the refresh token (FusionAuth's metaData.device). */
  device?: Record<string, string>
  /** The user's state as the login read it: the refresh token is written only if it still holds at the primary. */
  readState?: LoginReadState
  /** Keep this expiry instead of a fresh TTL (one-time-password logins keep the original JWT's). */
  expirationInstantMillis?: number
  /** Whether a refresh token may be issued at all (an OTP login only when its issuer allowed it). */
  allowRefreshToken?: boolean
  /** A further condition on the refresh token's insert: a caller batching it after writes it depends on. */
  onlyIf?: WriteCondition
}

export interface TokenIssue {
  tokens: IssuedTokens
  /** Statements to run in the login's write batch (the refresh token insert). */
  writes: PendingWrite[]
  /** True when writes[0] is guarded by the read state: it inserts nothing (changes = 0) if the user changed. */
  guarded: boolean
}

/** Tokens minted but not yet signed: the refresh token's insert is ready for a batch, the JWT is signed on demand. */
export interface PreparedTokens {
  /** Statements to run in the login's write batch (the refresh token insert). */
  writes: PendingWrite[]
  /** True when writes[0] is guarded by the read state: it inserts nothing (changes = 0) if the user changed. */
  guarded: boolean
  /** Signs the access token (once; later calls share the first): may run beside the commit of `writes`. */
  sign(): Promise<IssuedTokens>
}

/**
 * Signs the access token and, when the application generates refresh tokens and the user is registered,
 * mints a refresh token whose id is the JWT's `sid`. Nothing is written here: the caller batches `writes`
 * with the login record so a login costs one write round trip.
 */
export async function issueTokens(data: DataContext, request: TokenRequest): Promise<TokenIssue> {
  const prepared = await prepareTokens(data, request)
  return { tokens: await prepared.sign(), writes: prepared.writes, guarded: prepared.guarded }
}

/**
 * issueTokens in two steps: the refresh token and its insert now, the signature when asked. A caller whose batch
 * decides whether the login happens at all (two-factor completion) signs only once it has.
 */
export async function prepareTokens(data: DataContext, request: TokenRequest): Promise<PreparedTokens> {
  const { tenant, application, user, registration, nowMillis } = request
  const jwt = effectiveJwtConfiguration(tenant, application)

  const wantsRefresh =
    (request.allowRefreshToken ?? true) &&
    application !== null &&
    application.loginConfiguration.generateRefreshTokens &&
    registration !== null
  const refreshToken = wantsRefresh ? newRefreshToken() : null
  const refreshTokenId = refreshToken === null ? undefined : crypto.randomUUID()
  const nowSeconds = Math.floor(nowMillis / 1000)
  const ttlSeconds =
    request.expirationInstantMillis === undefined
      ? jwt.timeToLiveInSeconds
      : Math.max(0, Math.floor(request.expirationInstantMillis / 1000) - nowSeconds)

  const writes: PendingWrite[] = []
  let guarded = false
  const refresh: Pick<IssuedTokens, 'refreshToken' | 'refreshTokenId' | 'refreshTokenTtlSeconds'> = {}
  if (refreshToken !== null && refreshTokenId !== undefined && application !== null) {
    const ttlMinutes = jwt.refreshTokenTimeToLiveInMinutes
    const record: RefreshTokenRecord = {
      id: refreshTokenId,
      tenantId: tenant.id,
      userId: user.id,
      applicationId: application.id,
      startInstant: nowMillis,
      insertInstant: nowMillis,
      expirationInstant: nowMillis + ttlMinutes * 60_000,
      metaData: { device: request.device ?? {}, data: { auth_time: nowSeconds, source: 'api' } },
    }
    const guard = request.readState === undefined ? undefined : data.logins.unchangedSince(request.readState, nowMillis)
    const onlyIf = guard === undefined && request.onlyIf === undefined ? undefined : allOf(guard, request.onlyIf)
    writes.push(await data.refreshTokens.insertStatement(refreshToken, record, onlyIf))
    guarded = guard !== undefined
    refresh.refreshToken = refreshToken
    refresh.refreshTokenId = refreshTokenId
    refresh.refreshTokenTtlSeconds = ttlMinutes * 60
  }

  let signing: Promise<IssuedTokens> | undefined
  const sign = (): Promise<IssuedTokens> => {
    signing ??= signAccessToken(data, jwt.accessTokenKeyId, {
      tenant,
      application,
      user,
      registration,
      authenticationType: request.authenticationType,
      nowMillis,
      ttlSeconds,
      authTimeSeconds: nowSeconds,
      sessionId: refreshTokenId,
    }).then(({ token, tokenExpirationInstant }) => ({ token, tokenExpirationInstant, ...refresh }))
    return signing
  }
  return { writes, guarded, sign }
}
