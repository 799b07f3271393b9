import type { Application } from '../application'
import type { Tenant } from '../tenant'
import type { JsonObject } from '../../http/fields'
import { REDEMPTION_KINDS } from '../../store/names'
import { RedeemedBeforeError } from '../../store/redemption-store'
import { StaleReadError } from '../../store/stale-read'
import { AFTER_PREVIOUS_WRITE } from '../../store/write-conditions'
import { type LoginEnvironment, prepareLogin } from './complete-login'
import { refuseBeforePassword } from './login-checks'
import type { LoginOutcome } from './outcome'
import { primaryLoginIdentity } from '../user'

/** What a one-time password carries from the change-password request that issued it. */
export interface OneTimePasswordGrant {
  userId: string
  tenantId: string
  /** Whether the login may issue a JWT, and until when (the original token's expiry). */
  issueJWT: boolean
  jwtExpirationInstant?: number
  issueRefreshToken: boolean
  state?: JsonObject
}

export interface OneTimePasswordLoginInput {
  tenant: Tenant | null
  application: Application | null
  oneTimePassword: string
  ipAddress: string | null
  device?: Record<string, string>
  /** The request's User-Agent, for the events' `info`. */
  userAgent?: string
  noJWT: boolean
}

/**
 * POST /api/login with a oneTimePassword: unknown, expired, another tenant's or spent: `invalid`. The password is
 * redeemed in D1 in the login's own batch (with its refresh token), after the transactional webhooks answered: a 504
 * or a refusal (404/423/409/410) spends nothing, and of concurrent logins with one password exactly one gets through.
 * Read at a replica, the redemption holds only while the user is as read: a stale decision spends nothing and is made
 * again at the primary (StaleReadError). One primary round trip, whatever the login issues.
 */
export async function oneTimePasswordLogin(
  env: LoginEnvironment,
  input: OneTimePasswordLoginInput,
): Promise<LoginOutcome | { kind: 'invalidOneTimePassword' }> {
  const grant = await env.oneTimePasswords.get(input.oneTimePassword, env.nowMillis)
  if (grant === null) return { kind: 'invalidOneTimePassword' }
  if (input.tenant !== null && input.tenant.id !== grant.tenantId) return { kind: 'invalidOneTimePassword' }
  const tenant = input.tenant ?? (await env.tenants.get(grant.tenantId))
  if (tenant === null) return { kind: 'invalidOneTimePassword' }

  const subject = await env.logins.findById(grant.userId, env.nowMillis)
  if (subject === null || subject.user.tenantId !== tenant.id) return { kind: 'notFound' }
  const refused = refuseBeforePassword(subject, input.application?.id ?? null, env.nowMillis)
  if (refused !== null) return refused

  // The login's writes (the refresh token) follow the redemption in its batch, each only if the one before inserted.
  const login = await prepareLogin(
    env,
    {
      tenant,
      application: input.application,
      user: subject.user,
      authenticationType: 'ONE_TIME_PASSWORD',
      loginId: primaryLoginIdentity(subject.user).loginId,
      ipAddress: input.ipAddress,
      device: input.device,
      userAgent: input.userAgent,
      noJWT: input.noJWT || !grant.issueJWT,
      expirationInstantMillis: grant.jwtExpirationInstant,
      allowRefreshToken: grant.issueRefreshToken,
    },
    AFTER_PREVIOUS_WRITE,
  )
  const redemption = {
    nowMillis: env.nowMillis,
    validForSeconds: tenant.externalIdentifierConfiguration.oneTimePasswordTimeToLiveInSeconds,
    onlyIf: env.readsAtReplica ? env.logins.unchangedSince(subject.readState, env.nowMillis) : undefined,
  }
  const commit = async (): Promise<LoginOutcome> => {
    const [redeemed] = await Promise.all([
      env.redemptions.redeemWith(REDEMPTION_KINDS.oneTimePassword, input.oneTimePassword, redemption, login.writes),
      login.sign(),
    ])
    if (!redeemed) throw new StaleReadError('the user')
    const [outcome] = await Promise.all([login.finish(), env.oneTimePasswords.delete(input.oneTimePassword)])
    return outcome
  }

  let outcome: LoginOutcome
  try {
    outcome = await env.events.around(tenant, login.events, commit)
  } catch (error) {
    if (error instanceof RedeemedBeforeError) return { kind: 'invalidOneTimePassword' }
    throw error
  }
  return outcome.kind === 'completed' && grant.state !== undefined ? { ...outcome, state: grant.state } : outcome
}
