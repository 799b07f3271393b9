import type { Application } from '../application'
import type { Tenant } from '../tenant'
import { isPasswordScheme, needsRehash, hashPassword } from '../password'
import { verifyTenantPassword } from '../user-password'
import { FailedLoginStore } from '../../store/failed-login-store'
import { LoginStore, type LoginSubject } from '../../store/login-store'
import { UserStore } from '../../store/user-store'
import { type LoginEnvironment, completeLogin } from './complete-login'
import { refuseBeforePassword } from './login-checks'
import { countsFailures, recordFailedAuthentication } from './lockout'
import { challengeTwoFactor } from './two-factor-gate'
import type { LoginOutcome } from './outcome'

export interface PasswordLoginInput {
  tenant: Tenant
  application: Application | null
  loginId: string
  password: string
  ipAddress: string | null
  device?: Record<string, string>
  noJWT: boolean
  /** The fusionauth.trust cookie, else the body's twoFactorTrustId. */
  twoFactorTrustId: string | null
  /** The user, when the caller already read it in this tenant (undefined: read it here). */
  subject?: LoginSubject | null
}

/**
 * POST /api/login with loginId and password, in FusionAuth's order: unknown user (404, after a hash of
 * equal cost) -> deactivated (423) -> prevent-login action (409) -> expired (410) -> password (404, counted
 * toward lockout) -> rehash -> two-factor challenge (242) -> completion (203/202/213/212/200).
 */
export async function passwordLogin(env: LoginEnvironment, input: PasswordLoginInput): Promise<LoginOutcome> {
  const { tenant, application } = input
  const subject = input.subject !== undefined ? input.subject : await new LoginStore(env.db).findByLoginId(tenant.id, input.loginId, env.nowMillis)
  const tenantScheme = tenant.passwordEncryptionConfiguration
  if (subject === null) {
    // Unknown users cost what a wrong password costs, so the 404s cannot be told apart by time: the tenant's hash
    // work, and, where the tenant counts failures, one failed-login write of the same shape.
    await verifyTenantPassword(tenant, null, input.password)
    if (countsFailures(tenant)) await new FailedLoginStore(env.db).recordMiss(tenant.id, env.nowMillis)
    return { kind: 'notFound' }
  }

  const refused = refuseBeforePassword(subject, application?.id ?? null, env.nowMillis)
  if (refused !== null) return refused

  const stored = subject.password
  const passwordMatches = await verifyTenantPassword(tenant, stored, input.password)
  if (!passwordMatches) {
    return (await recordFailedAuthentication(env, tenant, subject.user, application?.id ?? null)) ?? { kind: 'notFound' }
  }

  const rehash =
    stored !== null &&
    tenantScheme.modifyEncryptionSchemeOnLogin &&
    isPasswordScheme(tenantScheme.encryptionScheme) &&
    needsRehash(stored, tenantScheme.encryptionScheme, tenantScheme.encryptionSchemeFactor)
  if (rehash && isPasswordScheme(tenantScheme.encryptionScheme)) {
    // passwordLastUpdateInstant stays as it was: the password did not change, only its encoding.
    const fresh = await hashPassword(input.password, tenantScheme.encryptionScheme, tenantScheme.encryptionSchemeFactor)
    await new UserStore(env.db).passwordStatement(subject.user.id, fresh).run()
  }

  const challenge = await challengeTwoFactor(env, {
    tenant,
    application,
    user: subject.user,
    trustId: input.twoFactorTrustId,
    pending: { authenticationType: 'PASSWORD', loginId: input.loginId, ipAddress: input.ipAddress, device: input.device, noJWT: input.noJWT },
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
    noJWT: input.noJWT,
  })
}
