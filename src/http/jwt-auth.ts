/**
 * JWT authentication for the endpoints FusionAuth lets a user call with their own access token
 * (validate, the JWT ping, change password with a JWT): `Authorization: Bearer <jwt>`, else the
 * `access_token` cookie.
 */
import type { Context } from 'hono'
import type { SigningKeyMaterial } from '../domain/tokens/signing-key'
import { type JwtClaims, verifyJwt } from '../domain/tokens/jwt'
import type { AppEnv } from '../env'
import { SigningKeyStore } from '../store/signing-key-store'
import { ACCESS_TOKEN_COOKIE, readCookie } from './cookies'

/** Keys never change under their kid, so a short per-isolate cache only delays a deletion by a minute. */
const CACHE_MILLIS = 60_000
const byKid = new Map<string, { material: SigningKeyMaterial | null; loadedAtMillis: number }>()

async function keyByKid(db: D1Database, encryptionKey: string | undefined, kid: string, nowMillis: number): Promise<SigningKeyMaterial | null> {
  const hit = byKid.get(kid)
  if (hit !== undefined && hit.material !== null && nowMillis >= hit.loadedAtMillis && nowMillis - hit.loadedAtMillis < CACHE_MILLIS) {
    return hit.material
  }
  const material = await new SigningKeyStore(db, encryptionKey).getByKid(kid)
  // Unknown kids are not cached: a forger could otherwise fill the map with junk.
  if (material === null) byKid.delete(kid)
  else byKid.set(kid, { material, loadedAtMillis: nowMillis })
  return material
}

/** The encoded JWT a request presents: the Bearer header wins over the cookie; null when there is none. */
export function presentedJwt(c: Context<AppEnv>): string | null {
  const header = c.req.header('authorization')
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (match?.[1] !== undefined) return match[1]
  const cookie = readCookie(c, ACCESS_TOKEN_COOKIE)
  return cookie === undefined || cookie === '' ? null : cookie
}

/**
 * The verified claims of the request's JWT, or null when there is none or it does not verify:
 * unknown `kid`, an `alg` other than the key's own (`none` and HS/RS confusion included), a bad
 * signature, or `exp` passed at the request's clock (`nowMillis`, which tests may pin).
 */
export async function authenticateJwt(c: Context<AppEnv>): Promise<JwtClaims | null> {
  const token = presentedJwt(c)
  if (token === null) return null
  const nowMillis = c.get('nowMillis')
  const result = await verifyJwt(token, (kid) => keyByKid(c.env.DB, c.env.ENCRYPTION_KEY, kid, nowMillis), Math.floor(nowMillis / 1000))
  if (!result.ok) return null
  // Every token this service issues carries exp; one without it never expires and is not ours.
  if (typeof result.claims.exp !== 'number' || typeof result.claims.sub !== 'string') return null
  return result.claims
}
