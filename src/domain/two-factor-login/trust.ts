import type { Application } from '../application'
import type { Tenant } from '../tenant'
import { randomToken } from '../crypto/secrets'
import type { ExpiringValueStore } from '../../store/expiring-value-store'

/** Where trust ids live: the request's DataContext.trustIds (KV, `trustId` prefix of store/names.ts). */
type TrustStore = ExpiringValueStore<TwoFactorTrust>

/** What a trust id vouches for: this user in this tenant, established while logging in to this application. */
export interface TwoFactorTrust {
  userId: string
  tenantId: string
  applicationId: string | null
  issuedInstant: number
}

/** The application's trustPolicy: `Any` (default) lets trust from any application count, `This` only its own, `None` none. */
export type TrustPolicy = 'Any' | 'This' | 'None'

export function trustPolicyOf(application: Application | null): TrustPolicy {
  const policy = application?.multiFactorConfiguration?.trustPolicy
  return policy === 'This' || policy === 'None' ? policy : 'Any'
}

/** Trust lifetime: the application's externalIdentifierConfiguration override, else the tenant's (30 days by default). */
export function trustTtlSeconds(tenant: Tenant, application: Application | null): number {
  const own = application?.externalIdentifierConfiguration?.twoFactorTrustIdTimeToLiveInSeconds
  return typeof own === 'number' && Number.isSafeInteger(own) && own > 0
    ? own
    : tenant.externalIdentifierConfiguration.twoFactorTrustIdTimeToLiveInSeconds
}

/** Issues a trust id after a completed two-factor login with trustComputer. */
export async function issueTrust(
  trustIds: TrustStore,
  subject: { userId: string; tenant: Tenant; application: Application | null },
  nowMillis: number,
): Promise<{ trustId: string; ttlSeconds: number }> {
  const trustId = randomToken(32)
  const ttlSeconds = trustTtlSeconds(subject.tenant, subject.application)
  const trust: TwoFactorTrust = {
    userId: subject.userId,
    tenantId: subject.tenant.id,
    applicationId: subject.application?.id ?? null,
    issuedInstant: nowMillis,
  }
  await trustIds.put(trustId, trust, ttlSeconds, nowMillis)
  return { trustId, ttlSeconds }
}

/**
 * Whether a presented trust id lets this login skip the challenge: it must exist and be within its
 * deadline, belong to this user and tenant, and satisfy the application's trustPolicy.
 * Trust is not single use, so KV (eventually consistent) is enough; the worst case is a just-issued
 * trust id not yet visible elsewhere, which only costs one more challenge.
 */
export async function isTrusted(
  trustIds: TrustStore,
  trustId: string | null,
  login: { userId: string; tenantId: string; application: Application | null },
  nowMillis: number,
): Promise<boolean> {
  if (trustId === null || trustId === '') return false
  const policy = trustPolicyOf(login.application)
  if (policy === 'None') return false
  const trust = await trustIds.get(trustId, nowMillis)
  if (trust === null || trust.userId !== login.userId || trust.tenantId !== login.tenantId) return false
  return policy === 'Any' || trust.applicationId === (login.application?.id ?? null)
}
