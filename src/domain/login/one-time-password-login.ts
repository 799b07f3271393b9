import type { Application } from '../application'
import type { Tenant } from '../tenant'
import type { JsonObject } from '../../http/fields'
import { ExpiringValueStore } from '../../store/expiring-value-store'
import { LoginStore } from '../../store/login-store'
import { RedemptionStore } from '../../store/redemption-store'
import { type LoginEnvironment, completeLogin } from './complete-login'
import { refuseBeforePassword } from './login-checks'
import type { LoginOutcome } from './outcome'
import { primaryLoginIdentity } from '../user'

/** KV prefix of one-time passwords issued by the change-password API (docs/storage.md). */
export const ONE_TIME_PASSWORD_PREFIX = 'otp:'

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

/** Issues a one-time password (change password calls this). */
export async function issueOneTimePassword(kv: KVNamespace, token: string, grant: OneTimePasswordGrant, ttlSeconds: number, nowMillis: number): Promise<void> {
  await new ExpiringValueStore<OneTimePasswordGrant>(kv, ONE_TIME_PASSWORD_PREFIX).put(token, grant, ttlSeconds, nowMillis)
}

export interface OneTimePasswordLoginInput {
  tenant: Tenant | null
  application: Application | null
  oneTimePassword: string
  ipAddress: string | null
  device?: Record<string, string>
  noJWT: boolean
  /** Resolves the grant's tenant when the request named none. */
  loadTenant: (tenantId: string) => Promise<Tenant | null>
}

/**
 * POST /api/login with a oneTimePassword. The password is redeemed in D1 before anything else, so of
 * two concurrent logins with one password exactly one proceeds; unknown, expired or spent: `invalid`.
 */
export async function oneTimePasswordLogin(
  env: LoginEnvironment,
  input: OneTimePasswordLoginInput,
): Promise<LoginOutcome | { kind: 'invalidOneTimePassword' }> {
  const grants = new ExpiringValueStore<OneTimePasswordGrant>(env.kv, ONE_TIME_PASSWORD_PREFIX)
  const grant = await grants.get(input.oneTimePassword, env.nowMillis)
  if (grant === null) return { kind: 'invalidOneTimePassword' }
  if (input.tenant !== null && input.tenant.id !== grant.tenantId) return { kind: 'invalidOneTimePassword' }
  const tenant = input.tenant ?? (await input.loadTenant(grant.tenantId))
  if (tenant === null) return { kind: 'invalidOneTimePassword' }

  const ttlSeconds = tenant.externalIdentifierConfiguration.oneTimePasswordTimeToLiveInSeconds
  if (!(await new RedemptionStore(env.db).redeem('otp', input.oneTimePassword, env.nowMillis, ttlSeconds))) {
    return { kind: 'invalidOneTimePassword' }
  }
  await grants.delete(input.oneTimePassword)

  const subject = await new LoginStore(env.db).findById(grant.userId, env.nowMillis)
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
    noJWT: input.noJWT || !grant.issueJWT,
    expirationInstantMillis: grant.jwtExpirationInstant,
    allowRefreshToken: grant.issueRefreshToken,
  })
  return outcome.kind === 'completed' && grant.state !== undefined ? { ...outcome, state: grant.state } : outcome
}
