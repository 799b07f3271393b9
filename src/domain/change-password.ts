/**
 * Changing a password (FusionAuth's Change Password API) and the change-password ids that authorize it
 * (issued by a 203 login or by forgot password). The id is single use, redeemed in D1 in the change's own batch; a
 * successful change revokes the user's refresh tokens (tenant policy) and may issue a one-time password for a silent
 * re-login.
 */
import type { Errors } from '../http/errors'
import { randomToken } from './crypto/secrets'
import type { FusionAuthEvent } from './events/event'
import type { EventSource } from './events/event-source'
import { passwordChangeEvents } from './events/user-events'
import type { ChangePasswordGrant } from './login/complete-login'
import type { OneTimePasswordGrant } from './login/one-time-password-login'
import { hashPassword } from './password'
import { userRevocationEvents } from './refresh-token-revocation'
import type { Tenant } from './tenant'
import type { User } from './user'
import { checkPasswordRules, tenantHashSettings } from './user-password'
import type { DataContext, PendingWrite } from '../store/data-context'
import { REDEMPTION_KINDS } from '../store/names'
import { RedeemedBeforeError } from '../store/redemption-store'

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

/** The grant behind a change-password id, or null when unknown or expired (redemption is separate: see applyPasswordChangeById). */
export async function readChangePasswordGrant(data: DataContext, id: string): Promise<ChangePasswordGrant | null> {
  return data.changePasswordIds.get(id, data.nowMillis)
}

/** Whether a grant predates the user's last password change (and so was revoked by it). */
export const grantIsStale = (grant: ChangePasswordGrant, user: User): boolean =>
  grant.issuedInstant !== undefined && user.passwordLastUpdateInstant !== undefined && grant.issuedInstant < user.passwordLastUpdateInstant

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
  const { writes, events } = await preparePasswordChange(data, change)
  await data.events.around(change.tenant, events, () => data.commit(writes))
  return issueOneTimePassword(data, change)
}

/**
 * applyPasswordChange authorized by a change-password id, which is spent in the change's own batch, after the
 * transactional webhooks have answered: a 504 leaves the id as it was, and of racing changes exactly one spends it
 * and changes anything. Null when another request had spent it (nothing changed). The id's KV entry goes only once
 * the change is stored.
 */
export async function applyPasswordChangeById(
  data: DataContext,
  changePasswordId: string,
  change: PasswordChange,
): Promise<{ oneTimePassword: string | null } | null> {
  const { writes, events } = await preparePasswordChange(data, change)
  const redemption = {
    nowMillis: data.nowMillis,
    validForSeconds: change.tenant.externalIdentifierConfiguration.changePasswordIdTimeToLiveInSeconds,
  }
  try {
    await data.events.around(change.tenant, events, () =>
      data.redemptions.redeemWith(REDEMPTION_KINDS.changePasswordId, changePasswordId, redemption, writes),
    )
  } catch (error) {
    if (error instanceof RedeemedBeforeError) return null
    throw error
  }
  const [issued] = await Promise.all([issueOneTimePassword(data, change), data.changePasswordIds.delete(changePasswordId)])
  return issued
}

/** The change's writes (one batch) and its events, built before anything is written or sent. */
async function preparePasswordChange(
  data: DataContext,
  change: PasswordChange,
): Promise<{ writes: PendingWrite[]; events: FusionAuthEvent[] }> {
  const { tenant, user } = change
  const nowMillis = data.nowMillis
  const { scheme, factor } = tenantHashSettings(tenant)
  const hashed = await hashPassword(change.password, scheme, factor)
  const { passwordChangeReason: _reason, ...rest } = user
  const updated: User = { ...rest, passwordChangeRequired: false, passwordLastUpdateInstant: nowMillis, lastUpdateInstant: nowMillis }

  const writes = [
    data.users.updateStatement(updated),
    data.users.passwordStatement(user.id, hashed),
    data.failedLogins.resetStatement(user.id),
  ]
  const events = passwordChangeEvents(updated, change.source, change.completesReset)
  if (tenant.jwtConfiguration.refreshTokenRevocationPolicy.onPasswordChanged) {
    writes.push(data.refreshTokens.revokeAllForUserStatement(user.id))
    events.push(...(await userRevocationEvents(data, tenant, { userId: user.id, user: updated }, change.source)))
  }
  return { writes, events }
}

/** The one-time password for the silent re-login, once the change is stored; none when none was asked for. */
async function issueOneTimePassword(data: DataContext, change: PasswordChange): Promise<{ oneTimePassword: string | null }> {
  if (change.oneTimePassword === null) return { oneTimePassword: null }
  const { tenant, user } = change
  const oneTimePassword = randomToken(32)
  const grant: OneTimePasswordGrant = { userId: user.id, tenantId: tenant.id, ...change.oneTimePassword }
  await data.oneTimePasswords.put(
    oneTimePassword,
    grant,
    tenant.externalIdentifierConfiguration.oneTimePasswordTimeToLiveInSeconds,
    data.nowMillis,
  )
  return { oneTimePassword }
}
