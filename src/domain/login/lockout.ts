import type { Tenant } from '../tenant'
import type { User } from '../user'
import { FailedLoginStore } from '../../store/failed-login-store'
import { RefreshTokenStore } from '../../store/refresh-token-store'
import { type TakenAction, UserActionStore } from '../../store/user-action-store'
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
 */
export async function recordFailedAuthentication(
  env: LoginEnvironment,
  tenant: Tenant,
  user: User,
  _applicationId: string | null,
): Promise<LoginOutcome | null> {
  const policy = tenant.failedAuthenticationConfiguration
  if (!countsFailures(tenant) || policy.userActionId === undefined) return null
  const count = await new FailedLoginStore(env.db).recordFailure(tenant.id, user.id, env.nowMillis, policy.resetCountInSeconds * 1000)
  if (count < policy.tooManyAttempts) return null

  const actions = new UserActionStore(env.db)
  const definition = await actions.getDefinition(policy.userActionId)
  if (definition === null) return null
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
  const statements = [actions.takeStatement(action, definition.preventLogin), new FailedLoginStore(env.db).resetStatement(user.id)]
  if (definition.preventLogin && tenant.jwtConfiguration.refreshTokenRevocationPolicy.onLoginPrevented) {
    statements.push(new RefreshTokenStore(env.db).revokeAllForUserStatement(user.id))
  }
  await env.db.batch(statements)
  return definition.preventLogin ? { kind: 'prevented', actions: [preventedActionView(action)] } : null
}
