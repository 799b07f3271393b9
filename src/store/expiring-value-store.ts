import { sha256Base64Url } from '../domain/crypto/secrets'

/** KV refuses expirations less than 60 s away, in production and in miniflare alike. */
export const KV_MIN_TTL_SECONDS = 60

interface Envelope<T> {
  value: T
  expiresAtMillis: number
}

/** The TTL handed to KV: never below the platform minimum. */
export const kvTtlSeconds = (ttlSeconds: number): number => Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds))

/**
 * Short-lived values in KV under a hashed key (twoFactorIds, trust ids, one-time passwords, change-password ids).
 * KV's TTL is clamped to its 60 s minimum, so the true deadline travels inside the value and is checked on read.
 * KV is eventually consistent and cannot delete atomically: single use is enforced by RedemptionStore in D1, never here.
 */
export class ExpiringValueStore<T> {
  constructor(
    private readonly kv: KVNamespace,
    /** Key prefix naming what is stored, e.g. `2fa:`; docs/storage.md lists them. */
    private readonly prefix: string,
  ) {}

  private async key(token: string): Promise<string> {
    return this.prefix + (await sha256Base64Url(token))
  }

  async put(token: string, value: T, ttlSeconds: number, nowMillis: number): Promise<void> {
    const envelope: Envelope<T> = { value, expiresAtMillis: nowMillis + ttlSeconds * 1000 }
    await this.kv.put(await this.key(token), JSON.stringify(envelope), { expirationTtl: kvTtlSeconds(ttlSeconds) })
  }

  /** The value, or null when absent or past its true deadline. */
  async get(token: string, nowMillis: number): Promise<T | null> {
    const text = await this.kv.get(await this.key(token))
    if (text === null) return null
    // Written by put() above from a T; KV holds nothing else under this prefix.
    const envelope = JSON.parse(text) as Envelope<T>
    return envelope.expiresAtMillis > nowMillis ? envelope.value : null
  }

  /** Best-effort removal; correctness never depends on it (see RedemptionStore). */
  async delete(token: string): Promise<void> {
    await this.kv.delete(await this.key(token))
  }
}
