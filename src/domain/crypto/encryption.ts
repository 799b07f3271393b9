import { base64ToBytes, bytesToBase64 } from './encoding'
import { randomBytes } from './secrets'

/**
 * AES-256-GCM for secrets at rest (signing keys, TOTP secrets). The key is the Worker secret
 * ENCRYPTION_KEY: Base64 of 32 bytes. Ciphertext format: `v1.<base64 iv>.<base64 ciphertext+tag>`.
 */
export class SecretBox {
  private constructor(private readonly key: CryptoKey) {}

  static async fromBase64Key(base64Key: string | undefined): Promise<SecretBox> {
    if (base64Key === undefined || base64Key === '') {
      throw new Error(
        'ENCRYPTION_KEY is not configured: set it with `wrangler secret put ENCRYPTION_KEY` (npm start writes one into .dev.vars)',
      )
    }
    const raw = base64ToBytes(base64Key)
    if (raw.byteLength !== 32) throw new Error('ENCRYPTION_KEY must be Base64 of exactly 32 bytes')
    const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
    return new SecretBox(key)
  }

  async encrypt(plaintext: Uint8Array): Promise<string> {
    const iv = randomBytes(12)
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, this.key, plaintext))
    return `v1.${bytesToBase64(iv)}.${bytesToBase64(sealed)}`
  }

  async decrypt(box: string): Promise<Uint8Array> {
    const [version, iv, sealed] = box.split('.')
    if (version !== 'v1' || iv === undefined || sealed === undefined) throw new Error('unrecognised ciphertext')
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: base64ToBytes(iv) }, this.key, base64ToBytes(sealed))
    return new Uint8Array(plain)
  }

  async encryptText(plaintext: string): Promise<string> {
    return this.encrypt(new TextEncoder().encode(plaintext))
  }

  async decryptText(box: string): Promise<string> {
    return new TextDecoder().decode(await this.decrypt(box))
  }
}

const boxes = new Map<string, Promise<SecretBox>>()

/** One SecretBox per isolate and key: importing the key once saves work on every request. */
export function secretBox(base64Key: string | undefined): Promise<SecretBox> {
  const cacheKey = base64Key ?? ''
  let box = boxes.get(cacheKey)
  if (box === undefined) {
    box = SecretBox.fromBase64Key(base64Key)
    box.catch(() => boxes.delete(cacheKey))
    boxes.set(cacheKey, box)
  }
  return box
}
