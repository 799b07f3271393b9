import type { Application } from '../application'
import type { Tenant } from '../tenant'
import type { JsonObject } from '../../http/fields'
import { REDEMPTION_KINDS } from '../../store/names'
import { type LoginEnvironment, completeLogin } from './complete-login'
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
 * POST /api/login with a oneTimePassword. The password is redeemed in D1 before anything else, so of
 * two concurrent logins with one password exactly one proceeds; unknown, expired or spent: `invalid`.
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

  const ttlSeconds = tenant.externalIdentifierConfiguration.oneTimePasswordTimeToLiveInSeconds
  if (!(await env.redemptions.redeem(REDEMPTION_KINDS.oneTimePassword, input.oneTimePassword, env.nowMillis, ttlSeconds))) {
    return { kind: 'invalidOneTimePassword' }
  }
  await env.oneTimePasswords.delete(input.oneTimePassword)

  const subject = await env.logins.findById(grant.userId, env.nowMillis)
  if (subject === null || subject.user.tenantId !== tenant.id) return { kind: 'notFound' }
  const refused = refuseBeforePassword(subject, input.application?.id ?? null, env.nowMillis)
  if (refused !== null) return refused

  const outcome = await completeLogin(env, {
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
    // No guard: the redemption above was a write in this session, so what the session read after it is current.
  })
  return outcome.kind === 'completed' && grant.state !== undefined ? { ...outcome, state: grant.state } : outcome
}
