import { verificationCryptoKey } from './crypto-keys'
import { EC_LENGTHS, type KeyType, type SigningKeyMaterial, keyTypeOf } from './signing-key'

/**
 * FusionAuth's `Key` object as the Key API returns it. Members in alphabetical order, as FusionAuth
 * writes them. Never carries `secret` or `privateKey`. HMAC keys have no `length`, `publicKey` or
 * `hasPrivateKey` (FusionAuth's own HMAC sample has none). No `certificate`: keys here have none.
 */
export type KeyResponse = {
  algorithm: SigningKeyMaterial['algorithm']
  hasPrivateKey?: boolean
  id: string
  insertInstant?: number
  kid: string
  lastUpdateInstant?: number
  /** RSA: modulus bits; EC: curve bits (256, 384, 521). */
  length?: number
  name: string
  publicKey?: string
  type: KeyType
}

/** What the view needs: any key's public part; secret members, if present, are ignored. */
export type KeyView = Pick<SigningKeyMaterial, 'id' | 'kid' | 'algorithm' | 'name' | 'publicKeyPem'> & {
  insertInstant?: number
  lastUpdateInstant?: number
  /** Defaults to true for RSA/EC: every key this service generates has its private half. Say false for imported public keys. */
  hasPrivateKey?: boolean
}

/**
 * The Key API view of a key. Async because an RSA key's length is read from the imported public key.
 * `lastUpdateInstant` defaults to `insertInstant`: keys are never modified after creation here.
 */
export async function toKeyResponse(key: KeyView): Promise<KeyResponse> {
  const type = keyTypeOf(key.algorithm)
  const asymmetric = type !== 'HMAC'
  const length = asymmetric ? await keyLength(key) : undefined
  const lastUpdateInstant = key.lastUpdateInstant ?? key.insertInstant
  // Built as one literal so JSON member order is alphabetical, as FusionAuth writes it.
  return {
    algorithm: key.algorithm,
    ...(asymmetric && { hasPrivateKey: key.hasPrivateKey ?? true }),
    id: key.id,
    ...(key.insertInstant !== undefined && { insertInstant: key.insertInstant }),
    kid: key.kid,
    ...(lastUpdateInstant !== undefined && { lastUpdateInstant }),
    ...(length !== undefined && { length }),
    name: key.name,
    ...(asymmetric && key.publicKeyPem !== undefined && { publicKey: key.publicKeyPem }),
    type,
  }
}

async function keyLength(key: KeyView): Promise<number | undefined> {
  switch (key.algorithm) {
    case 'ES256':
    case 'ES384':
    case 'ES512':
      return EC_LENGTHS[key.algorithm]
    case 'RS256':
    case 'RS384':
    case 'RS512': {
      const cryptoKey = verificationCryptoKey(key)
      if (cryptoKey === null) return undefined
      const algorithm = (await cryptoKey).algorithm
      return 'modulusLength' in algorithm ? algorithm.modulusLength : undefined
    }
    default:
      return undefined
  }
}
