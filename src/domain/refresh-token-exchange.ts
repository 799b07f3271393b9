/**
 * POST /api/jwt/refresh: a refresh token buys a new access token (authenticationType REFRESH_TOKEN,
 * same `sid`), and the exchange is recorded as a login.
 */
import { type Application, effectiveJwtConfiguration } from './application'
import type { Tenant } from './tenant'
import { newRefreshToken } from './tokens/refresh-token'
import { type LoginEnvironment, recordUserLogin } from './login/complete-login'
import { refuseBeforePassword } from './login/login-checks'
import { signAccessToken } from './login/sign-access-token'
import { isObject } from '../http/fields'
import type { RefreshTokenRecord } from '../store/refresh-token-store'
import { jwtRefreshEvent, type LoginRequestSource, loginEventSource } from './events/login-events'

export interface RefreshExchangeInput {
  refreshToken: string
  /** The tenant the request is scoped to (header or locked key), if any: another tenant's token is invalid. */
  scopedTenantId: string | null
  /** A shorter access-token lifetime the caller asked for (FusionAuth's timeToLiveInSeconds). */
  timeToLiveInSeconds?: number
  ipAddress: string | null
  userAgent?: string
  /** The access token the request presented (`token`), sent as the event's `original`. */
  original?: string
}

export type RefreshExchangeOutcome =
  /** 400 [invalid]refreshToken: unknown, expired, revoked, refresh not allowed, or the user may not log in. */
  | { kind: 'invalid' }
  /** 400 [invalid]timeToLiveInSeconds: longer than the configured lifetime. */
  | { kind: 'ttlTooLong' }
  /** 404: the token's user no longer exists. */
  | { kind: 'userMissing' }
  | {
      kind: 'exchanged'
      token: string
      tokenExpirationInstant: number
      refreshToken: string
      refreshTokenId: string
      /** refresh_token cookie Max-Age. */
      refreshTokenTtlSeconds: number
    }

interface RefreshPolicies {
  usage: string
  expiration: string
}

/** Usage and expiration policies: the application's when it enables its own JWT settings, else the tenant's. */
function policies(tenant: Tenant, application: Application | null): RefreshPolicies {
  const own = application?.jwtConfiguration
  const usage =
    own?.enabled === true && typeof own.refreshTokenUsagePolicy === 'string'
      ? own.refreshTokenUsagePolicy
      : tenant.jwtConfiguration.refreshTokenUsagePolicy
  const expiration =
    own?.enabled === true && typeof own.refreshTokenExpirationPolicy === 'string'
      ? own.refreshTokenExpirationPolicy
      : tenant.jwtConfiguration.refreshTokenExpirationPolicy
  return { usage, expiration }
}

/** auth_time of the login that minted the token, kept in its metaData; the start instant otherwise. */
function authTimeSeconds(record: RefreshTokenRecord): number {
  const data = record.metaData.data
  const value = isObject(data) ? data.auth_time : undefined
  return typeof value === 'number' ? value : Math.floor(record.startInstant / 1000)
}

/** A concurrent exchange rotated the token first. */
class LostExchange extends Error {}

export async function exchangeRefreshToken(env: LoginEnvironment, input: RefreshExchangeInput): Promise<RefreshExchangeOutcome> {
  const { nowMillis } = env
  const tokens = env.refreshTokens
  const record = await tokens.findByToken(input.refreshToken)
  if (record === null || record.expirationInstant <= nowMillis) return { kind: 'invalid' }
  if (input.scopedTenantId !== null && record.tenantId !== input.scopedTenantId) return { kind: 'invalid' }

  const [tenant, application] = await Promise.all([
    env.tenants.get(record.tenantId),
    record.applicationId === undefined ? Promise.resolve(null) : env.applications.get(record.applicationId),
  ])
  if (tenant === null || (record.applicationId !== undefined && application === null)) return { kind: 'invalid' }
  if (application !== null && !application.loginConfiguration.allowTokenRefresh) return { kind: 'invalid' }

  const subject = await env.logins.findById(record.userId, nowMillis)
  if (subject === null) return { kind: 'userMissing' }
  // A deactivated, locked or expired user keeps no session.
  if (refuseBeforePassword(subject, application?.id ?? null, nowMillis) !== null) return { kind: 'invalid' }

  const jwt = effectiveJwtConfiguration(tenant, application)
  if (input.timeToLiveInSeconds !== undefined && input.timeToLiveInSeconds > jwt.timeToLiveInSeconds) return { kind: 'ttlTooLong' }

  const user = subject.user
  const registration = application === null ? undefined : (user.registrations ?? []).find((r) => r.applicationId === application.id)
  const { token, tokenExpirationInstant } = await signAccessToken(env, jwt.accessTokenKeyId, {
    tenant,
    application,
    user,
    registration: registration ?? null,
    authenticationType: 'REFRESH_TOKEN',
    nowMillis,
    ttlSeconds: input.timeToLiveInSeconds ?? jwt.timeToLiveInSeconds,
    authTimeSeconds: authTimeSeconds(record),
    sessionId: record.id,
  })

  const { usage, expiration } = policies(tenant, application)
  const updated: RefreshTokenRecord = { ...record }
  if (expiration === 'SlidingWindow') updated.expirationInstant = nowMillis + jwt.refreshTokenTimeToLiveInMinutes * 60_000
  const rotates = usage === 'OneTimeUse'
  const refreshToken = rotates ? newRefreshToken() : input.refreshToken
  const request: LoginRequestSource = { ipAddress: input.ipAddress, userAgent: input.userAgent }
  const refreshed = jwtRefreshEvent({
    tenantId: tenant.id,
    applicationId: application?.id ?? null,
    userId: user.id,
    token,
    refreshToken,
    original: input.original,
    source: loginEventSource(request, nowMillis),
  })
  // Transactional webhooks before any write; then at most one primary round trip (the token's rotation or its
  // sliding expiry), and the login record queued.
  const exchanged = await env.events
    .around(tenant, [refreshed], async () => {
      if (rotates) {
        // The swap is conditional on the old value, so a token exchanged twice concurrently yields one new token.
        // The loser throws, so its event is not queued either.
        if (!(await tokens.replaceToken(input.refreshToken, refreshToken, updated))) throw new LostExchange()
      } else if (updated.expirationInstant !== record.expirationInstant) {
        await env.commit([tokens.updateStatement(updated)])
      }
      await recordUserLogin(env, user, {
        tenantId: tenant.id,
        applicationId: application?.id ?? null,
        ipAddress: input.ipAddress,
        authenticationType: 'REFRESH_TOKEN',
        instant: nowMillis,
      })
      return true
    })
    .catch((error: unknown) => {
      if (error instanceof LostExchange) return false
      throw error
    })
  if (!exchanged) return { kind: 'invalid' }
  return {
    kind: 'exchanged',
    token,
    tokenExpirationInstant,
    refreshToken,
    refreshTokenId: record.id,
    // FusionAuth gives the cookie the configured lifetime, not what remains of a Fixed token's.
    refreshTokenTtlSeconds: jwt.refreshTokenTimeToLiveInMinutes * 60,
  }
}
