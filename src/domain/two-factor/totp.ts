import { createGuardrails } from '@otplib/core'
import { crypto as webCrypto } from '@otplib/plugin-crypto-web'
import { generate } from '@otplib/totp'
import { timingSafeEqualStrings } from '../crypto/secrets'

/**
 * TOTP (RFC 6238) with FusionAuth's fixed parameters: HmacSHA1, 6 digits, 30-second steps, T0 = 0.
 * The HMAC key is the raw secret bytes (FusionAuth decodes the Base64 `secret` and uses those bytes).
 *
 * otplib computes the codes, its HMAC through the Web Crypto plugin (crypto.subtle, native in workerd). `generate`
 * comes from @otplib/totp rather than the `otplib` entry, whose defaults import the pure-JS noble plugin and would
 * bundle @noble/hashes (about 14 KiB) although it is never used. The acceptance window, replay rule and comparison
 * are ours rather than otplib's `verify`:
 * its verify returns at the first matching step (timing tells which step matched), throws when
 * `afterTimeStep` lies beyond the window, and uses its own compare instead of the project's helper.
 */

export const TOTP_ALGORITHM = 'HmacSHA1'
export const TOTP_CODE_LENGTH = 6
export const TOTP_TIME_STEP_SECONDS = 30

/**
 * Shortest key accepted: 80 bits, the size many authenticator set-ups use (e.g. `JBSWY3DPEHPK3PXP`).
 * FusionAuth's own secrets are 15 bytes, below otplib's default floor of 16, so the floor is set here.
 */
export const TOTP_MIN_KEY_BYTES = 10
/** Longest key accepted (otplib's ceiling; HMAC-SHA1 would hash anything longer than a block anyway). */
export const TOTP_MAX_KEY_BYTES = 64

const guardrails = createGuardrails({ MIN_SECRET_BYTES: TOTP_MIN_KEY_BYTES, MAX_SECRET_BYTES: TOTP_MAX_KEY_BYTES })
const CODE_PATTERN = /^[0-9]{6}$/

/** The RFC 6238 time step (counter) for an instant: floor(seconds / 30). */
export const timeStepAt = (nowMillis: number): number => Math.floor(nowMillis / 1000 / TOTP_TIME_STEP_SECONDS)

/**
 * The 6-digit code for one time step.
 * Throws (caller misuse) when the key is outside 10..64 bytes or the step is not a non-negative integer.
 */
export async function totpCode(keyBytes: Uint8Array, timeStep: number): Promise<string> {
  if (!Number.isSafeInteger(timeStep) || timeStep < 0) throw new RangeError('timeStep must be a non-negative integer')
  if (keyBytes.byteLength < TOTP_MIN_KEY_BYTES || keyBytes.byteLength > TOTP_MAX_KEY_BYTES) {
    throw new RangeError(`a TOTP key must be ${TOTP_MIN_KEY_BYTES} to ${TOTP_MAX_KEY_BYTES} bytes`)
  }
  return await generate({
    secret: keyBytes,
    algorithm: 'sha1',
    digits: TOTP_CODE_LENGTH,
    period: TOTP_TIME_STEP_SECONDS,
    epoch: timeStep * TOTP_TIME_STEP_SECONDS,
    guardrails,
    crypto: webCrypto,
  })
}

export type TotpVerification = { ok: true; step: number } | { ok: false }

export interface VerifyTotpOptions {
  /** The step of the last code this method accepted; it and every earlier step are refused (replay). */
  lastAcceptedStep?: number | null
}

/**
 * Checks a submitted code against the previous, current and next 30-second step (clock skew of
 * up to one step either way). Returns the matching step, which the caller must persist as the
 * method's last accepted step with a conditional write (`... WHERE last_step < ?`) so that two
 * racing requests cannot both redeem it.
 *
 * `code` is untrusted input: anything but exactly six ASCII digits is refused without work.
 * All three candidate codes are computed and compared every time, so timing does not reveal
 * which step matched or whether a step was skipped as a replay.
 */
export async function verifyTotp(
  keyBytes: Uint8Array,
  code: unknown,
  nowMillis: number,
  options: VerifyTotpOptions = {},
): Promise<TotpVerification> {
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) return { ok: false }
  const current = timeStepAt(nowMillis)
  const lastAccepted = options.lastAcceptedStep ?? -1
  const candidates = [current - 1, current, current + 1].filter((step) => step >= 0)
  const expected = await Promise.all(candidates.map((step) => totpCode(keyBytes, step)))

  let matched: number | undefined
  candidates.forEach((step, index) => {
    const equal = timingSafeEqualStrings(expected[index] ?? '', code)
    // Earliest fresh match wins: recording the smaller step blocks the fewest future codes.
    if (equal && step > lastAccepted && matched === undefined) matched = step
  })
  return matched === undefined ? { ok: false } : { ok: true, step: matched }
}
