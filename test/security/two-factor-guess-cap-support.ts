import { expect, vi } from 'vitest'
import { SecretBox } from '../../src/domain/crypto/encryption'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { challenge, enableAuthenticator, stepStart, twoFactorLogin, world } from '../domain/two-factor-login/world'

/**
 * Issue 8, defect 3: the cap on two-factor guesses must hold under concurrency and across fresh logins.
 * A code is "checked" when the authenticator secret is decrypted to compute TOTP codes (SecretBox.decrypt):
 * wrong codes never issue tokens, so no other decryption happens on these requests.
 */
export const PER_TWO_FACTOR_ID = 5
export const PER_USER = 10
/** The machine is shared and slow; these tests count work, never time. */
export const TIMEOUT = 300_000

/** A user with an authenticator, the right code at `now`, and 200 codes that are wrong at `now`. */
export async function authenticatorUser() {
  const base = stepStart()
  const w = await world()
  const enabled = await enableAuthenticator(w.user.id, base)
  const now = base + 30_000
  const step = timeStepAt(now)
  const valid = new Set(await Promise.all([step - 1, step, step + 1].map((s) => totpCode(enabled.keyBytes, s))))
  const wrongCodes: string[] = []
  for (let i = 0; wrongCodes.length < 200; i++) {
    const code = String(100000 + i * 7919)
    if (!valid.has(code)) wrongCodes.push(code)
  }
  return { ...w, ...enabled, now, code: await totpCode(enabled.keyBytes, step), wrongCodes }
}

/** Runs requests concurrently and returns their statuses and how many codes they had checked. */
export async function countChecks(requests: () => Promise<Response>[]): Promise<{ statuses: number[]; checked: number }> {
  const decrypt = vi.spyOn(SecretBox.prototype, 'decrypt')
  try {
    const responses = await Promise.all(requests())
    return { statuses: responses.map((r) => r.status), checked: decrypt.mock.calls.length }
  } finally {
    decrypt.mockRestore()
  }
}

/**
 * One trial of "20 fresh logins x 5 concurrent guesses": every guess of every login at once. Returns the codes
 * checked. SELF.fetch slows down with every request a test file makes (workers-sdk issue 15446), so the 20
 * trials of this one (120 requests each) are spread over several files, each with a fresh workerd.
 */
export async function freshLoginsTrial(): Promise<number> {
  const u = await authenticatorUser()
  const ids = await Promise.all(Array.from({ length: 20 }, () => challenge(u.application.id, u.email, { nowMillis: u.now })))
  const guesses = ids.flatMap((twoFactorId, i) => u.wrongCodes.slice(i * 5, i * 5 + 5).map((code) => ({ twoFactorId, code })))
  const { statuses, checked } = await countChecks(() => guesses.map((body) => twoFactorLogin(body, { nowMillis: u.now })))
  expect(statuses.every((s) => s === 421 || s === 404)).toBe(true)
  return checked
}
