import { env } from 'cloudflare:test'
import { expect } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { createPreventLoginAction } from '../routes/session-fixtures'
import { challenge, enableAuthenticator, stepStart, twoFactorLogin, world } from '../domain/two-factor-login/world'

/**
 * Issue 8, defect 3: the cap on two-factor guesses must hold under concurrency and across fresh logins.
 *
 * What is measured is the property, not a mechanism: how many guesses get judged. A judged guess is one whose
 * answer reveals right or wrong: 200, or a 421 that the tenant records as a failed authentication (the tenant here
 * counts failures, with a threshold no test reaches). A guess refused by the caps is not judged: 404 once its
 * twoFactorId has had its attempts, or a 421 that records no failure once the user has had their checks. The
 * Worker may do local work on a code before the attempt is counted (the TOTP match); only what the client learns
 * counts, and that must follow the counted attempt.
 */
export const PER_TWO_FACTOR_ID = 5
export const PER_USER = 10
/** The machine is shared and slow; these tests count outcomes, never time. */
export const TIMEOUT = 300_000

/** A user with an authenticator, the right code at `now`, and 200 codes that are wrong at `now`; the tenant counts failures. */
export async function authenticatorUser() {
  const base = stepStart()
  const actionId = await createPreventLoginAction()
  const w = await world({
    tenant: {
      failedAuthenticationConfiguration: {
        userActionId: actionId,
        tooManyAttempts: 100_000,
        resetCountInSeconds: 86_400,
        actionDuration: 3,
        actionDurationUnit: 'MINUTES',
      },
    },
  })
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

/** The wrong codes judged for a user so far: the failed authentications their tenant recorded. */
export async function judgedWrong(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count FROM failed_logins WHERE user_id = ?').bind(userId).first<{ count: number }>()
  return row?.count ?? 0
}

export interface Wave {
  statuses: number[]
  /** 200s: judged right. */
  right: number
  /** Wrong codes judged during the wave (failed authentications recorded). */
  wrong: number
  /** 421s that recorded no failure: refused by the user's cap, or (a right code) a TOTP step another request spent. */
  refused421: number
  /** 404s: the twoFactorId was spent (its attempts had, or a completion had redeemed it). */
  spent: number
}

/** Runs requests concurrently and tallies how many were judged. */
export async function wave(userId: string, requests: () => Promise<Response>[]): Promise<Wave> {
  const before = await judgedWrong(userId)
  const responses = await Promise.all(requests())
  await Promise.all(responses.map((r) => r.arrayBuffer()))
  const statuses = responses.map((r) => r.status)
  const wrong = (await judgedWrong(userId)) - before
  const count = (status: number) => statuses.filter((s) => s === status).length
  expect(statuses.every((s) => s === 200 || s === 421 || s === 404)).toBe(true)
  return { statuses, right: count(200), wrong, refused421: count(421) - wrong, spent: count(404) }
}

/**
 * One trial of "20 fresh logins x 5 concurrent wrong guesses": every guess of every login at once; then, after the
 * wave, the right code on a fresh login, placed beyond the user's cap. Returns the codes judged. SELF.fetch slows
 * down with every request a test file makes (workers-sdk issue 15446), so the 20 trials of this one (120 requests
 * each) are spread over several files, each with a fresh workerd.
 */
export async function freshLoginsTrial(): Promise<number> {
  const u = await authenticatorUser()
  const ids = await Promise.all(Array.from({ length: 20 }, () => challenge(u.application.id, u.email, { nowMillis: u.now })))
  const guesses = ids.flatMap((twoFactorId, i) => u.wrongCodes.slice(i * 5, i * 5 + 5).map((code) => ({ twoFactorId, code })))
  const result = await wave(u.user.id, () => guesses.map((body) => twoFactorLogin(body, { nowMillis: u.now })))
  // Five guesses per twoFactorId: none is over its id's attempts; exactly the user's cap is judged, the rest refused.
  expect(result).toMatchObject({ right: 0, wrong: PER_USER, refused421: guesses.length - PER_USER, spent: 0 })

  const late = await challenge(u.application.id, u.email, { nowMillis: u.now })
  const beyond = await wave(u.user.id, () => [twoFactorLogin({ twoFactorId: late, code: u.code }, { nowMillis: u.now })])
  expect(beyond).toMatchObject({ right: 0, wrong: 0, refused421: 1 })
  return result.right + result.wrong + beyond.right + beyond.wrong
}
