import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { base32Decode } from '../../src/domain/two-factor/secret'
import { base64ToBytes } from '../../src/domain/crypto/encoding'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { UserStore } from '../../src/store/user-store'
import { call, expectEmpty, json } from '../helpers'
import { enableAuthenticator, enableEmailMethod, lastMailedCode, stepStart, world } from '../domain/two-factor-login/world'

interface Body {
  secret?: string
  secretBase32Encoded?: string
  recoveryCodes?: string[]
  fieldErrors?: Record<string, { code: string }[]>
  generalErrors?: { code: string }[]
}

const storedUser = async (id: string) => (await new UserStore(env.DB).get(id))?.user

describe('GET /api/two-factor/secret', () => {
  it('needs an API key and returns the same key as Base64 and Base32', async () => {
    await expectEmpty(await call('/api/two-factor/secret', { apiKey: null }), 401)
    const body = await json<Body>(await call('/api/two-factor/secret'))
    expect(body.secret).toMatch(/^[A-Za-z0-9+/]{20}$/)
    expect(body.secretBase32Encoded).toMatch(/^[A-Z2-7]{24}$/)
    expect(base32Decode(body.secretBase32Encoded ?? '')).toEqual(base64ToBytes(body.secret ?? ''))
  })
})

describe('POST /api/user/two-factor/{userId}', () => {
  it('enables an authenticator with a valid code: 10 recovery codes, secret encrypted, codes hashed, user view without secret', async () => {
    const base = stepStart()
    const w = await world()
    const enabled = await enableAuthenticator(w.user.id, base)
    expect(enabled.recoveryCodes).toHaveLength(10)
    for (const code of enabled.recoveryCodes) expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/)

    const row = await env.DB.prepare('SELECT secret_encrypted, last_step FROM two_factor_methods WHERE user_id = ?')
      .bind(w.user.id)
      .first<{ secret_encrypted: string; last_step: number }>()
    expect(row?.secret_encrypted.startsWith('v1.')).toBe(true)
    expect(row?.secret_encrypted).not.toContain(enabled.secret)
    expect(row?.last_step).toBe(timeStepAt(base))
    const hashes = await env.DB.prepare('SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = ?')
      .bind(w.user.id)
      .all<{ code_hash: string }>()
    expect(hashes.results).toHaveLength(10)
    for (const { code_hash } of hashes.results) expect(enabled.recoveryCodes.join(' ')).not.toContain(code_hash)

    const user = await storedUser(w.user.id)
    expect(user?.twoFactor?.methods).toEqual([
      { authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 }, id: enabled.methodId, method: 'authenticator' },
    ])
  })

  it('accepts secretBase32Encoded; a second method returns no recovery codes and no JSON', async () => {
    const base = stepStart()
    const w = await world()
    await enableAuthenticator(w.user.id, base)
    const secret = await json<Body>(await call('/api/two-factor/secret'))
    const code = await totpCode(base32Decode(secret.secretBase32Encoded ?? '') ?? new Uint8Array(), timeStepAt(base))
    const response = await call(`/api/user/two-factor/${w.user.id}`, {
      body: { method: 'authenticator', secretBase32Encoded: secret.secretBase32Encoded, code },
      nowMillis: base,
    })
    await expectEmpty(response, 200)
    expect((await storedUser(w.user.id))?.twoFactor?.methods).toHaveLength(2)
  })

  it('answers a wrong code with 421 and enables nothing', async () => {
    const base = stepStart()
    const w = await world()
    const secret = await json<Body>(await call('/api/two-factor/secret'))
    const right = await totpCode(base64ToBytes(secret.secret ?? ''), timeStepAt(base))
    const wrong = right === '000000' ? '111111' : '000000'
    await expectEmpty(
      await call(`/api/user/two-factor/${w.user.id}`, {
        body: { method: 'authenticator', secret: secret.secret, code: wrong },
        nowMillis: base,
      }),
      421,
    )
    expect((await storedUser(w.user.id))?.twoFactor).toBeUndefined()
  })

  it('validates the request and hides unknown users', async () => {
    const w = await world()
    const missing = await call(`/api/user/two-factor/${w.user.id}`, { body: { method: 'authenticator' } })
    const errors = (await json<Body>(missing)).fieldErrors
    expect(errors?.code?.[0]?.code).toBe('[blank]code')
    expect(errors?.secret?.[0]?.code).toBe('[blank]secret')
    const badMethod = await call(`/api/user/two-factor/${w.user.id}`, { body: { method: 'sms', code: '123456', mobilePhone: '555' } })
    expect((await json<Body>(badMethod)).fieldErrors?.method?.[0]?.code).toBe('[invalid]method')
    const badSecret = await call(`/api/user/two-factor/${w.user.id}`, { body: { method: 'authenticator', secret: '!!', code: '123456' } })
    expect((await json<Body>(badSecret)).fieldErrors?.secret?.[0]?.code).toBe('[invalid]secret')
    await expectEmpty(await call(`/api/user/two-factor/${crypto.randomUUID()}`, { body: { method: 'authenticator', code: '1' } }), 404)
    await expectEmpty(await call(`/api/user/two-factor/${w.user.id}`, { body: { method: 'authenticator', code: '1' }, apiKey: null }), 401)
  })

  it('enables an email method with the newest code mailed to that address', async () => {
    const base = stepStart()
    const w = await world()
    await expectEmpty(
      await call('/api/two-factor/send', { body: { userId: w.user.id, method: 'email', email: w.email }, nowMillis: base }),
      200,
    )
    const first = await lastMailedCode(w.email)
    await expectEmpty(
      await call('/api/two-factor/send', { body: { userId: w.user.id, method: 'email', email: w.email }, nowMillis: base }),
      200,
    )
    const second = await lastMailedCode(w.email)
    if (first !== second) {
      await expectEmpty(
        await call(`/api/user/two-factor/${w.user.id}`, { body: { method: 'email', email: w.email, code: first }, nowMillis: base }),
        421,
      )
    }
    // A code sent for another address does not enable this one.
    await expectEmpty(
      await call(`/api/user/two-factor/${w.user.id}`, { body: { method: 'email', email: `x${w.email}`, code: second }, nowMillis: base }),
      421,
    )
    const response = await call(`/api/user/two-factor/${w.user.id}`, {
      body: { method: 'email', email: w.email, code: second },
      nowMillis: base,
    })
    expect(response.status).toBe(200)
    expect((await json<Body>(response)).recoveryCodes).toHaveLength(10)
    const methods = (await storedUser(w.user.id))?.twoFactor?.methods
    expect(methods?.[0]).toMatchObject({ email: w.email, method: 'email' })
  })

  it('expires enable codes after the tenant twoFactorOneTimeCodeIdTimeToLiveInSeconds', async () => {
    const base = stepStart()
    const w = await world()
    await call('/api/two-factor/send', { body: { userId: w.user.id, method: 'email', email: w.email }, nowMillis: base })
    const code = await lastMailedCode(w.email)
    await expectEmpty(
      await call(`/api/user/two-factor/${w.user.id}`, { body: { method: 'email', email: w.email, code }, nowMillis: base + 60_001 }),
      421,
    )
  })
})

describe('POST /api/two-factor/send (API key)', () => {
  it('validates and needs a key', async () => {
    await expectEmpty(
      await call('/api/two-factor/send', { body: { userId: crypto.randomUUID(), method: 'email', email: 'a@b.c' }, apiKey: null }),
      401,
    )
    const blank = await call('/api/two-factor/send', { body: { method: 'sms' } })
    const errors = (await json<Body>(blank)).fieldErrors
    expect(errors?.userId?.[0]?.code).toBe('[blank]userId')
    expect(errors?.method?.[0]?.code).toBe('[invalid]method')
    expect(errors?.email?.[0]?.code).toBe('[blank]email')
    await expectEmpty(await call('/api/two-factor/send', { body: { userId: crypto.randomUUID(), method: 'email', email: 'a@b.c' } }), 404)
  })
})

describe('DELETE /api/user/two-factor/{userId}', () => {
  it('disables a method with its TOTP code (query string), and drops the recovery codes with the last method', async () => {
    const base = stepStart()
    const w = await world()
    const enabled = await enableAuthenticator(w.user.id, base)
    const later = base + 30_000
    const code = await totpCode(enabled.keyBytes, timeStepAt(later))
    const wrong = code === '000000' ? '111111' : '000000'
    await expectEmpty(
      await call(`/api/user/two-factor/${w.user.id}?methodId=${enabled.methodId}&code=${wrong}`, { method: 'DELETE', nowMillis: later }),
      421,
    )
    const unknown = await call(`/api/user/two-factor/${w.user.id}?methodId=ZZZZ&code=${code}`, { method: 'DELETE', nowMillis: later })
    expect((await json<Body>(unknown)).fieldErrors?.methodId?.[0]?.code).toBe('[invalid]methodId')
    await expectEmpty(
      await call(`/api/user/two-factor/${w.user.id}?methodId=${enabled.methodId}&code=${code}`, { method: 'DELETE', nowMillis: later }),
      200,
    )
    expect((await storedUser(w.user.id))?.twoFactor).toBeUndefined()
    const left = await env.DB.prepare('SELECT COUNT(*) AS n FROM two_factor_recovery_codes WHERE user_id = ?')
      .bind(w.user.id)
      .first<{ n: number }>()
    expect(left?.n).toBe(0)
  })

  it('removes every method with a recovery code (JSON body on the DELETE), once', async () => {
    const base = stepStart()
    const w = await world()
    const enabled = await enableAuthenticator(w.user.id, base)
    await enableEmailMethod(w.user.id, w.email, base)
    expect((await storedUser(w.user.id))?.twoFactor?.methods).toHaveLength(2)
    const recovery = enabled.recoveryCodes[3] ?? ''
    await expectEmpty(await call(`/api/user/two-factor/${w.user.id}`, { method: 'DELETE', body: { code: recovery }, nowMillis: base }), 200)
    expect((await storedUser(w.user.id))?.twoFactor).toBeUndefined()
    await expectEmpty(await call(`/api/user/two-factor/${w.user.id}?code=${recovery}`, { method: 'DELETE', nowMillis: base }), 421)
  })

  it('disables an email method with a mailed disable code', async () => {
    const base = stepStart()
    const w = await world()
    await enableAuthenticator(w.user.id, base)
    const { methodId } = await enableEmailMethod(w.user.id, w.email, base)
    await expectEmpty(await call('/api/two-factor/send', { body: { userId: w.user.id, methodId }, nowMillis: base }), 200)
    const code = await lastMailedCode(w.email)
    await expectEmpty(
      await call(`/api/user/two-factor/${w.user.id}?methodId=${methodId}&code=${code}`, { method: 'DELETE', nowMillis: base }),
      200,
    )
    expect((await storedUser(w.user.id))?.twoFactor?.methods).toHaveLength(1)
  })

  it('answers a missing code with [blank]code', async () => {
    const w = await world()
    const response = await call(`/api/user/two-factor/${w.user.id}?methodId=undefined&code=undefined`, { method: 'DELETE' })
    expect((await json<Body>(response)).fieldErrors?.code?.[0]?.code).toBe('[blank]code')
  })
})

describe('POST /api/user/two-factor/recovery-code/{userId}', () => {
  it('regenerates ten codes; the old set stops working', async () => {
    const base = stepStart()
    const w = await world()
    const enabled = await enableAuthenticator(w.user.id, base)
    const response = await call(`/api/user/two-factor/recovery-code/${w.user.id}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(response.status).toBe(200)
    const fresh = (await json<Body>(response)).recoveryCodes ?? []
    expect(fresh).toHaveLength(10)
    expect(fresh.some((code) => enabled.recoveryCodes.includes(code))).toBe(false)
    await expectEmpty(
      await call(`/api/user/two-factor/${w.user.id}?code=${enabled.recoveryCodes[0] ?? ''}`, { method: 'DELETE', nowMillis: base }),
      421,
    )
    await expectEmpty(await call(`/api/user/two-factor/${w.user.id}?code=${fresh[0] ?? ''}`, { method: 'DELETE', nowMillis: base }), 200)
  })

  it('refuses a user without methods and hides unknown users', async () => {
    const w = await world()
    expect((await call(`/api/user/two-factor/recovery-code/${w.user.id}`, { method: 'POST' })).status).toBe(400)
    await expectEmpty(await call(`/api/user/two-factor/recovery-code/${crypto.randomUUID()}`, { method: 'POST' }), 404)
  })
})
