/**
 * The login family's events, in FusionAuth's shapes (the Webhooks/Events docs and their example JSON):
 *
 * - `user.login.success` (UserLoginSuccessEvent): `applicationId`, `authenticationType`, `connectorId`, `ipAddress`
 *   (deprecated by FusionAuth for `info.ipAddress`, still sent), `info`, `user`.
 * - `user.login.failed` (UserLoginFailedEvent): the same without `connectorId`, plus `reason: {code: 'credentials'}`
 *   (the only reason this product has: it runs no login validation lambda).
 * - `jwt.refresh` (JWTRefreshEvent): `applicationId`, `original` (the JWT presented, when one was), `refreshToken`,
 *   `token` (the new JWT), `userId`.
 * - `jwt.refresh-token.revoke` (JWTRefreshTokenRevokeEvent): `applicationId`, `applicationTimeToLiveInSeconds`,
 *   `refreshToken` (one token revoked), `user` / `userId` (a user's tokens).
 *
 * `applicationId` is left out when the user is not registered for the application, as FusionAuth's docs say.
 */
import type { RefreshTokenRecord } from '../../store/refresh-token-store'
import type { Application } from '../application'
import type { AuthenticationType } from '../login/outcome'
import type { User } from '../user'
import type { EventInfo, FusionAuthEvent } from './event'
import { type EventSource, sourcedEvent } from './event-source'

/** FusionAuth's own connector (`BaseConnectorConfiguration.FUSIONAUTH_CONNECTOR_ID`): every user here lives in it. */
export const FUSIONAUTH_CONNECTOR_ID = 'e3306678-a53a-4964-9040-1c96f36dda72'

/** Where a login request came from: its IP, its `metaData.device`, its User-Agent. */
export interface LoginRequestSource {
  ipAddress: string | null
  device?: Record<string, string>
  userAgent?: string
}

/** FusionAuth's EventInfo for a login request (`deviceName` etc. from `metaData.device`). */
export function loginEventInfo(request: LoginRequestSource): EventInfo {
  const info: EventInfo = {}
  const device = request.device
  if (device?.description !== undefined) info.deviceDescription = device.description
  if (device?.name !== undefined) info.deviceName = device.name
  if (device?.type !== undefined) info.deviceType = device.type
  if (request.ipAddress !== null) info.ipAddress = request.ipAddress
  if (request.userAgent !== undefined) info.userAgent = request.userAgent
  return info
}

export const loginEventSource = (request: LoginRequestSource, createInstant: number): EventSource => ({
  createInstant,
  info: loginEventInfo(request),
})

/** The application the event names: only one the user is registered for. */
function registeredApplicationId(user: User, application: Pick<Application, 'id'> | null): { applicationId?: string } {
  if (application === null) return {}
  return (user.registrations ?? []).some((registration) => registration.applicationId === application.id)
    ? { applicationId: application.id }
    : {}
}

export interface LoginEventInput {
  user: User
  application: Pick<Application, 'id'> | null
  authenticationType: AuthenticationType
  request: LoginRequestSource
  createInstant: number
}

function loginFields(input: LoginEventInput): Record<string, unknown> {
  return {
    ...registeredApplicationId(input.user, input.application),
    authenticationType: input.authenticationType,
    ...(input.request.ipAddress === null ? {} : { ipAddress: input.request.ipAddress }),
  }
}

export const loginSuccessEvent = (input: LoginEventInput): FusionAuthEvent =>
  sourcedEvent('user.login.success', loginEventSource(input.request, input.createInstant), input.user.tenantId, {
    ...loginFields(input),
    connectorId: FUSIONAUTH_CONNECTOR_ID,
    user: input.user,
  })

export const loginFailedEvent = (input: LoginEventInput): FusionAuthEvent =>
  sourcedEvent('user.login.failed', loginEventSource(input.request, input.createInstant), input.user.tenantId, {
    ...loginFields(input),
    reason: { code: 'credentials' },
    user: input.user,
  })

export interface RefreshEventInput {
  tenantId: string
  applicationId: string | null
  userId: string
  /** The new access token. */
  token: string
  /** The refresh token after the exchange (a new one under OneTimeUse). */
  refreshToken: string
  /** The access token the request presented, when it did. */
  original?: string
  source: EventSource
}

export const jwtRefreshEvent = (input: RefreshEventInput): FusionAuthEvent =>
  sourcedEvent('jwt.refresh', input.source, input.tenantId, {
    ...(input.applicationId === null ? {} : { applicationId: input.applicationId }),
    ...(input.original === undefined ? {} : { original: input.original }),
    refreshToken: input.refreshToken,
    token: input.token,
    userId: input.userId,
  })

/** What a revocation removed, for `jwt.refresh-token.revoke`. */
export type RevocationScope =
  | { kind: 'token'; token: RefreshTokenRecord; user: User | null; ttlSeconds: number }
  | { kind: 'user'; user: User; applicationId?: string; ttlByApplication: Record<string, number> }
  | { kind: 'application'; tenantId: string; applicationId: string; ttlSeconds: number }

export function refreshTokenRevokeEvent(scope: RevocationScope, source: EventSource): FusionAuthEvent {
  switch (scope.kind) {
    case 'token': {
      const { token } = scope
      return sourcedEvent('jwt.refresh-token.revoke', source, token.tenantId, {
        ...(token.applicationId === undefined
          ? {}
          : { applicationId: token.applicationId, applicationTimeToLiveInSeconds: { [token.applicationId]: scope.ttlSeconds } }),
        refreshToken: token,
        ...(scope.user === null ? {} : { user: scope.user }),
        userId: token.userId,
      })
    }
    case 'user':
      return sourcedEvent('jwt.refresh-token.revoke', source, scope.user.tenantId, {
        ...(scope.applicationId === undefined ? {} : { applicationId: scope.applicationId }),
        applicationTimeToLiveInSeconds: scope.ttlByApplication,
        user: scope.user,
        userId: scope.user.id,
      })
    case 'application':
      return sourcedEvent('jwt.refresh-token.revoke', source, scope.tenantId, {
        applicationId: scope.applicationId,
        applicationTimeToLiveInSeconds: { [scope.applicationId]: scope.ttlSeconds },
      })
  }
}
