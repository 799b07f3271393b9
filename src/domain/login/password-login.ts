import type { Application } from '../application'
import { countRequest } from '../rate-limit'
import type { Tenant } from '../tenant'
import { isPasswordScheme, needsRehash, hashPassword } from '../password'
import { verifyTenantPassword } from '../user-password'
import type { LoginSubject, WriteCondition } from '../../store/login-store'
import { StaleReadError } from '../../store/stale-read'
import { type LoginEnvironment, completeLogin } from './complete-login'
import { refuseBeforePassword } from './login-checks'
import { countsFailures, recordFailedAuthentication } from './lockout'
import { challengeTwoFactor } from './two-factor-gate'
import type { LoginOutcome } from './outcome'
import { loginFailedEvent } from '../events/login-events'
import { tenantSends } from '../events/webhook-publisher'

export interface PasswordLoginInput {
  tenant: Tenant
  application: Application | null
  loginId: string
  password: string
  ipAddress: string | null
  device?: Record<string, string>
  /** The request's User-Agent, for the events' `info`. */
  userAgent?: string
  noJWT: boolean
  /** The fusionauth.trust cookie, else the body's twoFactorTrustId. */
  twoFactorTrustId: string | null
  /** The user, when the caller already read it in this tenant (undefined: read it here). */
  subject?: LoginSubject | null
}

/**
 * A 404 that checked no password: the tenant's hash work, and the one primary round trip a wrong password's 404
 * costs, so the two cannot be told apart by time: where the tenant counts failures, a failed-login write of the
 * same shape; otherwise, when the decision was read at a replica, the read that confirms it. Either is made on
 * `confirms` (the state the 404 was decided on), and a primary that disagrees gets the decision made again there.
 */
async function missedLogin(env: LoginEnvironment, tenant: Tenant, password: string, confirms: WriteCondition): Promise<LoginOutcome> {
  await verifyTenantPassword(tenant, null, password)
  const condition = env.readsAtReplica ? confirms : undefined
  if (countsFailures(tenant)) {
    if (!(await env.failedLogins.recordMiss(tenant.id, env.nowMillis, condition))) throw new StaleReadError('the login id')
  } else if (condition !== undefined && !(await env.holdsAtPrimary(condition))) {
    throw new StaleReadError('the login id')
  }
  return { kind: 'notFound' }
}

/**
 * POST /api/login with loginId and password, in FusionAuth's order: unknown user (404, after a hash of
 * equal cost) -> deactivated (423) -> prevent-login action (409) -> expired (410) -> the tenant's failedLogin
 * limit (404) -> password (404, counted toward lockout) -> rehash -> two-factor challenge (242) -> completion
 * (203/202/213/212/200).
 */
export async function passwordLogin(env: LoginEnvironment, input: PasswordLoginInput): Promise<LoginOutcome> {
  const { tenant, application } = input
  const subject = input.subject !== undefined ? input.subject : await env.logins.findByLoginId(tenant.id, input.loginId, env.nowMillis)
  const tenantScheme = tenant.passwordEncryptionConfiguration
  if (subject === null) {
    // Unknown users cost what a wrong password costs, so the 404s cannot be told apart by time; with a
    // failedLogin limit the login id is counted too, for the write a known user's attempt costs.
    await countRequest(env, tenant, 'failedLogin', { loginId: input.loginId })
    return missedLogin(env, tenant, input.password, env.logins.stillUnknown(tenant.id, input.loginId))
  }

  const refused = refuseBeforePassword(subject, application?.id ?? null, env.nowMillis)
  if (refused !== null) return refused

  // The tenant's failedLogin limit: the attempt is counted before the password is checked, so racing guesses
  // cannot all pass; past the limit even the right password answers as a wrong one would (404, FusionAuth's
  // behaviour), at the cost of an unknown user's 404.
  const failedLogin = await countRequest(env, tenant, 'failedLogin', { userId: subject.user.id })
  if (failedLogin.limited) return missedLogin(env, tenant, input.password, env.logins.unchangedSince(subject.readState, env.nowMillis))

  const stored = subject.password
  const passwordMatches = await verifyTenantPassword(tenant, stored, input.password)
  if (!passwordMatches) {
    // The failure is counted toward lockout first, whatever the webhooks answer: a 504 must not hide a guess.
    const outcome: LoginOutcome = (await recordFailedAuthentication(
      env,
      tenant,
      subject.user,
      application?.id ?? null,
      subject.readState,
    )) ?? { kind: 'notFound' }
    const failed = tenantSends(tenant, 'user.login.failed')
      ? [
          loginFailedEvent({
            user: subject.user,
            application,
            authenticationType: 'PASSWORD',
            request: input,
            createInstant: env.nowMillis,
          }),
        ]
      : []
    return env.events.around(tenant, failed, () => Promise.resolve(outcome))
  }
  // A right password is not a failed login: its count is given back.
  await failedLogin.allowed?.release()

  const rehash =
    stored !== null &&
    tenantScheme.modifyEncryptionSchemeOnLogin &&
    isPasswordScheme(tenantScheme.encryptionScheme) &&
    needsRehash(stored, tenantScheme.encryptionScheme, tenantScheme.encryptionSchemeFactor)
  if (rehash && isPasswordScheme(tenantScheme.encryptionScheme)) {
    // passwordLastUpdateInstant stays as it was: the password did not change, only its encoding.
    const fresh = await hashPassword(input.password, tenantScheme.encryptionScheme, tenantScheme.encryptionSchemeFactor)
    await env.commit([env.users.passwordStatement(subject.user.id, fresh)])
  }

  const challenge = await challengeTwoFactor(env, {
    tenant,
    application,
    user: subject.user,
    trustId: input.twoFactorTrustId,
    pending: {
      authenticationType: 'PASSWORD',
      loginId: input.loginId,
      ipAddress: input.ipAddress,
      device: input.device,
      noJWT: input.noJWT,
    },
  })
  if (challenge !== null) return challenge

  return completeLogin(env, {
    tenant,
    application,
    user: subject.user,
    authenticationType: 'PASSWORD',
    loginId: input.loginId,
    ipAddress: input.ipAddress,
    device: input.device,
    userAgent: input.userAgent,
    noJWT: input.noJWT,
    readState: subject.readState,
  })
}
