import { env } from 'cloudflare:test'
import { expect } from 'vitest'
import { base64ToBytes } from '../../../src/domain/crypto/encoding'
import { timeStepAt, totpCode } from '../../../src/domain/two-factor/totp'
import type { JsonObject } from '../../../src/http/fields'
import { readOutbox } from '../../../src/mail/dev-outbox'
import { TwoFactorStore } from '../../../src/store/two-factor-store'
import { createApplication, createTenant, createUser, uniqueEmail } from '../../fixtures'
import { call, json } from '../../helpers'

export const PASSWORD = 'correct horse battery'

/** The start of a 30-second step near now, so tests can pin the clock to exact steps. */
export const stepStart = (): number => Math.floor(Date.now() / 30_000) * 30_000

/** A tenant, an application needing no API key for login, and a registered user with a password. */
export async function world(options: { tenant?: JsonObject; application?: JsonObject; user?: JsonObject } = {}) {
  const tenant = await createTenant(options.tenant)
  const application = await createApplication(tenant.id, { loginConfiguration: { requireAuthentication: false }, ...options.application })
  const email = uniqueEmail('mfa')
  const user = await createUser({
    tenantId: tenant.id,
    email,
    password: PASSWORD,
    overrides: options.user,
    registrations: [{ applicationId: application.id }],
  })
  return { tenant, application, user, email }
}

export interface EnabledAuthenticator {
  keyBytes: Uint8Array
  secret: string
  methodId: string
  recoveryCodes: string[]
}

/** Enables an authenticator through the API at `nowMillis` (that step is then spent). */
export async function enableAuthenticator(userId: string, nowMillis: number): Promise<EnabledAuthenticator> {
  const generated = await json<{ secret: string }>(await call('/api/two-factor/secret'))
  const keyBytes = base64ToBytes(generated.secret)
  const code = await totpCode(keyBytes, timeStepAt(nowMillis))
  const response = await call(`/api/user/two-factor/${userId}`, {
    body: { method: 'authenticator', secret: generated.secret, code },
    nowMillis,
  })
  expect(response.status).toBe(200)
  const text = await response.text()
  const recoveryCodes = text === '' ? [] : ((JSON.parse(text) as { recoveryCodes?: string[] }).recoveryCodes ?? [])
  const methods = await new TwoFactorStore(env.DB).listMethods(userId)
  const methodId = methods.at(-1)?.id ?? ''
  return { keyBytes, secret: generated.secret, methodId, recoveryCodes }
}

/** The newest six-digit code the development outbox holds for an address. */
export async function lastMailedCode(address: string): Promise<string> {
  const messages = await readOutbox(env.KV, address)
  const match = /\b(\d{6})\b/.exec(messages.at(-1)?.text ?? '')
  if (match?.[1] === undefined) throw new Error(`no code mailed to ${address}`)
  return match[1]
}

/** Enables an email method through the API: send a code, read it from the outbox, enable with it. */
export async function enableEmailMethod(
  userId: string,
  address: string,
  nowMillis: number,
): Promise<{ methodId: string; recoveryCodes: string[] }> {
  expect((await call('/api/two-factor/send', { body: { userId, method: 'email', email: address }, nowMillis })).status).toBe(200)
  const code = await lastMailedCode(address)
  const response = await call(`/api/user/two-factor/${userId}`, { body: { method: 'email', email: address, code }, nowMillis })
  expect(response.status).toBe(200)
  const text = await response.text()
  const recoveryCodes = text === '' ? [] : ((JSON.parse(text) as { recoveryCodes?: string[] }).recoveryCodes ?? [])
  const methods = await new TwoFactorStore(env.DB).listMethods(userId)
  return { methodId: methods.find((m) => m.view.method === 'email')?.id ?? '', recoveryCodes }
}

export interface LoginOptions {
  nowMillis?: number
  headers?: Record<string, string>
  tenantId?: string
}

/** POST /api/login as the user, anonymous (the world's application needs no key). */
export const passwordLogin = (applicationId: string, email: string, options: LoginOptions & { body?: JsonObject } = {}) =>
  call('/api/login', {
    body: { applicationId, loginId: email, password: PASSWORD, ...options.body },
    apiKey: null,
    nowMillis: options.nowMillis,
    headers: options.headers,
    tenantId: options.tenantId,
  })

/** POST /api/two-factor/login as the official client sends it: anonymous. */
export const twoFactorLogin = (body: JsonObject, options: LoginOptions = {}) =>
  call('/api/two-factor/login', { body, apiKey: null, nowMillis: options.nowMillis, headers: options.headers, tenantId: options.tenantId })

/** Logs in with the password and returns the twoFactorId of the 242 (asserting it). */
export async function challenge(applicationId: string, email: string, options: LoginOptions & { body?: JsonObject } = {}): Promise<string> {
  const response = await passwordLogin(applicationId, email, options)
  expect(response.status).toBe(242)
  const body = await json<{ twoFactorId: string }>(response)
  return body.twoFactorId
}

/** The trust cookie a response set, as `name=value` for a Cookie header, or null. */
export function trustCookie(response: Response): { header: string; setCookie: string } | null {
  const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('fusionauth.trust='))
  if (setCookie === undefined) return null
  return { header: setCookie.split(';')[0] ?? '', setCookie }
}
