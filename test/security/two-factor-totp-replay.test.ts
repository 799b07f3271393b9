import { describe, expect, it } from 'vitest'
import { challenge, twoFactorLogin } from '../domain/two-factor-login/world'
import { TIMEOUT, authenticatorUser, wave } from './two-factor-guess-cap-support'

const TRIALS = 20
const LOGINS = 5

/**
 * Issue 10: a TOTP code is matched to its step in the Worker before the completion batch; the step is still spent
 * in that batch with a write only one request can win, so a code replayed concurrently on other twoFactorIds of the
 * same user completes one login.
 */
describe('TOTP step replay under concurrency (issue 10)', () => {
  it(
    `of ${LOGINS} concurrent completions with the same right code on ${LOGINS} twoFactorIds, exactly one gets 200 (20 trials)`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const u = await authenticatorUser()
        const ids = await Promise.all(Array.from({ length: LOGINS }, () => challenge(u.application.id, u.email, { nowMillis: u.now })))
        const result = await wave(u.user.id, () =>
          ids.map((twoFactorId) => twoFactorLogin({ twoFactorId, code: u.code }, { nowMillis: u.now })),
        )
        // A loser that read the method before the winner spent the step loses the step in its batch; one that read it
        // after finds the step spent and the code wrong. Either way a 421, never a second 200.
        expect(result.statuses.sort()).toEqual([200, ...Array.from({ length: LOGINS - 1 }, () => 421)])
      }
    },
    TIMEOUT,
  )
})
