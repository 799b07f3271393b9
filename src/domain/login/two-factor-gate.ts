import type { Application } from '../application'
import type { Tenant } from '../tenant'
import type { User } from '../user'
import type { JsonObject } from '../../http/fields'
import { randomToken } from '../crypto/secrets'
import { ExpiringValueStore } from '../../store/expiring-value-store'
import type { LoginEnvironment } from './complete-login'
import type { AuthenticationType, LoginOutcome } from './outcome'

/** KV prefix of pending two-factor logins, keyed by twoFactorId (docs/storage.md). */
export const PENDING_TWO_FACTOR_PREFIX = '2fa:'

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
}

export interface TwoFactorGateInput {
  tenant: Tenant
  application: Application | null
  user: User
  trustId: string | null
  pending: Pick<PendingTwoFactorLogin, 'authenticationType' | 'loginId' | 'ipAddress' | 'device' | 'noJWT'>
}

/** The methods a 242 lists: ids and kinds, never secrets. */
export function publicMethods(user: User): JsonObject[] {
  return (user.twoFactor?.methods ?? []).map(({ secret: _secret, ...shown }) => shown)
}

/**
 * Decides whether this login must pass a two-factor challenge (242). Returns the challenge outcome,
 * or null to go on. The pending login is stored in KV under a fresh twoFactorId for the tenant's TTL.
 */
export async function challengeTwoFactor(env: LoginEnvironment, input: TwoFactorGateInput): Promise<LoginOutcome | null> {
  const methods = publicMethods(input.user)
  if (methods.length === 0) return null
  const policy = input.application?.multiFactorConfiguration?.loginPolicy ?? input.tenant.multiFactorConfiguration.loginPolicy
  if (policy === 'Disabled') return null

  const twoFactorId = randomToken(32)
  const pending: PendingTwoFactorLogin = {
    ...input.pending,
    userId: input.user.id,
    tenantId: input.tenant.id,
    applicationId: input.application?.id ?? null,
    startedInstant: env.nowMillis,
  }
  await new ExpiringValueStore<PendingTwoFactorLogin>(env.kv, PENDING_TWO_FACTOR_PREFIX).put(
    twoFactorId,
    pending,
    input.tenant.externalIdentifierConfiguration.twoFactorIdTimeToLiveInSeconds,
    env.nowMillis,
  )
  return { kind: 'twoFactorRequired', twoFactorId, methods }
}
