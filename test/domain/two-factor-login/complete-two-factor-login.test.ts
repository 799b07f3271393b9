import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { findPendingLogin } from '../../../src/domain/login/two-factor-gate'
import { completeTwoFactorLogin } from '../../../src/domain/two-factor-login/complete-two-factor-login'
import { timeStepAt, totpCode } from '../../../src/domain/two-factor/totp'
import { dataContextFor } from '../../../src/store/data-context'
import { challenge, enableAuthenticator, stepStart, world } from './world'

describe('completeTwoFactorLogin', () => {
  it('redeems the twoFactorId in D1: of different valid codes racing on one id, exactly one completes', async () => {
    const base = stepStart()
    const w = await world()
    const enabled = await enableAuthenticator(w.user.id, base)
    const now = base + 30_000
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: now })
    const loginEnv = dataContextFor(env, now)
    // Both requests read the pending login before either redeems it, as two isolates could.
    const pending = await findPendingLogin(loginEnv, twoFactorId)
    if (pending === null) throw new Error('pending login missing')
    const codes = [await totpCode(enabled.keyBytes, timeStepAt(now)), enabled.recoveryCodes[0] ?? '', enabled.recoveryCodes[1] ?? '']
    const outcomes = await Promise.all(
      codes.map((code) =>
        completeTwoFactorLogin(loginEnv, {
          twoFactorId,
          pending,
          code,
          trustComputer: false,
          ipAddress: null,
        }),
      ),
    )
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['completed', 'notFound', 'notFound'])
    expect(await findPendingLogin(loginEnv, twoFactorId)).toBeNull()
  })
})
