import { describe, expect, it } from 'vitest'
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  normalizeRecoveryCode,
  recoveryCodeKey,
} from '../../../src/domain/two-factor/recovery-codes'

// Bytes 0x00..0x1f, Base64: a fixed ENCRYPTION_KEY for known answers.
const TEST_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='

describe('generateRecoveryCodes', () => {
  it('makes ten XXXXX-XXXXX codes from the unambiguous alphabet', () => {
    const codes = generateRecoveryCodes()
    expect(codes).toHaveLength(10)
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/)
  })

  it('makes the requested number of distinct codes', () => {
    const codes = generateRecoveryCodes(100)
    expect(new Set(codes).size).toBe(100)
  })

  it('differs from batch to batch', () => {
    const first = new Set(generateRecoveryCodes())
    expect(generateRecoveryCodes().some((code) => first.has(code))).toBe(false)
  })

  it('uses every character of the alphabet over many draws', () => {
    const seen = new Set(generateRecoveryCodes(100).join('').replace(/-/g, ''))
    expect(seen.size).toBe(32)
  })

  it('refuses silly counts', () => {
    expect(() => generateRecoveryCodes(0)).toThrow(RangeError)
    expect(() => generateRecoveryCodes(1.5)).toThrow(RangeError)
  })
})

describe('normalizeRecoveryCode', () => {
  it('upper-cases and strips dashes and whitespace', () => {
    expect(normalizeRecoveryCode('abcde-12345')).toBe('ABCDE12345')
    expect(normalizeRecoveryCode(' qjd73 - l6gr5\n')).toBe('QJD73L6GR5')
  })

  it('tells recovery-code-shaped input from six-digit codes', () => {
    expect(looksLikeRecoveryCode('qjd73-l6gr5')).toBe(true)
    expect(looksLikeRecoveryCode('QJD73L6GR5')).toBe(true)
    expect(looksLikeRecoveryCode('123456')).toBe(false)
    expect(looksLikeRecoveryCode('QJD73-L6GR')).toBe(false)
    expect(looksLikeRecoveryCode('QJD73-L6GR5!')).toBe(false)
  })
})

describe('hashRecoveryCode', () => {
  it('matches an independently computed HMAC (Node crypto: HKDF-SHA-256 then HMAC-SHA-256)', async () => {
    const key = await recoveryCodeKey(TEST_KEY)
    expect(await hashRecoveryCode('ABCDE12345', key)).toBe('mjrdwH1xLk934wvNtLDb2a5f7NjP_NXS_7AfP28JaNo')
  })

  it('hashes the normalised code, so spellings of one code agree', async () => {
    const key = await recoveryCodeKey(TEST_KEY)
    const canonical = await hashRecoveryCode('ABCDE12345', key)
    expect(await hashRecoveryCode('abcde-12345', key)).toBe(canonical)
    expect(await hashRecoveryCode(' AbCdE 12345 ', key)).toBe(canonical)
    expect(await hashRecoveryCode('ABCDE12346', key)).not.toBe(canonical)
  })

  it('depends on the key, not only on the code', async () => {
    const other = await recoveryCodeKey('HyAeHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=')
    expect(await hashRecoveryCode('ABCDE12345', other)).not.toBe('mjrdwH1xLk934wvNtLDb2a5f7NjP_NXS_7AfP28JaNo')
  })

  it('refuses a missing or malformed ENCRYPTION_KEY', async () => {
    await expect(recoveryCodeKey(undefined)).rejects.toThrow(/ENCRYPTION_KEY/)
    await expect(recoveryCodeKey('c2hvcnQ=')).rejects.toThrow(/32 bytes/)
  })
})
