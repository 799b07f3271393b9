import { exportPKCS8, exportSPKI } from 'jose'
import { base64ToBytes } from '../crypto/encoding'

/**
 * PEM helpers. Output has 64-character lines and no trailing newline, the shape FusionAuth's
 * Key API shows for `publicKey`.
 */

/** SPKI PEM (`-----BEGIN PUBLIC KEY-----`) of an extractable public CryptoKey. */
export const exportPublicPem = (publicKey: CryptoKey): Promise<string> => exportSPKI(publicKey)

/** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) of an extractable private CryptoKey. */
export const exportPrivatePem = (privateKey: CryptoKey): Promise<string> => exportPKCS8(privateKey)

const PEM_ARMOR = /-----(?:BEGIN|END) [A-Z0-9 ]+-----/g

/** The DER bytes inside a PEM block. Throws on text that is not Base64 once the armor is removed. */
export function pemToDer(pem: string): Uint8Array {
  return base64ToBytes(pem.replace(PEM_ARMOR, '').replace(/\s+/g, ''))
}

/** The block's label (`PUBLIC KEY`, `PRIVATE KEY`, `CERTIFICATE`), or null when the text is not PEM. */
export function pemLabel(pem: string): string | null {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)
  return match?.[1] ?? null
}
