import { describe, expect, it } from 'vitest'
import { PER_USER, TIMEOUT, freshLoginsTrial } from './two-factor-guess-cap-support'

/** Issue 8, defect 3: trials 6-10 of 20 (one file per five: see freshLoginsTrial). */
describe('two-factor guess cap across fresh logins (issue 8, defect 3)', () => {
  it(
    '20 fresh logins x 5 concurrent guesses check at most 10 codes for the user (5 of 20 trials)',
    async () => {
      for (let trial = 0; trial < 5; trial++) expect(await freshLoginsTrial()).toBeLessThanOrEqual(PER_USER)
    },
    TIMEOUT,
  )
})
