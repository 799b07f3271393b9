/**
 * Issue 8, defect 6: JSON from outside must not be able to 500 the API (deep nesting overflowing a recursive
 * walk at parse, merge, store or login) nor reach prototypes through `__proto__`, `constructor` or `prototype` keys.
 */
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { deepMerge, mergePatch } from '../../src/domain/json-merge'
import { MAX_JSON_DEPTH } from '../../src/domain/json-bounds'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'
import { PASSWORD } from '../routes/session-fixtures'

/** `{"a":{"a":...{"a":1}...}}`, nested `levels` objects deep, built as text so no recursive stringify is needed. */
const nested = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`

interface ErrorsBody {
  fieldErrors?: Record<string, { code: string }[]>
  generalErrors?: { code: string; message: string }[]
}

async function expectInvalidJson(response: Response): Promise<void> {
  expect(response.status).toBe(400)
  const body = await json<ErrorsBody>(response)
  expect(body.generalErrors?.map((e) => e.code)).toEqual(['[invalid]'])
}

async function registeredUser(data?: unknown) {
  const tenant = await createTenant()
  const application = await createApplication(tenant.id)
  const email = uniqueEmail()
  const user = await createUser({
    tenantId: tenant.id,
    email,
    password: PASSWORD,
    registrations: [{ applicationId: application.id }],
    ...(data === undefined ? {} : { overrides: { data } }),
  })
  return { tenant, application, email, user }
}

const patchUser = (id: string, bodyText: string) => call(`/api/user/${id}`, { method: 'PATCH', rawBody: bodyText })

afterEach(() => {
  // A failed prototype test must not leak into the next one.
  delete (Object.prototype as Record<string, unknown>).polluted
})

describe('JSON depth is bounded where request JSON is parsed', () => {
  it('refuses a user whose data is nested 10,000 deep with a 400 [invalid], and stores nothing', async () => {
    const { tenant } = await registeredUser()
    const email = uniqueEmail()
    const response = await call('/api/user', {
      tenantId: tenant.id,
      rawBody: `{"user":{"email":"${email}","password":"${PASSWORD}","data":${nested(10_000)}}}`,
    })
    await expectInvalidJson(response)
    const stored = await env.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE email_key = ?')
      .bind(email.toLowerCase())
      .first<{ n: number }>()
    expect(stored?.n).toBe(0)
  })

  it('refuses deep arrays as well as deep objects', async () => {
    const { user } = await registeredUser()
    await expectInvalidJson(await patchUser(user.id, `{"user":{"data":{"list":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`))
  })

  it('accepts JSON exactly at the bound and refuses one level more', async () => {
    const { user } = await registeredUser()
    // The body, user and data objects are three levels; the rest is data's own nesting.
    const atBound = await patchUser(user.id, `{"user":{"data":${nested(MAX_JSON_DEPTH - 2)}}}`)
    expect(atBound.status).toBe(200)
    await expectInvalidJson(await patchUser(user.id, `{"user":{"data":${nested(MAX_JSON_DEPTH - 1)}}}`))
  })

  it('answers two PATCHes with deeply nested data with 400s, never a 500', async () => {
    const { user } = await registeredUser()
    for (let i = 0; i < 2; i++) await expectInvalidJson(await patchUser(user.id, `{"user":{"data":${nested(10_000)}}}`))
    const allowed = `{"user":{"data":${nested(MAX_JSON_DEPTH - 2)}}}`
    for (let i = 0; i < 2; i++) expect((await patchUser(user.id, allowed)).status).toBe(200)
  })

  it('still logs in a user whose stored data was nested 10,000 deep before the bound existed', async () => {
    const { application, email, user } = await registeredUser()
    const row = await env.DB.prepare('SELECT data FROM users WHERE id = ?').bind(user.id).first<{ data: string }>()
    const deepRow = row!.data.replace(/}$/, `,"data":{"deep":${nested(10_000)},"kept":"yes"}}`)
    await env.DB.prepare('UPDATE users SET data = ? WHERE id = ?').bind(deepRow, user.id).run()

    const response = await call('/api/login', { body: { loginId: email, password: PASSWORD, applicationId: application.id } })
    expect(response.status).toBe(200)
    const body = await json<{ user: { id: string; data?: Record<string, unknown> } }>(response)
    expect(body.user.id).toBe(user.id)
    expect(body.user.data?.kept).toBe('yes')

    // Retrieving and updating the user work too: the stored value is read through the same bound.
    expect((await call(`/api/user/${user.id}`)).status).toBe(200)
    expect((await patchUser(user.id, '{"user":{"firstName":"Ann"}}')).status).toBe(200)
  })
})

describe('__proto__, constructor and prototype keys never reach objects', () => {
  it('a PATCH with {"__proto__": {"polluted": true}} leaves Object.prototype and the stored user untouched', async () => {
    const { user } = await registeredUser({ keep: 1 })
    for (const body of [
      '{"user":{"data":{"__proto__":{"polluted":true}}}}',
      '{"user":{"__proto__":{"polluted":true},"data":{"constructor":{"prototype":{"polluted":true}}}}}',
      '{"__proto__":{"polluted":true},"user":{"data":{"prototype":{"polluted":true}}}}',
    ]) {
      const response = await patchUser(user.id, body)
      expect(response.status).toBe(200)
      const { user: patched } = await json<{ user: { data: Record<string, unknown> } }>(response)
      expect(patched.data).toEqual({ keep: 1 })
      expect(Object.getPrototypeOf(patched.data)).toBe(Object.prototype)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const row = await env.DB.prepare('SELECT data FROM users WHERE id = ?').bind(user.id).first<{ data: string }>()
    expect(row!.data).not.toMatch(/__proto__|constructor|prototype|polluted/)
    const { user: read } = await json<{ user: { data: Record<string, unknown> } }>(await call(`/api/user/${user.id}`))
    expect(read.data).toEqual({ keep: 1 })
  })

  it('a new user with a __proto__ key in data stores data without it', async () => {
    const { tenant } = await registeredUser()
    const response = await call('/api/user', {
      tenantId: tenant.id,
      rawBody: `{"user":{"email":"${uniqueEmail()}","password":"${PASSWORD}","data":{"__proto__":{"polluted":true},"ok":true}}}`,
    })
    expect(response.status).toBe(200)
    const { user } = await json<{ user: { id: string; data: Record<string, unknown> } }>(response)
    expect(user.data).toEqual({ ok: true })
    const row = await env.DB.prepare('SELECT data FROM users WHERE id = ?').bind(user.id).first<{ data: string }>()
    expect(row!.data).not.toContain('__proto__')
  })

  it('a tenant PATCH with __proto__ does not change what validation or the stored tenant sees', async () => {
    const { tenant } = await registeredUser()
    const response = await call(`/api/tenant/${tenant.id}`, {
      method: 'PATCH',
      rawBody: '{"tenant":{"__proto__":{"polluted":true},"jwtConfiguration":{"__proto__":{"polluted":true}}}}',
    })
    expect(response.status).toBe(200)
    const row = await env.DB.prepare('SELECT data FROM tenants WHERE id = ?').bind(tenant.id).first<{ data: string }>()
    expect(row!.data).not.toMatch(/__proto__|polluted/)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('the merges ignore prototype keys even in values that did not come through the parser', () => {
    // JSON.parse makes own `__proto__` properties; a spread or assignment of one would set a prototype.
    const hostile = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"x":{"__proto__":{"polluted":true}}}',
    ) as Record<string, unknown>
    for (const merged of [deepMerge<Record<string, unknown>>({ x: { y: 1 } }, hostile), mergePatch({ x: { y: 1 } }, hostile)]) {
      expect(merged).toEqual({ x: { y: 1 } })
      expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
      expect(Object.getPrototypeOf(merged.x)).toBe(Object.prototype)
      expect((merged as { polluted?: unknown }).polluted).toBeUndefined()
      expect(Object.keys(merged)).toEqual(['x'])
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('the merges handle values far deeper than any recursion limit', () => {
    const deep = (levels: number): Record<string, unknown> => {
      let value: Record<string, unknown> = { leaf: true }
      for (let i = 0; i < levels; i++) value = { a: value }
      return value
    }
    expect(() => deepMerge(deep(100_000), deep(100_000))).not.toThrow()
    expect(() => mergePatch(deep(100_000), deep(100_000))).not.toThrow()
  })
})
