import { afterEach, describe, expect, it, vi } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { challenge, twoFactorLogin } from '../domain/two-factor-login/world'
import { expectEmpty } from '../helpers'
import { PER_TWO_FACTOR_ID, PER_USER, TIMEOUT, authenticatorUser, countChecks } from './two-factor-guess-cap-support'

/** Issue 8, defect 3 (see two-factor-guess-cap-support.ts); the "fresh logins" trials are in two-factor-guess-cap-fresh-*.test.ts. */
const TRIALS = 20

describe('two-factor guess cap per twoFactorId (issue 8, defect 3)', () => {
  afterEach(() => vi.restoreAllMocks())

  it(
    '40 concurrent wrong codes on one twoFactorId check exactly 5, then the id is spent (20 trials)',
    async () => {
      const checked: number[] = []
      for (let trial = 0; trial < TRIALS; trial++) {
        const u = await authenticatorUser()
        const twoFactorId = await challenge(u.application.id, u.email, { nowMillis: u.now })
        const result = await countChecks(() =>
          u.wrongCodes.slice(0, 40).map((code) => twoFactorLogin({ twoFactorId, code }, { nowMillis: u.now })),
        )
        checked.push(result.checked)
        expect(result.statuses.every((s) => s === 421 || s === 404)).toBe(true)
        expect(result.statuses.filter((s) => s === 421).length).toBeLessThanOrEqual(PER_TWO_FACTOR_ID)
        // The right code comes too late: the id is spent.
        await expectEmpty(await twoFactorLogin({ twoFactorId, code: u.code }, { nowMillis: u.now }), 404)
      }
      expect(checked).toEqual(Array.from({ length: TRIALS }, () => PER_TWO_FACTOR_ID))
    },
    TIMEOUT,
  )
})

describe('two-factor guess cap per user (issue 8, defect 3)', () => {
  it(
    'refuses a right code once the user has spent the window (421, unchecked), and checks again after it',
    async () => {
      const u = await authenticatorUser()
      for (let i = 0; i < PER_USER / PER_TWO_FACTOR_ID; i++) {
        const twoFactorId = await challenge(u.application.id, u.email, { nowMillis: u.now })
        for (const code of u.wrongCodes.slice(i * 5, i * 5 + 5))
          await expectEmpty(await twoFactorLogin({ twoFactorId, code }, { nowMillis: u.now }), 421)
      }
      const blocked = await challenge(u.application.id, u.email, { nowMillis: u.now })
      const refused = await countChecks(() => [twoFactorLogin({ twoFactorId: blocked, code: u.code }, { nowMillis: u.now })])
      expect(refused).toEqual({ statuses: [421], checked: 0 })

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
