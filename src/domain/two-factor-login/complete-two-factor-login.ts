import type { Application } from '../application'
import type { Tenant } from '../tenant'
import { type LoginEnvironment, completeLogin } from '../login/complete-login'
import { recordFailedAuthentication } from '../login/lockout'
import { refuseBeforePassword } from '../login/login-checks'
import type { LoginOutcome } from '../login/outcome'
import { type PendingTwoFactorLogin, redeemPendingLogin } from '../login/two-factor-gate'
import { LoginStore } from '../../store/login-store'
import { TwoFactorStore } from '../../store/two-factor-store'
import { MAX_CODE_ATTEMPTS, admitCodeCheck } from './guess-cap'
import { loginCodeScope } from './one-time-codes'
import { issueTrust } from './trust'
import { consumeCode, matchCode } from './verify-code'

export interface TwoFactorLoginInput {
  twoFactorId: string
  pending: PendingTwoFactorLogin
  code: string
  trustComputer: boolean
  /** The request's applicationId, already resolved; undefined when the request named none (the pending one applies). */
  application?: Application | null
  /** The request's IP and device; the ones from the original login apply when absent. */
  ipAddress: string | null
  device?: Record<string, string>
  noJWT?: boolean
  /** Loads the pending login's tenant and (when the request named none) its application. */
  loadTenant: (tenantId: string) => Promise<Tenant | null>
  loadApplication: (applicationId: string) => Promise<Application | null>
}

/** 421: the code matched nothing (or lost a race for the factor it matched). */
export type TwoFactorLoginOutcome = LoginOutcome | { kind: 'invalidCode' }

/**
 * Whether completing this pending login into `application` needs an API key on the completing request: the
 * application differs from the one the password step went through and requires authentication for login.
 * FusionAuth lets the completion name another application; without this rule a password step through an open
 * application could end with a token for one that requires a key (issue 8).
 */
export function completionNeedsApiKey(pending: PendingTwoFactorLogin, application: Application | null | undefined): boolean {
  return application !== undefined && application !== null && application.id !== pending.applicationId && application.loginConfiguration.requireAuthentication
}

/**
 * POST /api/two-factor/login after the route found the pending login:
 * user gone -> 404; deactivated/prevented/expired -> 423/409/410; the attempt is counted before the code is
 * looked at (guess-cap.ts): past the twoFactorId's attempts -> 404 and the id is spent, past the user's -> 421
 * unchecked; the code matches no factor -> 421, counted toward the tenant's lockout (409 when that locks the
 * user, and the twoFactorId is spent); the twoFactorId is redeemed in D1 (a racing completion gets 404); the
 * matched factor is spent (a lost race gets 421); then the login completes as a password login would
 * (203/202/213/212/200), plus trust when asked.
 */
export async function completeTwoFactorLogin(env: LoginEnvironment, input: TwoFactorLoginInput): Promise<TwoFactorLoginOutcome> {
  const { pending } = input
  const tenant = await input.loadTenant(pending.tenantId)
  if (tenant === null) return { kind: 'notFound' }
  const application =
    input.application !== undefined ? input.application : pending.applicationId === null ? null : await input.loadApplication(pending.applicationId)

  const subject = await new LoginStore(env.db).findById(pending.userId, env.nowMillis)
  if (subject === null || subject.user.tenantId !== tenant.id) return { kind: 'notFound' }
  const refused = refuseBeforePassword(subject, application?.id ?? null, env.nowMillis)
  if (refused !== null) return refused

  const userId = subject.user.id
  const oneTimeScope = await loginCodeScope(input.twoFactorId)
  const admission = await admitCodeCheck(env, { scope: oneTimeScope, expiresInstant: pending.expiresInstant, tenantId: tenant.id, userId })
  if (admission.kind === 'twoFactorIdSpent') {
    await redeemPendingLogin(env, input.twoFactorId, pending)
    return { kind: 'notFound' }
  }
  if (admission.kind === 'userCapped') return { kind: 'invalidCode' }

  const rules = { userId, methods: await new TwoFactorStore(env.db).listMethods(userId), oneTimeScope, allowRecoveryCode: true }
  const match = await matchCode(env, rules, input.code.trim())
  if (match === null) {
    const locked = await recordFailedAuthentication(env, tenant, subject.user, application?.id ?? null)
    // Locked by this failure, or out of attempts: the challenge is over (as in FusionAuth for the lock), and
    // further guesses get 404.
    if (locked !== null || admission.attempt >= MAX_CODE_ATTEMPTS) await redeemPendingLogin(env, input.twoFactorId, pending)
    return locked ?? { kind: 'invalidCode' }
  }

  if (!(await redeemPendingLogin(env, input.twoFactorId, pending))) return { kind: 'notFound' }
  if (!(await consumeCode(env, userId, match))) return { kind: 'invalidCode' }
  // A right code is not held against the user's hourly checks.
  await admission.giveBack()

  const outcome = await completeLogin(env, {
    tenant,
    application,
    user: subject.user,
    authenticationType: pending.authenticationType,
    loginId: pending.loginId,
    ipAddress: input.ipAddress ?? pending.ipAddress,
    device: input.device ?? pending.device,
    noJWT: input.noJWT ?? pending.noJWT,
  })
  if (outcome.kind !== 'completed' || !input.trustComputer) return outcome
  const twoFactorTrust = await issueTrust(env.kv, { userId, tenant, application }, env.nowMillis)
  return { ...outcome, twoFactorTrust }
}
