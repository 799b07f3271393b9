import { describe, expect, it } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { challenge, twoFactorLogin } from '../domain/two-factor-login/world'
import { expectEmpty } from '../helpers'
import { PER_TWO_FACTOR_ID, PER_USER, TIMEOUT, authenticatorUser, judgedWrong, wave } from './two-factor-guess-cap-support'

/** Issue 8, defect 3 (see two-factor-guess-cap-support.ts); the "fresh logins" trials are in two-factor-guess-cap-fresh-*.test.ts. */
const TRIALS = 20

describe('two-factor guess cap per twoFactorId (issue 8, defect 3)', () => {
  it(
    '40 concurrent guesses on one twoFactorId (35 wrong, then 5 right) judge at most 5, a right code beyond them gets no 200, and the id is spent (20 trials)',
    async () => {
      const judged: number[] = []
      for (let trial = 0; trial < TRIALS; trial++) {
        const u = await authenticatorUser()
        const twoFactorId = await challenge(u.application.id, u.email, { nowMillis: u.now })
        const codes = [...u.wrongCodes.slice(0, 35), ...Array.from({ length: 5 }, () => u.code)]
        const result = await wave(u.user.id, () => codes.map((code) => twoFactorLogin({ twoFactorId, code }, { nowMillis: u.now })))
        // Every 421 is a judged wrong code (the user's cap of 10 is not reached within the id's first 5 attempts).
        expect(result.refused421).toBe(0)
        expect(result.right).toBeLessThanOrEqual(1)
        // A 200 ends the id (the guesses after it find it redeemed); without one, exactly the id's attempts are judged.
        if (result.right === 0) expect(result.wrong).toBe(PER_TWO_FACTOR_ID)
        judged.push(result.right + result.wrong)
        expect(result.spent).toBe(codes.length - result.right - result.wrong)
        // The right code comes too late: the id is spent.
        await expectEmpty(await twoFactorLogin({ twoFactorId, code: u.code }, { nowMillis: u.now }), 404)
      }
      expect(judged.every((n) => n <= PER_TWO_FACTOR_ID)).toBe(true)
    },
    TIMEOUT,
  )
})

describe('two-factor guess cap per user (issue 8, defect 3)', () => {
  it(
    'refuses a right code once the user has spent the window (421, not judged), and judges again after it',
    async () => {
      const u = await authenticatorUser()
      for (let i = 0; i < PER_USER / PER_TWO_FACTOR_ID; i++) {
        const twoFactorId = await challenge(u.application.id, u.email, { nowMillis: u.now })
        for (const code of u.wrongCodes.slice(i * 5, i * 5 + 5))
          await expectEmpty(await twoFactorLogin({ twoFactorId, code }, { nowMillis: u.now }), 421)
      }
      expect(await judgedWrong(u.user.id)).toBe(PER_USER)
      const blocked = await challenge(u.application.id, u.email, { nowMillis: u.now })
      const refused = await wave(u.user.id, () => [twoFactorLogin({ twoFactorId: blocked, code: u.code }, { nowMillis: u.now })])
      expect(refused).toMatchObject({ statuses: [421], right: 0, wrong: 0, refused421: 1 })

      const later = u.now + 3_600_000
      const fresh = await challenge(u.application.id, u.email, { nowMillis: later })
      const code = await totpCode(u.keyBytes, timeStepAt(later))
      expect((await twoFactorLogin({ twoFactorId: fresh, code }, { nowMillis: later })).status).toBe(200)
    },
    TIMEOUT,
  )

  it(
    'does not hold right codes against the user: 12 completed logins in a row all succeed',
    async () => {
      const u = await authenticatorUser()
      for (let i = 0; i < 12; i++) {
        const at = u.now + i * 30_000
        const twoFactorId = await challenge(u.application.id, u.email, { nowMillis: at })
        const code = await totpCode(u.keyBytes, timeStepAt(at))
        expect((await twoFactorLogin({ twoFactorId, code }, { nowMillis: at })).status).toBe(200)
      }
    },
    TIMEOUT,
  )
})
