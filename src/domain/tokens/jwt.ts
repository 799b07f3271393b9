import { SignJWT, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose'
import { signingCryptoKey, verificationCryptoKey } from './crypto-keys'
import { type SigningAlgorithm, type SigningKeyMaterial, isSigningAlgorithm } from './signing-key'

/** Claims as they travel: a JSON object (jose's JWTPayload: the registered claims typed, the rest unknown). */
export type JwtClaims = JWTPayload

/** The header this service writes, and the part of a verified header callers may read. */
export type JwtHeader = {
  alg: SigningAlgorithm
  typ?: string
  kid: string
}

export type VerifyFailureReason = 'malformed' | 'unknown-key' | 'bad-signature' | 'expired' | 'algorithm'

export type VerifyResult = { ok: true; claims: JwtClaims; header: JwtHeader } | { ok: false; reason: VerifyFailureReason }

/** Looks a key up by the token's `kid`; null when there is none. */
export type KeyResolver = (kid: string) => Promise<SigningKeyMaterial | null>

export interface SignOptions {
  /** Used only to add `iat` when the claims lack one (access-token claims always carry their own). */
  nowSeconds?: number
}

/**
 * Signs `claims` as a compact JWS with header `{alg, typ: 'JWT', kid}` (that order, as FusionAuth writes it).
 * Claim order is kept as given.
 */
export async function signJwt(claims: JwtClaims, key: SigningKeyMaterial, options: SignOptions = {}): Promise<string> {
  const payload = claims.iat === undefined && options.nowSeconds !== undefined ? { ...claims, iat: options.nowSeconds } : claims
  const header: JwtHeader = { alg: key.algorithm, typ: 'JWT', kid: key.kid }
  return new SignJWT(payload).setProtectedHeader(header).sign(await signingCryptoKey(key))
}

/**
 * Verifies a compact JWS against the key its `kid` names, at `nowSeconds`.
 *
 * The accepted algorithm is the key's own and nothing else, decided before any signature check:
 * `alg: none`, an algorithm this service does not sign with, and an `alg` that differs from the key's
 * (the HS256-with-the-RSA-public-key trick) all fail with `algorithm`. Never throws for bad input.
 * `nbf` in the future is reported as `expired` (the token is not valid at this time either way).
 */
export async function verifyJwt(token: string, resolveKey: KeyResolver, nowSeconds: number): Promise<VerifyResult> {
  if (token.split('.').length !== 3) return { ok: false, reason: 'malformed' }
  let alg: unknown
  let kid: unknown
  try {
    ;({ alg, kid } = decodeProtectedHeader(token))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (!isSigningAlgorithm(alg)) return { ok: false, reason: 'algorithm' }
  if (typeof kid !== 'string' || kid === '') return { ok: false, reason: 'unknown-key' }

  const material = await resolveKey(kid)
  if (material === null) return { ok: false, reason: 'unknown-key' }
  if (alg !== material.algorithm) return { ok: false, reason: 'algorithm' }
  const cryptoKey = verificationCryptoKey(material)
  if (cryptoKey === null) return { ok: false, reason: 'unknown-key' }

  try {
    const { payload, protectedHeader } = await jwtVerify(token, await cryptoKey, {
      algorithms: [material.algorithm],
      currentDate: new Date(nowSeconds * 1000),
    })
    const header: JwtHeader = { alg: material.algorithm, kid }
    if (typeof protectedHeader.typ === 'string') header.typ = protectedHeader.typ
    return { ok: true, claims: payload, header }
  } catch (error) {
    return { ok: false, reason: failureReason(error) }
  }
}

function failureReason(error: unknown): VerifyFailureReason {
  if (error instanceof errors.JWTExpired) return 'expired'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm'
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf' && error.reason === 'check_failed') return 'expired'
  return 'malformed'
}
