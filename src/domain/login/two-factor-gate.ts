import type { Application } from '../application'
import type { Tenant } from '../tenant'
import type { User } from '../user'
import { isObject, type JsonObject } from '../../http/fields'
import { randomToken } from '../crypto/secrets'
import { type TwoFactorMethodKind, isMethodId, isTwoFactorMethodKind, toPublicMethod } from '../two-factor/methods'
import { isTrusted } from '../two-factor-login/trust'
import { REDEMPTION_KINDS } from '../../store/names'
import type { LoginEnvironment } from './complete-login'
import type { AuthenticationType, LoginOutcome } from './outcome'

/** Everything POST /api/two-factor/login needs to finish the login a 242 paused. */
export interface PendingTwoFactorLogin {
  userId: string
  tenantId: string
  applicationId: string | null
  authenticationType: AuthenticationType
  loginId: string
  ipAddress: string | null
  device?: Record<string, string>
  noJWT: boolean
  /** Epoch ms the login started, for auth_time. */
  startedInstant: number
  /** Epoch ms the twoFactorId stops working (the tenant's twoFactorIdTimeToLiveInSeconds after the start). */
  expiresInstant: number
}

export interface TwoFactorGateInput {
  tenant: Tenant
  application: Application | null
  user: User
  trustId: string | null
  pending: Pick<PendingTwoFactorLogin, 'authenticationType' | 'loginId' | 'ipAddress' | 'device' | 'noJWT'>
}

/**
 * The methods a 242 lists, rebuilt through the public-view allow-list, so a secret in the user JSON
 * (an import, an old row) can never reach a response.
 */
export function publicMethods(user: User): JsonObject[] {
  const listed = user.twoFactor?.methods ?? []
  return listed.flatMap((method) => {
    if (!isObject(method) || !isMethodId(method.id) || !isTwoFactorMethodKind(method.method)) return []
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)
    return [
      {
        ...toPublicMethod({
          id: method.id,
          method: method.method,
          email: text(method.email),
          mobilePhone: text(method.mobilePhone),
          name: text(method.name),
        }),
      },
    ]
  })
}

/** The policy in force: the application's loginPolicy when it sets one, else the tenant's (`Enabled` by default). */
export function loginPolicy(tenant: Tenant, application: Application | null): 'Enabled' | 'Required' | 'Disabled' {
  const policy = application?.multiFactorConfiguration?.loginPolicy ?? tenant.multiFactorConfiguration.loginPolicy
  // ChallengeOnMediumRisk/HighRisk need risk signals this service does not have: they behave as Enabled.
  return policy === 'Required' || policy === 'Disabled' ? policy : 'Enabled'
}

/** The method kinds a user may set up under `Required`: the tenant's enabled ones this service can deliver. */
function configurableMethods(tenant: Tenant): TwoFactorMethodKind[] {
  const configuration = tenant.multiFactorConfiguration
  const enabled = (kind: string): boolean => {
    const entry = configuration[kind]
    return isObject(entry) && entry.enabled === true
  }
  return (['authenticator', 'email'] as const).filter(enabled)
}

/**
 * Decides whether this login must pass a two-factor challenge (242), or returns null to go on:
 * `Disabled` never challenges; `Enabled` challenges users with methods; `Required` also challenges users
 * without one (listing `configurableMethods`). A valid trust id (see trust.ts) skips the challenge for a
 * user with methods. The pending login is stored in KV under a fresh twoFactorId for the tenant's TTL.
 */
export async function challengeTwoFactor(env: LoginEnvironment, input: TwoFactorGateInput): Promise<LoginOutcome | null> {
  const policy = loginPolicy(input.tenant, input.application)
  if (policy === 'Disabled') return null
  const methods = publicMethods(input.user)
  const configurable = methods.length === 0 && policy === 'Required' ? configurableMethods(input.tenant) : []
  if (methods.length === 0 && configurable.length === 0) return null
  if (methods.length > 0) {
    const login = { userId: input.user.id, tenantId: input.tenant.id, application: input.application }
    if (await isTrusted(env.trustIds, input.trustId, login, env.nowMillis)) return null
  }

  const twoFactorId = randomToken(32)
  const ttlSeconds = input.tenant.externalIdentifierConfiguration.twoFactorIdTimeToLiveInSeconds
  const pending: PendingTwoFactorLogin = {
    ...input.pending,
    userId: input.user.id,
    tenantId: input.tenant.id,
    applicationId: input.application?.id ?? null,
    startedInstant: env.nowMillis,
    expiresInstant: env.nowMillis + ttlSeconds * 1000,
  }
  await env.pendingTwoFactorLogins.put(twoFactorId, pending, ttlSeconds, env.nowMillis)
  return configurable.length > 0
    ? { kind: 'twoFactorRequired', twoFactorId, methods: [], configurableMethods: configurable }
    : { kind: 'twoFactorRequired', twoFactorId, methods }
}

/**
 * The pending login for a twoFactorId, or null when unknown, past its true deadline, or already spent.
 * KV may still hold a spent id (deletes lag across locations), so the D1 redemption decides; both are read at once.
 * Read where the request reads: a replica may not show a redemption yet, and completion's batch then finds it.
 */
export async function findPendingLogin(
  env: Pick<LoginEnvironment, 'pendingTwoFactorLogins' | 'redemptions' | 'nowMillis'>,
  twoFactorId: string,
): Promise<PendingTwoFactorLogin | null> {
  const [pending, redeemed] = await Promise.all([
    env.pendingTwoFactorLogins.get(twoFactorId, env.nowMillis),
    env.redemptions.wasRedeemed(REDEMPTION_KINDS.twoFactorId, twoFactorId),
  ])
  return pending === null || redeemed ? null : pending
}

/** How long a twoFactorId's redemption row must be kept: until the pending login could no longer be used. */
export const redemptionLifetimeSeconds = (pending: PendingTwoFactorLogin, nowMillis: number): number =>
  Math.max(1, Math.ceil((pending.expiresInstant - nowMillis) / 1000))

/**
 * Spends a twoFactorId in D1: true for the one request that redeems it. The KV entry is then removed
 * on a best-effort basis; correctness rests on the redemption.
 */
export async function redeemPendingLogin(
  env: Pick<LoginEnvironment, 'pendingTwoFactorLogins' | 'redemptions' | 'nowMillis'>,
  twoFactorId: string,
  pending: PendingTwoFactorLogin,
): Promise<boolean> {
  const redeemed = await env.redemptions.redeem(
    REDEMPTION_KINDS.twoFactorId,
    twoFactorId,
    env.nowMillis,
    redemptionLifetimeSeconds(pending, env.nowMillis),
  )
  if (redeemed) await env.pendingTwoFactorLogins.delete(twoFactorId)
  return redeemed
}
