/**
 * Refresh-token revocation with its `jwt.refresh-token.revoke` event (logout, DELETE /api/jwt/refresh): the event is
 * handed to `data.events` around the delete, so a transactional webhook that fails leaves the tokens in place (504).
 * What the event needs beyond the revocation itself (the user, the applications' JWT lifetimes) is read only when
 * the tenant sends the event.
 *
 * A revocation that is a side effect of another action (deactivation, hard delete, a password change under
 * onPasswordChanged, a prevent-login action under onLoginPrevented) batches its delete with that action's writes and
 * adds `userRevocationEvents` to the action's own events, so one refusal stops the whole action. The lockout after too
 * many failed logins is the exception: its lock is stored whatever the webhooks answer (login/lockout.ts).
 */
import type { DataContext } from '../store/data-context'
import type { TokenWithTenant } from '../store/event-subject-store'
import { type Application, effectiveJwtConfiguration } from './application'
import type { FusionAuthEvent } from './events/event'
import { eventSetting } from './events/event-configuration'
import type { EventSource } from './events/event-source'
import { type LoginRequestSource, type RevocationScope, loginEventSource, refreshTokenRevokeEvent } from './events/login-events'
import type { Tenant } from './tenant'
import type { User } from './user'

const REVOKE = 'jwt.refresh-token.revoke'

const sendsRevocations = (tenant: Tenant): boolean => eventSetting(tenant.eventConfiguration, REVOKE).enabled

/** Revokes `scope`'s tokens inside `data.events.around`, with its event. */
async function revokeWithEvent<T>(
  data: DataContext,
  tenant: Tenant,
  scope: RevocationScope,
  request: LoginRequestSource,
  revoke: () => Promise<T>,
): Promise<T> {
  const event = refreshTokenRevokeEvent(scope, loginEventSource(request, data.nowMillis))
  return data.events.around(tenant, [event], revoke)
}

/** The access-token lifetime of each application, as the event's applicationTimeToLiveInSeconds. */
async function lifetimes(data: DataContext, tenant: Tenant, applicationIds: readonly string[]): Promise<Record<string, number>> {
  const applications = await Promise.all([...new Set(applicationIds)].map((id) => data.applications.get(id)))
  const ttl: Record<string, number> = {}
  for (const application of applications) {
    if (application !== null) ttl[application.id] = effectiveJwtConfiguration(tenant, application).timeToLiveInSeconds
  }
  return ttl
}

/** One token (found with its tenant); true when this request deleted it. */
export async function revokeRefreshToken(data: DataContext, found: TokenWithTenant, request: LoginRequestSource): Promise<boolean> {
  const { token, tenant } = found
  const revoke = () => data.refreshTokens.revoke(token.id)
  if (!sendsRevocations(tenant)) return revoke()
  const [subject, ttl] = await Promise.all([
    data.users.get(token.userId),
    lifetimes(data, tenant, token.applicationId === undefined ? [] : [token.applicationId]),
  ])
  const ttlSeconds = token.applicationId === undefined ? 0 : (ttl[token.applicationId] ?? tenant.jwtConfiguration.timeToLiveInSeconds)
  return revokeWithEvent(data, tenant, { kind: 'token', token, user: subject?.user ?? null, ttlSeconds }, request, revoke)
}

/**
 * All of a user's tokens (for one application, when given), for a Login API request (logout, DELETE /api/jwt/refresh).
 * FusionAuth sends the event only when there was at least one token to revoke.
 */
export const revokeUserRefreshTokens = (
  data: DataContext,
  tenant: Tenant,
  owner: { userId: string; user?: User },
  applicationId: string | undefined,
  request: LoginRequestSource,
): Promise<number> => revokeAllUserRefreshTokens(data, tenant, owner, applicationId, loginEventSource(request, data.nowMillis))

/** `revokeUserRefreshTokens` for any source of events (the console's revoke); how many tokens went. */
export async function revokeAllUserRefreshTokens(
  data: DataContext,
  tenant: Tenant,
  owner: { userId: string; user?: User },
  applicationId: string | undefined,
  source: EventSource,
): Promise<number> {
  const events = await userRevocationEvents(data, tenant, owner, source, applicationId)
  return data.events.around(tenant, events, () => data.refreshTokens.revokeAllForUser(owner.userId, applicationId))
}

/**
 * The `jwt.refresh-token.revoke` of deleting all of a user's tokens (for one application, when given), for the caller
 * to batch the delete itself; none when the tenant does not send the event or there is no token to revoke (FusionAuth
 * sends it only then).
 */
export async function userRevocationEvents(
  data: DataContext,
  tenant: Tenant,
  owner: { userId: string; user?: User },
  source: EventSource,
  applicationId?: string,
): Promise<FusionAuthEvent[]> {
  if (!sendsRevocations(tenant)) return []
  const [tokens, user] = await Promise.all([
    data.refreshTokens.listForUser(owner.userId),
    owner.user ?? data.users.get(owner.userId).then((found) => found?.user ?? null),
  ])
  const revoked = tokens.filter((token) => applicationId === undefined || token.applicationId === applicationId)
  if (revoked.length === 0 || user === null) return []
  const ttlByApplication = await lifetimes(
    data,
    tenant,
    revoked.flatMap((token) => (token.applicationId === undefined ? [] : [token.applicationId])),
  )
  const scope: RevocationScope = { kind: 'user', user, ttlByApplication, ...(applicationId === undefined ? {} : { applicationId }) }
  return [refreshTokenRevokeEvent(scope, source)]
}

/** Every token of an application. */
export async function revokeApplicationRefreshTokens(
  data: DataContext,
  tenant: Tenant,
  application: Application,
  request: LoginRequestSource,
): Promise<number> {
  const revoke = () => data.refreshTokens.revokeAllForApplication(application.id)
  if (!sendsRevocations(tenant)) return revoke()
  const ttlSeconds = effectiveJwtConfiguration(tenant, application).timeToLiveInSeconds
  return revokeWithEvent(
    data,
    tenant,
    { kind: 'application', tenantId: tenant.id, applicationId: application.id, ttlSeconds },
    request,
    revoke,
  )
}
