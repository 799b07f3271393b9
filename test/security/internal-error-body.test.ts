/**
 * Issue 8, defect 9 (second half): an unexpected error answers 500 with FusionAuth's Errors JSON carrying the
 * request id, so it can be matched to the log line, and nothing of the error itself (message, stack, data).
 * The error is a real one: a row corrupted in D1 makes the store's JSON.parse throw inside a route.
 */
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTenant, createUser, uniqueEmail } from '../fixtures'
import { call } from '../helpers'

/** Text that JSON.parse refuses, with a marker that must never reach a client. */
const CORRUPT = '{"id": "corrupt-row-secret-marker", "data": '

function thrownBy(text: string): Error {
  try {
    JSON.parse(text)
  } catch (error) {
    if (error instanceof Error) return error
  }
  throw new Error('expected JSON.parse to throw')
}

async function corruptedUserId(): Promise<string> {
  const tenant = await createTenant()
  const user = await createUser({ tenantId: tenant.id, email: uniqueEmail(), password: 'irrelevant-password' })
  await env.DB.prepare('UPDATE users SET data = ? WHERE id = ?').bind(CORRUPT, user.id).run()
  return user.id
}

interface InternalErrorBody {
  fieldErrors?: unknown
  generalErrors?: { code: string; message: string; data?: unknown }[]
}

/** Asserts the body is the one general `[InternalError]` naming `requestId`, and holds nothing of `error`. */
function expectBareInternalError(text: string, requestId: string, error: Error): void {
  const body = JSON.parse(text) as InternalErrorBody
  expect(body.fieldErrors).toBeUndefined()
  expect(body.generalErrors).toHaveLength(1)
  const [detail] = body.generalErrors ?? []
  expect(detail?.code).toBe('[InternalError]')
  expect(detail?.message).toContain(requestId)
  expect(detail?.data).toBeUndefined()
  expect(text).not.toContain(error.message)
  expect(text).not.toContain(error.name)
  for (const line of (error.stack ?? '').split('\n').slice(1)) expect(text).not.toContain(line.trim())
  expect(text).not.toMatch(/corrupt-row-secret-marker|\.ts:\d|\bat \w|node_modules|Unexpected|JSON\.parse/)
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('500 bodies', () => {
  it('carry the request id given by Cloudflare (cf-ray) and nothing of the thrown error', async () => {
    const userId = await corruptedUserId()
    const error = thrownBy(CORRUPT)
    const rayId = `8f1b2c3d4e5f6a7b-${crypto.randomUUID().slice(0, 3).toUpperCase()}`
    vi.spyOn(console, 'error').mockImplementation(() => undefined)

    const response = await call(`/api/user/${userId}`, { headers: { 'cf-ray': rayId } })
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expectBareInternalError(await response.text(), rayId, error)
  })

  it('carry the same request id as the log line, which alone holds the error', async () => {
    const userId = await corruptedUserId()
    const error = thrownBy(CORRUPT)
    const logged: string[] = []
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '))
    })

    const response = await call(`/api/user/${userId}`)
    expect(response.status).toBe(500)
    const text = await response.text()

    const line = logged.find((entry) => entry.includes('requestId'))
    expect(line, 'the unexpected error is logged').toBeDefined()
    const { requestId, error: loggedError } = JSON.parse(line ?? '{}') as { requestId: string; error: string }
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(loggedError).toContain(error.message)
    expectBareInternalError(text, requestId, error)
  })

  it('are the same for a login that meets the corrupted row', async () => {
    const tenant = await createTenant()
    const email = uniqueEmail()
    const user = await createUser({ tenantId: tenant.id, email, password: 'irrelevant-password' })
    await env.DB.prepare('UPDATE users SET data = ? WHERE id = ?').bind(CORRUPT, user.id).run()
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const rayId = `ray-${crypto.randomUUID()}`

    const response = await call('/api/login', {
      tenantId: tenant.id,
      headers: { 'cf-ray': rayId },
      body: { loginId: email, password: 'irrelevant-password' },
    })
    expect(response.status).toBe(500)
    expectBareInternalError(await response.text(), rayId, thrownBy(CORRUPT))
  })
})
