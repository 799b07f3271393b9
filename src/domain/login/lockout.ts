import { userRevocationEvents } from '../refresh-token-revocation'
import type { Tenant } from '../tenant'
import type { User } from '../user'
import type { LoginReadState } from '../../store/login-store'
import { StaleReadError } from '../../store/stale-read'
import type { TakenAction } from '../../store/user-action-store'
import type { LoginEnvironment } from './complete-login'
import { preventedActionView } from './login-checks'
import type { LoginOutcome } from './outcome'

const UNIT_MILLIS: Record<string, number> = {
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
  WEEKS: 7 * 86_400_000,
  MONTHS: 30 * 86_400_000,
  YEARS: 365 * 86_400_000,
}

/** Whether the tenant's failed-authentication policy counts failures (it names a user action to apply). */
export const countsFailures = (tenant: Tenant): boolean =>
  tenant.failedAuthenticationConfiguration.userActionId !== undefined && tenant.failedAuthenticationConfiguration.userActionId !== null

/**
 * Counts a failed authentication (wrong password or wrong two-factor code) and, when the tenant's
 * failedAuthenticationConfiguration names a user action and the count reaches tooManyAttempts, applies
 * that action for actionDuration. Returns 409 when this failure locked the user, else null (the caller's 404/421).
 * A lock that revokes refresh tokens (onLoginPrevented) sends their jwt.refresh-token.revoke; its event has no
 * `info` (the request's address is not passed down here).
 *
 * `readState`: the user as a replica showed them, when the failure was decided on a replica's rows. The failure is
 * then confirmed at the primary in the one round trip it costs anyway (the count is guarded by it; without a count,
 * one read of it): a user who changed since (a new password, say) gets the decision made again at the primary
 * (StaleReadError), not a 404.
 */
export async function recordFailedAuthentication(
  env: LoginEnvironment,
  tenant: Tenant,
  user: User,
  _applicationId: string | null,
  readState?: LoginReadState,
): Promise<LoginOutcome | null> {
  const policy = tenant.failedAuthenticationConfiguration
  const unchanged = readState !== undefined && env.readsAtReplica ? env.logins.unchangedSince(readState, env.nowMillis) : undefined
  if (!countsFailures(tenant) || policy.userActionId === undefined) {
    if (unchanged !== undefined && !(await env.holdsAtPrimary(unchanged))) throw new StaleReadError('the user')
    return null
  }
  const count = await env.failedLogins.recordFailure(tenant.id, user.id, env.nowMillis, policy.resetCountInSeconds * 1000, unchanged)
  if (count === null) throw new StaleReadError('the user')
  if (count < policy.tooManyAttempts) return null

  const actions = env.userActions
  const definition = await actions.getDefinition(policy.userActionId)
  if (definition === null) return null
  const revoked = definition.preventLogin && tenant.jwtConfiguration.refreshTokenRevocationPolicy.onLoginPrevented === true
  // The revocation's event is read only for a lock that revokes (and the tenant sends it), before the batch deletes its tokens.
  const revocations = revoked
    ? await userRevocationEvents(env, tenant, { userId: user.id, user }, { createInstant: env.nowMillis, info: {} })
    : []
  const action: TakenAction = {
    id: crypto.randomUUID(),
    actionId: definition.id,
    userId: user.id,
    expiry: env.nowMillis + policy.actionDuration * (UNIT_MILLIS[policy.actionDurationUnit] ?? 60_000),
    name: definition.name,
    localizedName: definition.name,
    comment: 'Failed Login Attempts Exceeded.',
    createInstant: env.nowMillis,
  }
  const statements = [actions.takeStatement(action, definition.preventLogin), env.failedLogins.resetStatement(user.id)]
  if (revoked) statements.push(env.refreshTokens.revokeAllForUserStatement(user.id))
  await env.commit(statements)
  // After the commit, not around it: the lock stands whatever the webhooks answer (a refusal must not let guesses go
  // on unlocked), as the failed login's own user.login.failed is told after it.
  if (revoked) await env.events.around(tenant, revocations, () => Promise.resolve())
  return definition.preventLogin ? { kind: 'prevented', actions: [preventedActionView(action)] } : null
}
