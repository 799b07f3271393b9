/**
 * Event delivery end to end: `wrangler dev` (its real local queues) delivering to real Node HTTP receivers on free
 * ports, driven by the official client. A login's user.login.success in FusionAuth's shape with a signature jose
 * verifies against the key's public JWKS entry; a failed login's user.login.failed; a transaction that one of two
 * receivers refuses (504 under AbsoluteMajority, leaving no login record, refresh token or lastLoginInstant; 200
 * under Any); a queued event that survives two failures and arrives with the same id; bad webhook input as 400s.
 */
import type { AddressInfo } from 'node:net'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createHash } from 'node:crypto'
import { EventType, KeyAlgorithm, TransactionType } from '@fusionauth/typescript-client'
import { type JWK, createLocalJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NO_ID, client, createFixture, type Fixture, fieldCode, host, ok, rejection } from './support'

interface Received {
  path: string
  headers: IncomingMessage['headers']
  body: string
  event: Record<string, unknown>
}

/**
 * A real HTTP receiver: `/<inbox>/<mode>` records each request and answers by mode (`ok` 200, `fail` 500,
 * `fail-<n>` 500 for the inbox's first n requests, then 200).
 */
class Receiver {
  private readonly server: Server
  readonly inboxes = new Map<string, Received[]>()
  port = 0

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        const [, inbox = '', mode = 'ok'] = (request.url ?? '').split('/')
        const body = Buffer.concat(chunks).toString('utf8')
        const received = this.inboxes.get(inbox) ?? []
        this.inboxes.set(inbox, received)
        received.push({
          path: request.url ?? '',
          headers: request.headers,
          body,
          event: (JSON.parse(body) as { event: Record<string, unknown> }).event,
        })
        const failures = /^fail-(\d+)$/.exec(mode)
        const status = mode === 'fail' ? 500 : failures !== null && received.length <= Number(failures[1]) ? 500 : 200
        response.writeHead(status).end()
      })
    })
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  url(mode: string, inbox = crypto.randomUUID()): { inbox: string; url: string } {
    return { inbox, url: `http://127.0.0.1:${this.port}/${inbox}/${mode}` }
  }

  received(inbox: string): Received[] {
    return this.inboxes.get(inbox) ?? []
  }

  /** The inbox's requests once there are at least `count` (queued events arrive through the consumer). */
  async eventually(inbox: string, count = 1, timeoutMillis = 45_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMillis
    for (;;) {
      const received = this.received(inbox)
      if (received.length >= count) return received
      if (Date.now() > deadline) throw new Error(`inbox ${inbox}: ${received.length} of ${count} requests`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

const receiver = new Receiver()
beforeAll(() => receiver.start())
afterAll(() => receiver.stop())

const admin = () => client()

async function sendEvents(fixture: Fixture, events: Partial<Record<EventType, TransactionType>>): Promise<void> {
  const configured = Object.fromEntries(Object.entries(events).map(([type, transactionType]) => [type, { enabled: true, transactionType }]))
  // The client types `events` as every EventType; a PATCH names only those it changes.
  const eventConfiguration = { events: configured as Record<EventType, { enabled: boolean; transactionType: TransactionType }> }
  await ok(admin().patchTenant(fixture.tenantId, { tenant: { eventConfiguration } }))
}

async function hook(fixture: Fixture, mode: string, types: EventType[], extra: Record<string, unknown> = {}): Promise<string> {
  const { inbox, url } = receiver.url(mode)
  const eventsEnabled = Object.fromEntries(types.map((type) => [type, true])) as Record<EventType, boolean>
  await ok(
    admin().createWebhook(NO_ID, {
      webhook: { url, connectTimeout: 2000, readTimeout: 2000, eventsEnabled, tenantIds: [fixture.tenantId], ...extra },
    }),
  )
  return inbox
}

const login = (fixture: Fixture, password = fixture.password) =>
  fixture.api.login({ loginId: fixture.email, password, applicationId: fixture.applicationId, ipAddress: '198.51.100.4' })

describe('webhook delivery end to end', () => {
  it('a login sends user.login.success in FusionAuth shape, signed: jose verifies it against the public JWKS entry', async () => {
    const fixture = await createFixture()
    const key = (
      await ok(admin().generateKey(NO_ID, { key: { algorithm: KeyAlgorithm.RS256, name: `e2e webhook ${crypto.randomUUID()}` } }))
    ).key
    await sendEvents(fixture, { [EventType.UserLoginSuccess]: TransactionType.None })
    const inbox = await hook(fixture, 'ok', [EventType.UserLoginSuccess], {
      signatureConfiguration: { enabled: true, signingKeyId: key?.id },
    })

    await ok(login(fixture))
    const [request] = await receiver.eventually(inbox)
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.event).toMatchObject({
      type: 'user.login.success',
      tenantId: fixture.tenantId,
      applicationId: fixture.applicationId,
      authenticationType: 'PASSWORD',
      connectorId: 'e3306678-a53a-4964-9040-1c96f36dda72',
      info: { ipAddress: '198.51.100.4' },
      user: { id: fixture.userId, email: fixture.email },
    })
    expect(typeof request?.event.id).toBe('string')
    expect(typeof request?.event.createInstant).toBe('number')

    const jwks = (await (await fetch(`${host()}/.well-known/jwks.json`)).json()) as { keys: JWK[] }
    const signature = String(request?.headers['x-fusionauth-signature-jwt'])
    const { payload, protectedHeader } = await jwtVerify(signature, createLocalJWKSet(jwks), { algorithms: ['RS256'] })
    expect(protectedHeader.kid).toBe(key?.kid)
    expect(payload.request_body_sha256).toBe(
      createHash('sha256')
        .update(request?.body ?? '', 'utf8')
        .digest('base64'),
    )
  })

  it('a wrong password sends user.login.failed', async () => {
    const fixture = await createFixture()
    await sendEvents(fixture, { [EventType.UserLoginFailed]: TransactionType.None })
    const inbox = await hook(fixture, 'ok', [EventType.UserLoginFailed])
    expect((await rejection(login(fixture, 'not the password'))).statusCode).toBe(404)
    const [request] = await receiver.eventually(inbox)
    expect(request?.event).toMatchObject({
      type: 'user.login.failed',
      authenticationType: 'PASSWORD',
      reason: { code: 'credentials' },
      user: { id: fixture.userId },
    })
  })

  it('one of two receivers answering 500: AbsoluteMajority 504 leaves no trace; Any 200', async () => {
    const fixture = await createFixture()
    await sendEvents(fixture, { [EventType.UserLoginSuccess]: TransactionType.AbsoluteMajority })
    const good = await hook(fixture, 'ok', [EventType.UserLoginSuccess])
    const bad = await hook(fixture, 'fail', [EventType.UserLoginSuccess])

    expect((await rejection(login(fixture))).statusCode).toBe(504)
    expect(receiver.received(good)).toHaveLength(1)
    expect(receiver.received(bad)).toHaveLength(1)
    expect((await ok(admin().retrieveRefreshTokens(fixture.userId))).refreshTokens ?? []).toEqual([])
    expect((await ok(fixture.api.retrieveUser(fixture.userId))).user?.lastLoginInstant).toBeUndefined()

    await sendEvents(fixture, { [EventType.UserLoginSuccess]: TransactionType.Any })
    const accepted = await ok(login(fixture))
    expect(accepted.refreshToken).toBeTypeOf('string')
    // The successful login's record shows up; the 504's never did.
    const deadline = Date.now() + 30_000
    let total = 0
    for (;;) {
      total =
        (await ok(admin().searchLoginRecords({ retrieveTotal: true, search: { userId: fixture.userId, numberOfResults: 10 } }))).total ?? 0
      if (total > 0 || Date.now() > deadline) break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(total).toBe(1)
    expect((await ok(admin().retrieveRefreshTokens(fixture.userId))).refreshTokens).toHaveLength(1)
  })

  it('a queued event survives a receiver that fails twice, and arrives with the same id', async () => {
    const fixture = await createFixture()
    await sendEvents(fixture, { [EventType.UserLoginSuccess]: TransactionType.None })
    const inbox = await hook(fixture, 'fail-2', [EventType.UserLoginSuccess])
    await ok(login(fixture))
    const attempts = await receiver.eventually(inbox, 3, 55_000)
    expect(attempts.map((request) => request.event.id)).toEqual([attempts[0]?.event.id, attempts[0]?.event.id, attempts[0]?.event.id])
    // Delivered on the third attempt: no fourth.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(receiver.received(inbox)).toHaveLength(3)
  }, 90_000)

  it('bad webhook input is a 400 with FusionAuth codes: URL, event type, signing key, oversize headers', async () => {
    const fixture = await createFixture({ register: false })
    const base = { url: receiver.url('ok').url, connectTimeout: 1000, readTimeout: 1000, tenantIds: [fixture.tenantId] }
    const refused = async (webhook: Record<string, unknown>) =>
      rejection(admin().createWebhook(NO_ID, { webhook: { ...base, ...webhook } }))

    const url = await refused({ url: 'javascript:alert(1)' })
    expect(url.statusCode).toBe(400)
    expect(fieldCode(url, 'webhook.url')).toBe('[invalid]webhook.url')
    const type = await refused({ eventsEnabled: { 'user.login.nonsense': true } })
    expect(type.statusCode).toBe(400)
    expect(fieldCode(type, 'webhook.eventsEnabled')).toBe('[invalid]webhook.eventsEnabled')
    const key = await refused({ signatureConfiguration: { enabled: true, signingKeyId: crypto.randomUUID() } })
    expect(fieldCode(key, 'webhook.signatureConfiguration.signingKeyId')).toBe('[invalid]webhook.signatureConfiguration.signingKeyId')
    const headers = await refused({ headers: { 'X-Big': 'x'.repeat(9000) } })
    expect(headers.statusCode).toBe(400)
    expect(fieldCode(headers, 'webhook.headers')).toBe('[invalid]webhook.headers')
  })
})
