import { describe, expect, it } from 'vitest'
import { base64ToBytes, utf8 } from '../../../src/domain/crypto/encoding'
import { timeStepAt, totpCode, verifyTotp } from '../../../src/domain/two-factor/totp'

// RFC 6238 Appendix B, SHA-1 rows: the key is the ASCII string "12345678901234567890".
const RFC_KEY = utf8('12345678901234567890')
const RFC_6238_SHA1: ReadonlyArray<[seconds: number, eightDigits: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

// RFC 4226 Appendix D values for the same key: the HOTP codes of counters 0..3.
const STEP_CODES = ['755224', '287082', '359152', '969429'] as const
const code = (step: 0 | 1 | 2 | 3): string => STEP_CODES[step]

describe('totpCode', () => {
  it.each(RFC_6238_SHA1)('matches RFC 6238 at T=%i (last six digits of %s)', async (seconds, eightDigits) => {
    expect(await totpCode(RFC_KEY, timeStepAt(seconds * 1000))).toBe(eightDigits.slice(-6))
  })

  it('matches the RFC 4226 counter vectors step by step', async () => {
    for (const [step, expected] of STEP_CODES.entries()) expect(await totpCode(RFC_KEY, step)).toBe(expected)
  })

  it('uses the Base64-decoded FusionAuth secret as the key (15 bytes)', async () => {
    // Independently computed (Python hmac) for Base64 "8MJJfCY4ERBtotvenSc3" at step 41152263.
    expect(await totpCode(base64ToBytes('8MJJfCY4ERBtotvenSc3'), 41152263)).toBe('603637')
  })

  it('throws for misuse: negative or fractional step, key too short', async () => {
    await expect(totpCode(RFC_KEY, -1)).rejects.toThrow(RangeError)
    await expect(totpCode(RFC_KEY, 1.5)).rejects.toThrow(RangeError)
    await expect(totpCode(new Uint8Array(9), 1)).rejects.toThrow(RangeError)
    await expect(totpCode(new Uint8Array(65), 1)).rejects.toThrow(RangeError)
  })
})

describe('verifyTotp', () => {
  it.each(RFC_6238_SHA1)('accepts the RFC 6238 code at T=%i and reports its step', async (seconds, eightDigits) => {
    const result = await verifyTotp(RFC_KEY, eightDigits.slice(-6), seconds * 1000)
    expect(result).toEqual({ ok: true, step: Math.floor(seconds / 30) })
  })

  // T = 59 s is step 1: step 0 is the previous window, step 2 the next, step 3 two away.
  const at59 = 59_000

  it('accepts the previous and the next step (clock skew)', async () => {
    expect(await verifyTotp(RFC_KEY, code(0), at59)).toEqual({ ok: true, step: 0 })
    expect(await verifyTotp(RFC_KEY, code(2), at59)).toEqual({ ok: true, step: 2 })
  })

  it('refuses a code two steps away', async () => {
    expect(await verifyTotp(RFC_KEY, code(3), at59)).toEqual({ ok: false })
    // ...and two steps back: at step 3, step 1's code is out of the window.
    expect(await verifyTotp(RFC_KEY, code(1), 3 * 30_000)).toEqual({ ok: false })
  })

  it('handles the first step, where there is no previous one', async () => {
    expect(await verifyTotp(RFC_KEY, code(0), 0)).toEqual({ ok: true, step: 0 })
    expect(await verifyTotp(RFC_KEY, code(1), 29_999)).toEqual({ ok: true, step: 1 })
    expect(await verifyTotp(RFC_KEY, code(2), 29_999)).toEqual({ ok: false })
  })

  it('refuses a replay of the last accepted step and of earlier steps', async () => {
    expect(await verifyTotp(RFC_KEY, code(1), at59, { lastAcceptedStep: 1 })).toEqual({ ok: false })
    expect(await verifyTotp(RFC_KEY, code(0), at59, { lastAcceptedStep: 1 })).toEqual({ ok: false })
    expect(await verifyTotp(RFC_KEY, code(0), at59, { lastAcceptedStep: 0 })).toEqual({ ok: false })
  })

  it('still accepts a later step after a replay-protected one', async () => {
    expect(await verifyTotp(RFC_KEY, code(1), at59, { lastAcceptedStep: 0 })).toEqual({ ok: true, step: 1 })
    expect(await verifyTotp(RFC_KEY, code(2), at59, { lastAcceptedStep: 1 })).toEqual({ ok: true, step: 2 })
    // A last step ahead of the whole window refuses everything without throwing.
    expect(await verifyTotp(RFC_KEY, code(2), at59, { lastAcceptedStep: 50 })).toEqual({ ok: false })
    expect(await verifyTotp(RFC_KEY, code(1), at59, { lastAcceptedStep: null })).toEqual({ ok: true, step: 1 })
  })

  it('refuses a wrong code', async () => {
    expect(await verifyTotp(RFC_KEY, '000000', at59)).toEqual({ ok: false })
  })

  it.each([
    ['five digits', '87082'],
    ['seven digits', '4287082'],
    ['eight digits', '94287082'],
    ['letters', 'abcdef'],
    ['padded with spaces', ' 287082'],
    ['signed', '+87082'],
    ['non-ASCII digits', '٢٨٧٠٨٢'],
    ['empty', ''],
  ])('refuses a code that is not six ASCII digits: %s', async (_label, input) => {
    expect(await verifyTotp(RFC_KEY, input, at59)).toEqual({ ok: false })
  })

  it('refuses non-string codes', async () => {
    expect(await verifyTotp(RFC_KEY, 287082, at59)).toEqual({ ok: false })
    expect(await verifyTotp(RFC_KEY, null, at59)).toEqual({ ok: false })
    expect(await verifyTotp(RFC_KEY, undefined, at59)).toEqual({ ok: false })
  })
})
