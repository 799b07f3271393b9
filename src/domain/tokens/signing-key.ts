import { generateKeyPair } from 'jose'
import { bytesToBase64, bytesToBase64Url, bytesToHex } from '../crypto/encoding'
import { randomBytes } from '../crypto/secrets'
import { exportPrivatePem, exportPublicPem, pemToDer } from './pem'

/** The JWS algorithms a signing key can have (FusionAuth's KeyAlgorithm, minus Ed25519). */
export const SIGNING_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const

export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number]

/** FusionAuth's Key `type`. */
export type KeyType = 'HMAC' | 'RSA' | 'EC'

/**
 * A signing key with its secret half. HMAC keys carry `secret`; RSA/EC keys carry PEMs.
 * The store encrypts `secret` and `privateKeyPem` at rest; nothing else here is sensitive.
 */
export interface SigningKeyMaterial {
  id: string
  kid: string
  algorithm: SigningAlgorithm
  name: string
  /** HMAC secret, Base64 text. Its UTF-8 bytes are the HMAC key, as in FusionAuth (fusionauth-jwt `HMACSigner(String)`). */
  secret?: string
  /** PKCS#8 PEM. */
  privateKeyPem?: string
  /** SPKI PEM. */
  publicKeyPem?: string
}

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value)
}

export function keyTypeOf(algorithm: SigningAlgorithm): KeyType {
  if (algorithm.startsWith('HS')) return 'HMAC'
  return algorithm.startsWith('RS') ? 'RSA' : 'EC'
}

/** The curve each ECDSA algorithm is defined on (RFC 7518 §3.4). */
/** Curve size in bits: what FusionAuth reports as an EC key's `length`. */
export const EC_LENGTHS = { ES256: 256, ES384: 384, ES512: 521 } as const

/** HMAC secret sizes: as many random bytes as the hash's output (RFC 7518 §3.2 asks for at least that). */
const HMAC_SECRET_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const

export const DEFAULT_RSA_LENGTH = 2048
const RSA_LENGTHS = [2048, 3072, 4096]

export interface GenerateSigningKeyOptions {
  algorithm: SigningAlgorithm
  name: string
  /** Defaults to a random UUID. */
  id?: string
  /** RSA modulus bits (2048, 3072 or 4096; default 2048). Ignored for HMAC and EC, whose sizes follow the algorithm. */
  length?: number
}

/**
 * Generates a new key.
 *
 * `kid` choice:
 * - HMAC: 9 random hex characters, the shape of FusionAuth's seeded keys (`cdaf79212`).
 * - RSA/EC: base64url SHA-1 of the public key's SPKI DER (27 characters). FusionAuth uses the SHA-1
 *   thumbprint of the key's X.509 certificate (`x5t`); there is no certificate here, so the public key
 *   itself is hashed. Same length and alphabet, and derivable from the public key alone.
 */
export async function generateSigningKey(options: GenerateSigningKeyOptions): Promise<SigningKeyMaterial> {
  const { algorithm, name } = options
  const id = options.id ?? crypto.randomUUID()
  switch (algorithm) {
    case 'HS256':
    case 'HS384':
    case 'HS512':
      return { id, kid: hmacKid(), algorithm, name, secret: bytesToBase64(randomBytes(HMAC_SECRET_BYTES[algorithm])) }
    case 'RS256':
    case 'RS384':
    case 'RS512': {
      const length = options.length ?? DEFAULT_RSA_LENGTH
      if (!RSA_LENGTHS.includes(length)) throw new RangeError(`RSA key length must be one of ${RSA_LENGTHS.join(', ')}`)
      const pair = await generateKeyPair(algorithm, { modulusLength: length, extractable: true })
      return pairMaterial(id, algorithm, name, pair)
    }
    case 'ES256':
    case 'ES384':
    case 'ES512': {
      const pair = await generateKeyPair(algorithm, { extractable: true })
      return pairMaterial(id, algorithm, name, pair)
    }
  }
}

async function pairMaterial(
  id: string,
  algorithm: SigningAlgorithm,
  name: string,
  pair: { privateKey: CryptoKey; publicKey: CryptoKey },
): Promise<SigningKeyMaterial> {
  const publicKeyPem = await exportPublicPem(pair.publicKey)
  const privateKeyPem = await exportPrivatePem(pair.privateKey)
  return { id, kid: await publicKeyKid(publicKeyPem), algorithm, name, privateKeyPem, publicKeyPem }
}

/** 9 hex characters (36 random bits): unique enough for a handful of keys; the store's UNIQUE(kid) catches the rest. */
export const hmacKid = (): string => bytesToHex(randomBytes(5)).slice(0, 9)

/** base64url(SHA-1(SPKI DER)) — 27 characters. SHA-1 names the key here; it protects nothing. */
export async function publicKeyKid(publicKeyPem: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', pemToDer(publicKeyPem))
  return bytesToBase64Url(new Uint8Array(digest))
}
