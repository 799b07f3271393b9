/** The console's User and Login records calls: find, details without secrets, lock -> 409 -> unlock, keyset pages. */
import { env } from 'cloudflare:test'
import { unzipSync, strFromU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import type { NewLoginRecord } from '../../src/domain/login-record'
import { LoginRecordStore } from '../../src/store/login-record-store'
import { createApplication, createUser, defaultTenant, uniqueEmail } from '../fixtures'
import { call, expectEmpty, json } from '../helpers'
import { consoleCall, signIn } from './support'

const PASSWORD = 'target horse battery'

async function target() {
  const tenant = await defaultTenant()
  const application = await createApplication(tenant.id, {
    loginConfiguration: { requireAuthentication: false, generateRefreshTokens: true, allowTokenRefresh: true },
  })
  const email = uniqueEmail('target')
  const user = await createUser({
    tenantId: tenant.id,
    email,
    password: PASSWORD,
    registrations: [{ applicationId: application.id, roles: [] }],
  })
  const login = () => call('/api/login', { apiKey: null, body: { loginId: email, password: PASSWORD, applicationId: application.id } })
  return { tenant, application, user, email, login }
}

interface Details {
  user: { id: string; active: boolean; twoFactor?: unknown }
  locked: boolean
  refreshTokens: number
  actions: { name: string; preventLogin: boolean }[]
}

describe('console users', () => {
  it('finds a user by email and by id, and shows them', async () => {
    const session = await signIn()
    const { user, email } = await target()
    const byEmail = await json<{ users: { id: string }[] }>(await consoleCall(`/users?q=${encodeURIComponent(email)}`, session))
    expect(byEmail.users.map((u) => u.id)).toEqual([user.id])
    const byId = await json<{ users: { id: string }[] }>(await consoleCall(`/users?q=${user.id}`, session))
    expect(byId.users.map((u) => u.id)).toEqual([user.id])
    expect((await consoleCall('/users?q=', session)).status).toBe(400)
    await expectEmpty(await consoleCall(`/users/${crypto.randomUUID()}`, session), 404)
    const details = await json<Details>(await consoleCall(`/users/${user.id}`, session))
    expect(details.user.id).toBe(user.id)
    expect(JSON.stringify(details)).not.toMatch(/secret|password"/i)
  })

  it('locks: the next login is 409; unlocks: it is 200 again', async () => {
    const session = await signIn()
    const t = await target()
    expect((await t.login()).status).toBe(200)
    const locked = await json<Details>(await consoleCall(`/users/${t.user.id}/lock`, session, { method: 'POST' }))
    expect(locked.locked).toBe(true)
    expect(locked.actions.map((a) => [a.name, a.preventLogin])).toEqual([['Lock', true]])
    expect((await t.login()).status).toBe(409)
    const unlocked = await json<Details>(await consoleCall(`/users/${t.user.id}/unlock`, session, { method: 'POST' }))
    expect(unlocked.locked).toBe(false)
    expect((await t.login()).status).toBe(200)
  })

  it('deactivates (423 at login, refresh tokens revoked) and reactivates; revokes refresh tokens', async () => {
    const session = await signIn()
    const t = await target()
    expect((await t.login()).status).toBe(200)
    expect((await json<Details>(await consoleCall(`/users/${t.user.id}`, session))).refreshTokens).toBe(1)
    const off = await json<Details>(await consoleCall(`/users/${t.user.id}/deactivate`, session, { method: 'POST' }))
    expect([off.user.active, off.refreshTokens]).toEqual([false, 0])
    await expectEmpty(await t.login(), 423)
    const on = await json<Details>(await consoleCall(`/users/${t.user.id}/reactivate`, session, { method: 'POST' }))
    expect(on.user.active).toBe(true)
    expect((await t.login()).status).toBe(200)
    const revoked = await json<{ revoked: number }>(
      await consoleCall(`/users/${t.user.id}/revoke-refresh-tokens`, session, { method: 'POST' }),
    )
    expect(revoked.revoked).toBe(1)
  })

  it('refuses to lock or deactivate the signed-in user', async () => {
    const session = await signIn()
    expect((await consoleCall(`/users/${session.userId}/lock`, session, { method: 'POST' })).status).toBe(400)
    expect((await consoleCall(`/users/${session.userId}/deactivate`, session, { method: 'POST' })).status).toBe(400)
  })
})

describe('console login records', () => {
  it('pages newest first by (instant, id) cursor, filters, and exports a zip', async () => {
    const session = await signIn()
    const tenant = await defaultTenant()
    const application = await createApplication(tenant.id, { name: 'Records app' })
    const userId = crypto.randomUUID()
    const base = Date.parse('2026-03-01T12:00:00Z')
    const records: NewLoginRecord[] = Array.from({ length: 120 }, (_, i) => ({
      tenantId: tenant.id,
      userId,
      applicationId: application.id,
      loginId: 'paged@example.com',
      // Pairs share an instant, so the id breaks ties.
      instant: base + Math.floor(i / 2) * 1000,
      ipAddress: '10.0.0.1',
      authenticationType: 'PASSWORD',
    }))
    await env.DB.batch(new LoginRecordStore(env.DB).insertManyStatements(records))

    const seen: number[] = []
    let after: string | null = null
    let pages = 0
    do {
      const query: string = `/records?applicationId=${application.id}${after === null ? '' : `&after=${after}`}`
      const page = await json<{ records: { id: number; instant: number; applicationName: string }[]; next: string | null }>(
        await consoleCall(query, session),
      )
      for (const r of page.records) seen.push(r.id)
      expect(page.records.every((r) => r.applicationName === 'Records app')).toBe(true)
      after = page.next
      pages += 1
    } while (after !== null)
    expect(pages).toBe(3)
    expect(seen).toHaveLength(120)
    expect(new Set(seen).size).toBe(120)
    expect([...seen].sort((a, b) => b - a)).toEqual(seen)

    const ranged = await json<{ records: unknown[] }>(
      await consoleCall(`/records?userId=${userId}&start=${base}&end=${base + 9_000}`, session),
    )
    expect(ranged.records).toHaveLength(20)
    expect((await consoleCall('/records?after=nonsense', session)).status).toBe(400)

    const exported = await consoleCall(
      `/records/export?applicationId=${application.id}&zoneId=UTC&dateTimeSecondsFormat=yyyy-MM-dd`,
      session,
    )
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="Login Records Export \d{4}-\d\d-\d\d\.zip"$/)
    const files = unzipSync(new Uint8Array(await exported.arrayBuffer()))
    const csv = Object.values(files)
      .map((bytes) => strFromU8(bytes))
      .join('')
    expect(csv.trim().split('\n')).toHaveLength(121)
    expect(csv).toContain('2026-03-01')
    expect((await consoleCall('/records/export?zoneId=Mars/Olympus', session)).status).toBe(400)
  })
})
