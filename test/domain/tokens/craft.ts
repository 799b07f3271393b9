import { bytesToBase64Url, utf8 } from '../../../src/domain/crypto/encoding'

/** Hand-made JWT pieces, independent of jose, for forging tokens the verifier must refuse. */
export const segment = (value: unknown): string => bytesToBase64Url(utf8(JSON.stringify(value)))

export async function hmacSha256(secretText: string, input: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', utf8(secretText), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(input))))
}

/** A compact JWS signed with HMAC-SHA256 over the UTF-8 bytes of `secretText`. */
export async function craftHs256(header: object, payload: object, secretText: string): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`
  return `${input}.${await hmacSha256(secretText, input)}`
}

export function decodeSegment(token: string, index: 0 | 1): unknown {
  const part = token.split('.')[index] ?? ''
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'))
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))))
}
