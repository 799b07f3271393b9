import { bytesToBase64Url, utf8 } from '../crypto/encoding'
import { sha256Base64Url } from '../crypto/secrets'
import { generateNumericCode } from '../two-factor/one-time-code'
import { recoveryCodeKey } from '../two-factor/recovery-codes'
import type { DataContext } from '../../store/data-context'

/**
 * Emailed six-digit codes. Each code lives in D1 (two_factor_codes) under a scope: a pending login
 * (`login:` + SHA-256 of its twoFactorId) or a user's enable/disable request (`user:` + id). One row per
 * scope, so a later send overwrites the earlier code and only the newest works. D1 rather than KV: the
 * overwrite must take effect everywhere at once, and KV refuses more than one write per second to a key,
 * which two quick resends would hit.
 *
 * Codes are stored as HMAC-SHA-256 under the recovery-code key (derived from ENCRYPTION_KEY) over
 * scope and code, so six digits cannot be brute-forced from a leaked table and a hash is useless in another scope.
 */

export const loginCodeScope = async (twoFactorId: string): Promise<string> => `login:${await sha256Base64Url(twoFactorId)}`
export const userCodeScope = (userId: string): string => `user:${userId}`

/** Targets: what a code was sent for, checked when it is used. */
export const emailTarget = (email: string): string => `email:${email.trim().toLowerCase()}`
export const methodTarget = (methodId: string): string => `method:${methodId}`
/** The code a `Required` login gets back from enabling its first method (enable with twoFactorId). */
export const ENABLE_TARGET = 'enable'

export async function hashOneTimeCode(encryptionKey: string | undefined, scope: string, code: string): Promise<string> {
  const key = await recoveryCodeKey(encryptionKey)
  const mac = await crypto.subtle.sign('HMAC', key, utf8(`one-time-code|${scope}|${code}`))
  return bytesToBase64Url(new Uint8Array(mac))
}

/** Creates a fresh code for a scope (replacing any earlier one) and returns it in clear, for mailing or the response. */
export async function issueOneTimeCode(data: DataContext, scope: string, target: string, expiresInstant: number): Promise<string> {
  const code = generateNumericCode(6)
  await data.twoFactor.putCode(scope, await hashOneTimeCode(data.encryptionKey, scope, code), target, expiresInstant)
  return code
}

/**
 * Issues a code and mails it through the context's mailer. The code is stored before the mail goes out, so a
 * fast user never types a code the server lacks.
 */
export async function mailOneTimeCode(
  data: DataContext,
  delivery: { scope: string; target: string; to: string; expiresInstant: number },
): Promise<void> {
  const code = await issueOneTimeCode(data, delivery.scope, delivery.target, delivery.expiresInstant)
  const minutes = Math.max(1, Math.round((delivery.expiresInstant - data.nowMillis) / 60_000))
  await data.mailer.send({
    to: delivery.to,
    subject: 'Your verification code',
    text: `Your verification code is ${code}. It expires in about ${minutes} minute${minutes === 1 ? '' : 's'}. If you did not ask for it, ignore this message.`,
  })
}
