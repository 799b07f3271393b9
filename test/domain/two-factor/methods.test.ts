import { describe, expect, it } from 'vitest'
import { isMethodId, isTwoFactorMethodKind, newMethodId, toPublicMethod, toPublicMethods } from '../../../src/domain/two-factor/methods'

describe('method ids', () => {
  it("are four upper-case alphanumerics, like FusionAuth's", () => {
    for (let i = 0; i < 50; i++) expect(newMethodId()).toMatch(/^[2-9A-HJ-NP-Z]{4}$/)
    expect(isMethodId('2KSZ')).toBe(true)
    expect(isMethodId('KLRT')).toBe(true)
    expect(isMethodId('2ksz')).toBe(false)
    expect(isMethodId('2KSZ1')).toBe(false)
    expect(isMethodId(1234)).toBe(false)
  })

  it('avoid the ids the user already has', () => {
    const existing: string[] = []
    for (let i = 0; i < 200; i++) existing.push(newMethodId(existing))
    expect(new Set(existing).size).toBe(200)
  })
})

describe('toPublicMethod', () => {
  it("shows an authenticator with FusionAuth's fixed settings and no secret", () => {
    const record = { id: '2KSZ', method: 'authenticator' as const, secret: 'c2VjcmV0LWtleS1ieXRlcw==' }
    const view = toPublicMethod(record)
    expect(view).toEqual({ authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 }, id: '2KSZ', method: 'authenticator' })
    expect(JSON.stringify(view)).not.toContain('secret')
  })

  it('matches the 242 example body for authenticator and email methods', () => {
    const methods = toPublicMethods([
      { id: '2KSZ', method: 'authenticator' },
      { id: 'KLRT', method: 'email', email: 'richard@fusionauth.io' },
    ])
    expect(JSON.stringify(methods)).toBe(
      '[{"authenticator":{"algorithm":"HmacSHA1","codeLength":6,"timeStep":30},"id":"2KSZ","method":"authenticator"},' +
        '{"email":"richard@fusionauth.io","id":"KLRT","method":"email"}]',
    )
  })

  it('shows sms with its phone, and name and lastUsed only when set', () => {
    expect(toPublicMethod({ id: 'V7SH', method: 'sms', mobilePhone: '555-555-5555', name: null, lastUsed: true })).toEqual({
      id: 'V7SH',
      lastUsed: true,
      method: 'sms',
      mobilePhone: '555-555-5555',
    })
    expect(toPublicMethod({ id: '7K2G', method: 'email', email: 'example@fusionauth.io', name: 'Work' })).toEqual({
      email: 'example@fusionauth.io',
      id: '7K2G',
      method: 'email',
      name: 'Work',
    })
  })

  it('recognises the method kinds', () => {
    expect(['authenticator', 'email', 'sms', 'push', 1].map(isTwoFactorMethodKind)).toEqual([true, true, true, false, false])
  })
})
