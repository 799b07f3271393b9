import { exportJWK } from 'jose'
import { verificationCryptoKey } from './crypto-keys'
import { type SigningAlgorithm, type SigningKeyMaterial, keyTypeOf } from './signing-key'

/** A public RSA JWK, members in FusionAuth's (alphabetical) order. */
export type RsaPublicJwk = { alg: SigningAlgorithm; e: string; kid: string; kty: 'RSA'; n: string; use: 'sig' }

/** A public EC JWK, members in alphabetical order. */
export type EcPublicJwk = { alg: SigningAlgorithm; crv: string; kid: string; kty: 'EC'; use: 'sig'; x: string; y: string }

export type PublicJwk = RsaPublicJwk | EcPublicJwk

/** The public half of a key needed for the JWKS and public-key endpoints; secret members are never read. */
export type PublicKeyView = Pick<SigningKeyMaterial, 'id' | 'kid' | 'algorithm' | 'publicKeyPem'> & { name?: string }

/**
 * The public JWK of an RSA or EC key, or null for HMAC keys (their secret is the whole key) and for keys
 * without a public PEM. Members are copied one by one from the exported key, so private members
 * (`d`, `p`, `q`, `dp`, `dq`, `qi`) cannot slip through whatever jose returns.
 */
export async function toJwk(key: PublicKeyView): Promise<PublicJwk | null> {
  if (keyTypeOf(key.algorithm) === 'HMAC' || key.publicKeyPem === undefined) return null
  const cryptoKey = verificationCryptoKey({ ...key, name: key.name ?? '' })
  if (cryptoKey === null) return null
  const jwk = await exportJWK(await cryptoKey)
  if (jwk.kty === 'RSA' && typeof jwk.e === 'string' && typeof jwk.n === 'string') {
    return { alg: key.algorithm, e: jwk.e, kid: key.kid, kty: 'RSA', n: jwk.n, use: 'sig' }
  }
  if (jwk.kty === 'EC' && typeof jwk.crv === 'string' && typeof jwk.x === 'string' && typeof jwk.y === 'string') {
    return { alg: key.algorithm, crv: jwk.crv, kid: key.kid, kty: 'EC', use: 'sig', x: jwk.x, y: jwk.y }
  }
  throw new Error(`key [${key.id}] exported an unexpected JWK type [${jwk.kty ?? 'none'}]`)
}

/** `/.well-known/jwks.json`: the RSA and EC keys; HMAC keys never appear. */
export async function jsonWebKeySet(keys: PublicKeyView[]): Promise<{ keys: PublicJwk[] }> {
  const jwks = await Promise.all(keys.map(toJwk))
  return { keys: jwks.filter((jwk): jwk is PublicJwk => jwk !== null) }
}

/** `GET /api/jwt/public-key`: `{publicKeys: {kid: pem}}` for every key with a public half (no HMAC keys). */
export function publicKeysByKid(keys: PublicKeyView[]): { publicKeys: Record<string, string> } {
  const publicKeys: Record<string, string> = {}
  for (const key of keys) {
    if (keyTypeOf(key.algorithm) !== 'HMAC' && key.publicKeyPem !== undefined) publicKeys[key.kid] = key.publicKeyPem
  }
  return { publicKeys }
}
