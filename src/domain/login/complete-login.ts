import type { JsonObject } from '../../http/fields'
import type { Application } from '../application'
import type { Tenant } from '../tenant'
import type { NewLoginRecord } from '../login-record'
import { type User, loginIdTypeOf, primaryLoginIdentity } from '../user'
import { randomToken } from '../crypto/secrets'
import type { DataContext, PendingWrite } from '../../store/data-context'
import type { LoginReadState, WriteCondition } from '../../store/login-store'
import { StaleReadError } from '../../store/stale-read'
import type { FusionAuthEvent } from '../events/event'
import { type LoginEventInput, loginSuccessEvent } from '../events/login-events'
import { tenantSends } from '../events/webhook-publisher'
import { prepareTokens } from './issue-tokens'
import type { AuthenticationType, CompletedStatus, LoginOutcome } from './outcome'

/** What a login reaches data through: the request's DataContext. */
export type LoginEnvironment = DataContext

/** What a change-password id carries (a 203's, or forgot password's), redeemed by the change-password API. */
export interface ChangePasswordGrant {
  userId: string
  tenantId: string
  applicationId: string | null
  reason: string
  /** Forgot password's ids only, epoch ms: an id issued before the password last changed is spent (FusionAuth revokes them on change). */
  issuedInstant?: number
  /** Forgot password's `state`, handed back by the change. */
  state?: JsonObject
}

export interface CompletionInput {
  tenant: Tenant
  application: Application | null
  user: User
  authenticationType: AuthenticationType
  /** The login id the user typed, for the login record (the email for non-password logins). */
  loginId: string
  ipAddress: string | null
  device?: Record<string, string>
  /** The request's User-Agent, for the events' `info`. */
  userAgent?: string
  noJWT: boolean
  /** The user's state as the decision read it (possibly at a replica); the refresh token's write is guarded by it. */
  readState?: LoginReadState
  /** One-time-password logins keep the original token's expiry and may forbid refresh tokens. */
  expirationInstantMillis?: number
  allowRefreshToken?: boolean
}

/**
 * Everything after the credentials (and any two-factor challenge) are settled, in FusionAuth's order:
 * password change required or expired (203) -> issue tokens and record the login ->
 * not registered (202) -> registration unverified (213) -> email unverified (212) -> 200.
 */
export async function completeLogin(env: LoginEnvironment, input: CompletionInput): Promise<LoginOutcome> {
  const login = await prepareLogin(env, input)
  // Transactional webhooks first (a 504 leaves no token and no login record), then the commit, then the login
  // record's queue send beside the queued events.
  return env.events.around(
    input.tenant,
    login.events,
    () => commitLoginWrites(env, login),
    () => login.finish(),
  )
}

/**
 * The refresh token must exist before the client can use it: the login's one primary round trip, and only when
 * there is one; the JWT is signed meanwhile.
 */
export async function commitLoginWrites(env: LoginEnvironment, login: PreparedLogin): Promise<void> {
  if (login.writes.length === 0) return
  const [[first]] = await Promise.all([env.commit(login.writes), login.sign()])
  if (login.guarded && first?.meta.changes === 0) throw new StaleReadError('the user')
}

/** A completion whose writes the caller commits (commitLoginWrites, or a batch of its own) before `finish`. */
export interface PreparedLogin {
  /** The login's writes at the primary: the refresh token insert, or none (203, noJWT, no refresh token). */
  writes: PendingWrite[]
  /** True when writes[0] is guarded by the input's readState: it inserts nothing if the user changed. */
  guarded: boolean
  /** What the login tells webhooks (`user.login.success`), for `data.events.around` the commit; none for a 203. */
  events: FusionAuthEvent[]
  /** Signs the access token (once), writing nothing: may run beside the commit. */
  sign(): Promise<unknown>
  /** Once the writes took effect: the 203's change-password id or the signed tokens, the login record, the outcome. */
  finish(): Promise<LoginOutcome>
}

/**
 * completeLogin split around its commit, for a caller that batches the login's writes after writes of its own
 * (two-factor completion: the twoFactorId's redemption and the factor's spending): `onlyIf` is a further
 * condition on each of them (e.g. AFTER_PREVIOUS_WRITE), and nothing is written, signed or recorded here.
 */
export async function prepareLogin(env: LoginEnvironment, input: CompletionInput, onlyIf?: WriteCondition): Promise<PreparedLogin> {
  const { tenant, application, user, nowMillis } = { ...input, nowMillis: env.nowMillis }

  const changeReason = passwordChangeReason(tenant, user, nowMillis)
  if (changeReason !== null) {
    return {
      writes: [],
      guarded: false,
      events: [],
      sign: () => Promise.resolve(),
      finish: async () => {
        const changePasswordId = randomToken(32)
        const grant: ChangePasswordGrant = {
          userId: user.id,
          tenantId: tenant.id,
          applicationId: application?.id ?? null,
          reason: changeReason,
        }
        await env.changePasswordIds.put(
          changePasswordId,
          grant,
          tenant.externalIdentifierConfiguration.changePasswordIdTimeToLiveInSeconds,
          nowMillis,
        )
        return { kind: 'changePasswordRequired', changePasswordId, changePasswordReason: changeReason }
      },
    }
  }

  const registration = application === null ? null : ((user.registrations ?? []).find((r) => r.applicationId === application.id) ?? null)
  const prepared = input.noJWT
    ? null
    : await prepareTokens(env, {
        tenant,
        application,
        user,
        registration,
        authenticationType: input.authenticationType,
        nowMillis,
        device: input.device,
        expirationInstantMillis: input.expirationInstantMillis,
        allowRefreshToken: input.allowRefreshToken,
        readState: input.readState,
        onlyIf,
      })

  const sign = () => prepared?.sign() ?? Promise.resolve(null)
  const events = loginSuccessEvents(tenant, {
    user,
    application,
    authenticationType: input.authenticationType,
    request: input,
    createInstant: nowMillis,
  })
  return {
    writes: prepared?.writes ?? [],
    guarded: prepared?.guarded ?? false,
    events,
    sign,
    finish: async () => {
      const tokens = await sign()
      // The login record and lastLoginInstant go through the queue, durable once send resolves.
      await recordLogin(env, {
        tenantId: tenant.id,
        userId: user.id,
        applicationId: application?.id ?? null,
        loginId: input.loginId,
        loginIdType: loginIdTypeOf(user, input.loginId),
        ipAddress: input.ipAddress,
        authenticationType: input.authenticationType,
        instant: nowMillis,
      })
      user.lastLoginInstant = nowMillis
      if (registration !== null) registration.lastLoginInstant = nowMillis
      return { kind: 'completed', status: completedStatus(tenant, application, user), user, tokens }
    },
  }
}

/**
 * user.login.success with the user as the login leaves it: lastLoginInstant on the user and on the application's
 * registration (the response's user gets the same in finish; the queue's consumer writes them). None when the tenant
 * does not send the type: the clone is not made for nobody.
 */
export function loginSuccessEvents(tenant: Tenant, login: LoginEventInput): FusionAuthEvent[] {
  if (!tenantSends(tenant, 'user.login.success')) return []
  const loggedIn = structuredClone(login.user)
  loggedIn.lastLoginInstant = login.createInstant
  const applicationId = login.application?.id
  const registration = applicationId === undefined ? undefined : loggedIn.registrations?.find((r) => r.applicationId === applicationId)
  if (registration !== undefined) registration.lastLoginInstant = login.createInstant
  return [loginSuccessEvent({ ...login, user: loggedIn })]
}

/** A login to record, with the authentication types this server issues. */
export interface LoginToRecord extends NewLoginRecord {
  loginIdType?: 'email' | 'username'
  authenticationType: AuthenticationType
}

/**
 * Records a login: the login record and lastLoginInstant of the user and registration, through the login queue
 * (store/login-events.ts). Resolves once the queue holds the message; search sees it within the consumer's batch
 * timeout.
 */
export function recordLogin(data: DataContext, login: LoginToRecord): Promise<void> {
  return data.loginEvents.recordLogin(login)
}

/** recordLogin for a login that named no login id (a ping, a refresh exchange): the record shows the user's primary identity. */
export function recordUserLogin(
  data: DataContext,
  user: User,
  login: Omit<LoginToRecord, 'userId' | 'loginId' | 'loginIdType'>,
): Promise<void> {
  return recordLogin(data, { ...login, userId: user.id, ...primaryLoginIdentity(user) })
}

/** Why the user must change the password now, or null: an administrator's flag, or the tenant's maximum age passed. */
function passwordChangeReason(tenant: Tenant, user: User, nowMillis: number): string | null {
  if (user.passwordChangeRequired) return user.passwordChangeReason ?? 'Administrative'
  const maximumAge = tenant.maximumPasswordAge
  if (
    maximumAge.enabled &&
    user.passwordLastUpdateInstant !== undefined &&
    user.passwordLastUpdateInstant + maximumAge.days * 86_400_000 < nowMillis
  ) {
    return 'Expired'
  }
  return null
}

/** POST /api/login's precedence: 202 > 213 > 212 > 200 (the ping has its own, see the ping route). */
function completedStatus(tenant: Tenant, application: Application | null, user: User): CompletedStatus {
  if (application !== null) {
    const registration = (user.registrations ?? []).find((r) => r.applicationId === application.id)
    if (registration === undefined) return 202
    if (!registration.verified) return 213
  }
  if (tenant.emailConfiguration.verifyEmail && !user.verified) return 212
  return 200
}
