/**
 * Changing a password (FusionAuth's Change Password API) and the change-password ids that authorize it
 * (issued by a 203 login or by forgot password). The id is single use, redeemed in D1; a successful change
 * revokes the user's refresh tokens (tenant policy) and may issue a one-time password for a silent re-login.
 */
import type { Errors } from '../http/errors'
import { randomToken } from './crypto/secrets'
import type { EventSource } from './events/event-source'
import { passwordChangeEvents } from './events/user-events'
import type { ChangePasswordGrant } from './login/complete-login'
import type { OneTimePasswordGrant } from './login/one-time-password-login'
import { hashPassword } from './password'
import { userRevocationEvents } from './refresh-token-revocation'
import type { Tenant } from './tenant'
import type { User } from './user'
import { checkPasswordRules, tenantHashSettings } from './user-password'
import type { DataContext } from '../store/data-context'
import { REDEMPTION_KINDS } from '../store/names'

/** Stores a change-password id for the tenant's changePasswordIdTimeToLiveInSeconds; returns the id. */
export async function issueChangePasswordId(
  data: DataContext,
  tenant: Tenant,
  grant: ChangePasswordGrant,
  chosenId?: string,
): Promise<string> {
  const id = chosenId ?? randomToken(32)
  await data.changePasswordIds.put(id, grant, tenant.externalIdentifierConfiguration.changePasswordIdTimeToLiveInSeconds, data.nowMillis)
  return id
}

/** The grant behind a change-password id, or null when unknown or expired (redemption is separate: see redeemChangePasswordId). */
export async function readChangePasswordGrant(data: DataContext, id: string): Promise<ChangePasswordGrant | null> {
  return data.changePasswordIds.get(id, data.nowMillis)
}

/** Whether a grant predates the user's last password change (and so was revoked by it). */
export const grantIsStale = (grant: ChangePasswordGrant, user: User): boolean =>
  grant.issuedInstant !== undefined && user.passwordLastUpdateInstant !== undefined && grant.issuedInstant < user.passwordLastUpdateInstant

/** Spends the id in D1: true for exactly one of any number of racing requests. */
export async function redeemChangePasswordId(data: DataContext, tenant: Tenant, id: string): Promise<boolean> {
  const ttlSeconds = tenant.externalIdentifierConfiguration.changePasswordIdTimeToLiveInSeconds
  const won = await data.redemptions.redeem(REDEMPTION_KINDS.changePasswordId, id, data.nowMillis, ttlSeconds)
  if (won) await data.changePasswordIds.delete(id)
  return won
}

/**
 * Records the tenant's rules for a new password under `password`: `[blank]`, `[tooShort]`, `[tooLong]`, ...,
 * and `[tooYoung]` when the tenant's minimumPasswordAge applies and the current password is younger.
 */
export function checkNewPassword(
  tenant: Tenant,
  user: User | null,
  password: string | undefined,
  errors: Errors,
  options: { nowMillis: number; enforceMinimumAge: boolean },
): void {
  if (password === undefined) return // the reader recorded [blank]password
  checkPasswordRules(password, tenant.passwordValidationRules, 'password', errors)
  const minimum = tenant.minimumPasswordAge
  if (
    options.enforceMinimumAge &&
    minimum.enabled &&
    user?.passwordLastUpdateInstant !== undefined &&
    user.passwordLastUpdateInstant + minimum.seconds * 1000 > options.nowMillis
  ) {
    errors.field(
      'password',
      '[tooYoung]password',
      `The [password] property was changed too recently. It may be changed after [${minimum.seconds}] seconds.`,
    )
  }
}

export interface PasswordChange {
  tenant: Tenant
  user: User
  password: string
  /** What a one-time password for the follow-up login may do; null issues none (the API-key flow). */
  oneTimePassword: Pick<OneTimePasswordGrant, 'issueJWT' | 'jwtExpirationInstant' | 'issueRefreshToken' | 'state'> | null
  /** The request, for the events the change sends. */
  source: EventSource
  /** True when the change completes forgot password (its changePasswordId): user.password.reset.success too. */
  completesReset: boolean
}

/** Whether a change-password id came from forgot password (only those carry their issue instant), not a 203 login. */
export const isForgotPasswordGrant = (grant: ChangePasswordGrant): boolean => grant.issuedInstant !== undefined

/**
 * Hashes the new password with the tenant's scheme and factor, clears passwordChangeRequired, stamps
 * passwordLastUpdateInstant, resets the failed-login counter and (tenant policy onPasswordChanged) revokes the
 * user's refresh tokens, in one D1 batch. Returns the one-time password when one was asked for.
 */
export async function applyPasswordChange(data: DataContext, change: PasswordChange): Promise<{ oneTimePassword: string | null }> {
  const { tenant, user, nowMillis } = { ...change, nowMillis: data.nowMillis }
  const { scheme, factor } = tenantHashSettings(tenant)
  const hashed = await hashPassword(change.password, scheme, factor)
  const { passwordChangeReason: _reason, ...rest } = user
  const updated: User = { ...rest, passwordChangeRequired: false, passwordLastUpdateInstant: nowMillis, lastUpdateInstant: nowMillis }

  const statements = [
    data.users.updateStatement(updated),
    data.users.passwordStatement(user.id, hashed),
    data.failedLogins.resetStatement(user.id),
  ]
  const events = passwordChangeEvents(updated, change.source, change.completesReset)
  if (tenant.jwtConfiguration.refreshTokenRevocationPolicy.onPasswordChanged) {
    statements.push(data.refreshTokens.revokeAllForUserStatement(user.id))
    events.push(...(await userRevocationEvents(data, tenant, { userId: user.id, user: updated }, change.source)))
  }
  await data.events.around(tenant, events, () => data.commit(statements))

  if (change.oneTimePassword === null) return { oneTimePassword: null }
  const oneTimePassword = randomToken(32)
  const grant: OneTimePasswordGrant = { userId: user.id, tenantId: tenant.id, ...change.oneTimePassword }
  await data.oneTimePasswords.put(
    oneTimePassword,
    grant,
    tenant.externalIdentifierConfiguration.oneTimePasswordTimeToLiveInSeconds,
    nowMillis,
  )
  return { oneTimePassword }
}
