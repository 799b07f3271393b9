import type { Application } from '../application'
import type { Tenant } from '../tenant'
import type { User } from '../user'
import { deliversDuringRequest } from '../events/webhook-publisher'
import { type LoginEnvironment, type PreparedLogin, commitLoginWrites, prepareLogin } from '../login/complete-login'
import { recordFailedAuthentication } from '../login/lockout'
import { refuseBeforePassword } from '../login/login-checks'
import type { LoginOutcome } from '../login/outcome'
import { type PendingTwoFactorLogin, redeemPendingLogin, redemptionLifetimeSeconds } from '../login/two-factor-gate'
import { StaleReadError } from '../../store/stale-read'
import type { CompletionResult, SpentFactor } from '../../store/two-factor-completion-store'
import { AFTER_PREVIOUS_WRITE } from '../../store/write-conditions'
import { type CodeAttemptLedger, MAX_CODE_ATTEMPTS, admissionOf, codeCounting } from './guess-cap'
import { loginCodeScope } from './one-time-codes'
import { issueTrust } from './trust'
import { hashedFactor, matchTotp } from './verify-code'

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
  /** The completing request's User-Agent, for the login event's `info` (the pending login keeps none). */
  userAgent?: string
  noJWT?: boolean
  /**
   * The request's counted attempt, shared by its decisions: the route passes one ledger to the first run and to
   * the retry at the primary, so the retry does not count the request again. A fresh one when absent.
   */
  ledger?: CodeAttemptLedger
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
  return (
    application !== undefined &&
    application !== null &&
    application.id !== pending.applicationId &&
    application.loginConfiguration.requireAuthentication
  )
}

/**
 * POST /api/two-factor/login after the route found the pending login:
 * user gone -> 404; deactivated/prevented/expired -> 423/409/410; the attempt is counted before the code is
 * looked at (guess-cap.ts): past the twoFactorId's attempts -> 404 and the id is spent, past the user's -> 421
 * unchecked; the code matches no factor -> 421, counted toward the tenant's lockout (409 when that locks the
 * user, and the twoFactorId is spent); the twoFactorId is redeemed in D1 (a racing completion gets 404); the
 * matched factor is spent (a lost race gets 421); then the login completes as a password login would
 * (203/202/213/212/200), plus trust when asked.
 *
 * Round trips: the reads, concurrently, where the request reads (a replica when the route opts in); then one batch
 * at the primary (two-factor-completion-store.ts) that counts the attempt and, only within the caps as that count
 * left them, judges the code: an emailed or recovery code by its hash, a TOTP code by the step the Worker matched
 * beforehand; then redeems, spends the factor, inserts the refresh token and gives the count back. Matching the TOTP
 * step before the batch is local work (decrypt the secret, compute the window's codes), done alike for every code of
 * its shape; what grants the login is still the batch's own judgement, made after its count (issue 8), and the answer
 * follows the counted attempt alone: a right code beyond the caps answers as a wrong one would (404 or 421).
 * Every write after the counts carries the user state guard when the reads were at a replica; when it fails,
 * nothing after the counts is written and StaleReadError has the route decide again at the primary, where the
 * attempt, counted once, is not counted again (the ledger).
 */
export async function completeTwoFactorLogin(data: LoginEnvironment, input: TwoFactorLoginInput): Promise<TwoFactorLoginOutcome> {
  const { pending, twoFactorId } = input
  // The user first: in a session that starts at the primary (the retry after a StaleReadError), the first read is
  // the primary's, and the user's state is what the retry is for.
  const [subject, tenant, application, methods, oneTimeScope] = await Promise.all([
    data.logins.findById(pending.userId, data.nowMillis),
    data.tenants.get(pending.tenantId),
    input.application !== undefined
      ? input.application
      : pending.applicationId === null
        ? null
        : data.applications.get(pending.applicationId),
    data.twoFactor.listMethods(pending.userId),
    loginCodeScope(twoFactorId),
  ])
  if (tenant === null) return { kind: 'notFound' }
  if (subject === null || subject.user.tenantId !== tenant.id) return { kind: 'notFound' }
  const refused = refuseBeforePassword(subject, application?.id ?? null, data.nowMillis)
  if (refused !== null) return refused

  const userId = subject.user.id
  const code = input.code.trim()
  const ledger = input.ledger ?? {}
  const unchanged = data.readsAtReplica ? data.logins.unchangedSince(subject.readState, data.nowMillis) : undefined
  // A transactional user.login.success waits until the batch has judged the code, and the refresh token must not
  // exist before the webhooks answer: its insert then leaves the batch for a write of its own after them.
  const awaitsWebhooks = deliversDuringRequest(tenant, 'user.login.success')
  const login = await prepareLogin(
    data,
    {
      tenant,
      application,
      user: subject.user,
      authenticationType: pending.authenticationType,
      loginId: pending.loginId,
      ipAddress: input.ipAddress ?? pending.ipAddress,
      device: input.device ?? pending.device,
      userAgent: input.userAgent,
      noJWT: input.noJWT ?? pending.noJWT,
    },
    // Right after the factor's spending in the same batch (the user guard is on the redemption before it); after
    // the webhooks, once the batch has spent the factor, unconditional.
    awaitsWebhooks ? undefined : AFTER_PREVIOUS_WRITE,
  )
  const commit = async (factor: SpentFactor | null): Promise<CompletionResult> => {
    const counting = await codeCounting(
      { scope: oneTimeScope, expiresInstant: pending.expiresInstant, tenantId: tenant.id, userId, nowMillis: data.nowMillis },
      ledger,
    )
    const result = await data.twoFactorCompletions.commit({
      twoFactorId,
      nowMillis: data.nowMillis,
      validForSeconds: redemptionLifetimeSeconds(pending, data.nowMillis),
      counting,
      unchanged,
      factor,
      completion: awaitsWebhooks ? [] : login.writes,
    })
    if (result.counted !== null) ledger.counted = result.counted
    if (!result.unchanged) throw new StaleReadError('the user')
    return result
  }

  // The same local work for every code of a shape, right or wrong: the TOTP match and the hash a code is judged by.
  const [totp, hashed] = await Promise.all([matchTotp(data, methods, code), hashedFactor(data, { userId, oneTimeScope }, code)])
  const factor: SpentFactor | null = totp === null ? hashed : { kind: 'totp', userId, methodId: totp.methodId, step: totp.step }
  const result = await commit(factor)
  // From here on the answer depends on what the batch counted and judged, never on the local match alone.
  if (result.spentBefore) return { kind: 'notFound' }
  const counted = ledger.counted
  // Always set by the batch (now or in the run before a retry); without it, no check.
  const admission = counted === undefined ? 'twoFactorIdSpent' : admissionOf(counted)
  if (admission === 'twoFactorIdSpent') {
    // Spent by the batch; the KV entry goes too, on a best-effort basis.
    await data.pendingTwoFactorLogins.delete(twoFactorId)
    return { kind: 'notFound' }
  }
  if (admission === 'userCapped') return { kind: 'invalidCode' }
  if (result.redeemed) return completed(data, input, { login, deferred: awaitsWebhooks }, result, { userId, tenant, application })
  // Matched, yet not redeemed, with nothing spent before: cannot happen in one transaction; answer as a lost race.
  if (result.matched) return { kind: 'notFound' }
  return wrongCode(data, input, { tenant, application, user: subject.user, attempt: counted?.attempt ?? MAX_CODE_ATTEMPTS })
}

/** The code matched no factor: 421, counted toward the tenant's lockout; the twoFactorId is spent when that locks the user or this was its last attempt. */
async function wrongCode(
  data: LoginEnvironment,
  input: TwoFactorLoginInput,
  subject: { tenant: Tenant; application: Application | null; user: User; attempt: number },
): Promise<TwoFactorLoginOutcome> {
  // No read-state confirmation here: the batch found the user unchanged at the primary.
  const locked = await recordFailedAuthentication(data, subject.tenant, subject.user, subject.application?.id ?? null)
  // Locked by this failure, or out of attempts: the challenge is over (as in FusionAuth for the lock), and
  // further guesses get 404.
  if (locked !== null || subject.attempt >= MAX_CODE_ATTEMPTS) await redeemPendingLogin(data, input.twoFactorId, input.pending)
  return locked ?? { kind: 'invalidCode' }
}

/** The batch redeemed the twoFactorId: with the factor spent, the login completes (203/202/213/212/200), plus trust when asked. */
async function completed(
  data: LoginEnvironment,
  input: TwoFactorLoginInput,
  completion: { login: PreparedLogin; deferred: boolean },
  result: CompletionResult,
  subject: { userId: string; tenant: Tenant; application: Application | null },
): Promise<TwoFactorLoginOutcome> {
  // The twoFactorId is spent either way; a factor another request spent first (the same TOTP step, say) is a 421.
  const { login, deferred } = completion
  // Webhooks around what is left of the login: its deferred writes, if any, then its record beside the queued events.
  const finish = () =>
    data.events.around(
      subject.tenant,
      login.events,
      () => (deferred ? commitLoginWrites(data, login) : Promise.resolve()),
      () => login.finish(),
    )
  const [outcome] = await Promise.all([result.consumed ? finish() : null, data.pendingTwoFactorLogins.delete(input.twoFactorId)])
  if (outcome === null) return { kind: 'invalidCode' }
  if (outcome.kind !== 'completed' || !input.trustComputer) return outcome
  const twoFactorTrust = await issueTrust(data.trustIds, subject, data.nowMillis)
  return { ...outcome, twoFactorTrust }
}
