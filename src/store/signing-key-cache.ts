import type { SigningKeyMaterial } from '../domain/tokens/signing-key'
import type { SigningKeyStore } from './signing-key-store'

/** Keys never change under their id, so a short cache only delays a deletion; 60 s matches FusionAuth's key cache. */
const CACHE_MILLIS = 60_000

const cache = new Map<string, { material: SigningKeyMaterial; loadedAtMillis: number }>()

/**
 * A signing key by id, decrypted, cached in the isolate: the login hot path signs on every request and
 * should not pay a D1 round trip and an AES-GCM decryption each time.
 */
export async function loadSigningKey(store: SigningKeyStore, id: string, nowMillis: number): Promise<SigningKeyMaterial | null> {
  const hit = cache.get(id)
  if (hit !== undefined && nowMillis - hit.loadedAtMillis < CACHE_MILLIS && nowMillis >= hit.loadedAtMillis) return hit.material
  const material = await store.get(id)
  if (material === null) {
    cache.delete(id)
    return null
  }
  cache.set(id, { material, loadedAtMillis: nowMillis })
  return material
}

/** Drops a key from this isolate's cache (after deleting it). */
export function forgetSigningKey(id: string): void {
  cache.delete(id)
}
