/**
 * FusionAuth's tenant rate limits ("Advanced Threat Detection", an Enterprise feature there): per user, at most
 * `limit` requests of a type in `timePeriodInSeconds`. Counted in D1 before the work is done (count first, then
 * check), so concurrent requests cannot all pass a check made before any of them was counted.
 *
 * The window is fixed: it starts with the first request counted after the previous window ended, and refused
 * requests, though counted, never extend it. FusionAuth documents that a rate-limited login "will not extend the
 * duration of the lockout"; a fixed window gives that for every type.
 */
import { isObject } from '../http/fields'
import { sha256Base64Url } from './crypto/secrets'
import type { Tenant } from './tenant'
import type { DataContext } from '../store/data-context'
import type { CountedRequest } from '../store/rate-limit-store'

/**
 * The types FusionAuth has. Only failedLogin, forgotPassword and sendTwoFactor have endpoints here; the others
 * are stored and validated so tenants round-trip, with nothing to limit.
 */
export const RATE_LIMITED_REQUEST_TYPES = [
  'failedLogin',
  'forgotPassword',
  'sendEmailVerification',
  'sendPasswordless',
  'sendRegistrationVerification',
  'sendTwoFactor',
] as const

export type RateLimitedRequestType = (typeof RATE_LIMITED_REQUEST_TYPES)[number]

export interface RateLimitedRequestConfiguration {
  enabled: boolean
  limit: number
  timePeriodInSeconds: number
}

export type TenantRateLimitConfiguration = Record<RateLimitedRequestType, RateLimitedRequestConfiguration>

/** FusionAuth's defaults (TenantRateLimitConfiguration): every type disabled, 5 per 60 seconds. */
export function rateLimitDefaults(): TenantRateLimitConfiguration {
  const entry = (): RateLimitedRequestConfiguration => ({ enabled: false, limit: 5, timePeriodInSeconds: 60 })
  return {
    failedLogin: entry(),
    forgotPassword: entry(),
    sendEmailVerification: entry(),
    sendPasswordless: entry(),
    sendRegistrationVerification: entry(),
    sendTwoFactor: entry(),
  }
}

/** Whom a request counts against: a user (FusionAuth keys by user id), or a login id that names no user. */
export type RateLimitSubject = { userId: string } | { loginId: string }

/**
 * The counter key: `<name>:<tenant id>:<subject>`. A login id is lower-cased and hashed, so the table holds no
 * email addresses and `Bob@x` and `bob@x` share a counter, as they name one user.
 */
export async function counterKey(name: string, tenantId: string, subject: RateLimitSubject): Promise<string> {
  const who = 'userId' in subject ? `user:${subject.userId}` : `loginId:${await sha256Base64Url(subject.loginId.trim().toLowerCase())}`
  return `${name}:${tenantId}:${who}`
}

/** The tenant's setting for a type when it is enabled and usable, else null (no limit). Tolerates stored tenants without the setting. */
function enabledConfiguration(tenant: Tenant, type: RateLimitedRequestType): RateLimitedRequestConfiguration | null {
  const all: unknown = tenant.rateLimitConfiguration
  const entry = isObject(all) ? all[type] : undefined
  if (!isObject(entry) || entry.enabled !== true) return null
  const { limit, timePeriodInSeconds } = entry
  if (typeof limit !== 'number' || typeof timePeriodInSeconds !== 'number' || !(limit > 0) || !(timePeriodInSeconds > 0)) return null
  return { enabled: true, limit, timePeriodInSeconds }
}

/** A counted request that was within the limit; `release` takes it back when it turns out not to count (a right password). */
export interface AllowedRequest {
  release(): Promise<void>
}

export type RateLimitDecision = { limited: false; allowed: AllowedRequest | null } | { limited: true }

const NOTHING_COUNTED: RateLimitDecision = { limited: false, allowed: null }

/**
 * Counts one request of `type` for `subject` and says whether it is within the tenant's limit. Costs one D1
 * write when the type is enabled and nothing when it is not (FusionAuth's default).
 */
export async function countRequest(
  data: Pick<DataContext, 'rateLimits' | 'nowMillis'>,
  tenant: Tenant,
  type: RateLimitedRequestType,
  subject: RateLimitSubject,
): Promise<RateLimitDecision> {
  const configuration = enabledConfiguration(tenant, type)
  if (configuration === null) return NOTHING_COUNTED
  const store = data.rateLimits
  const key = await counterKey(type, tenant.id, subject)
  const counted: CountedRequest = await store.count(key, data.nowMillis, configuration.timePeriodInSeconds * 1000)
  if (counted.count > configuration.limit) return { limited: true }
  return { limited: false, allowed: { release: () => store.release(key, counted) } }
}
