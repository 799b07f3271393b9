/**
 * One event to one webhook (domain/webhook-delivery.ts), against a real HTTP receiver: the body, the headers
 * FusionAuth sends (Content-Type, custom headers, HTTP basic), the X-FusionAuth-Signature-JWT that jose verifies
 * against the key's JWKS entry (RSA, EC) or secret (HMAC), the timeouts that bound a receiver that never answers,
 * and the configured URL as the only destination (no redirects followed).
 */
import { env } from 'cloudflare:test'
import { type JWK, decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { newEvent } from '../../src/domain/events/event'
import { SIGNATURE_HEADER, deliverEvent, eventBody } from '../../src/domain/webhook-delivery'
import { bytesToBase64, utf8 } from '../../src/domain/crypto/encoding'
import { dataContextFor } from '../../src/store/data-context'
import { createTenant } from '../fixtures'
import { call, json } from '../helpers'
import { createWebhook, deliverable, generateKey, hookUrl, receivedBy } from './delivery-fixtures'

const TYPE = 'user.login.success'

const context = () => {
  const data = dataContextFor(env, Date.now())
  return { signingKey: (id: string) => data.signingKey(id) }
}

async function sha256Base64(text: string): Promise<string> {
  return bytesToBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text))))
}

async function webhookFor(options: Record<string, unknown>, mode: Parameters<typeof hookUrl>[0] = 'ok') {
  const tenant = await createTenant()
  const { inbox, url } = hookUrl(mode)
  const id = await createWebhook({ url, eventsEnabled: [TYPE], tenantIds: [tenant.id], ...options })
  const target = await deliverable(tenant.id, TYPE, id)
  const event = newEvent(TYPE, Date.now(), tenant.id, { applicationId: crypto.randomUUID(), user: { id: crypto.randomUUID() } })
  return { tenant, inbox, target, event }
}

describe('webhook delivery', () => {
  it('POSTs {event} as JSON with the custom headers and HTTP basic auth; the headers it owns cannot be replaced', async () => {
    const { inbox, target, event } = await webhookFor({
      headers: { 'X-Custom': 'custom value', 'Content-Type': 'text/plain' },
      httpAuthenticationUsername: 'hook-user',
      httpAuthenticationPassword: 'hook-pässword',
    })
    const outcome = await deliverEvent(target, event, context())
    expect(outcome).toEqual({ delivered: true, status: 200 })

    const [request, ...more] = await receivedBy(inbox)
    expect(more).toEqual([])
    expect(request?.method).toBe('POST')
    expect(request?.body).toBe(JSON.stringify({ event }))
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers['x-custom']).toBe('custom value')
    expect(request?.headers.authorization).toBe(`Basic ${bytesToBase64(utf8('hook-user:hook-pässword'))}`)
    expect(request?.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined()
  })

  for (const algorithm of ['RS256', 'ES256', 'ES384']) {
    it(`signs with a ${algorithm} key: a JWT jose verifies against the key's JWKS entry, request_body_sha256 of the exact bytes`, async () => {
      const key = await generateKey(algorithm)
      const { inbox, target, event } = await webhookFor({ signatureConfiguration: { enabled: true, signingKeyId: key.id } })
      expect((await deliverEvent(target, event, context())).delivered).toBe(true)

      const [request] = await receivedBy(inbox)
      const jwt = request?.headers[SIGNATURE_HEADER.toLowerCase()] ?? ''
      expect(decodeProtectedHeader(jwt)).toEqual({ alg: algorithm, typ: 'JWT', kid: key.kid })
      const { keys } = await json<{ keys: JWK[] }>(await call('/.well-known/jwks.json', { apiKey: null }))
      const jwk = keys.find((entry) => entry.kid === key.kid)
      expect(jwk).toBeDefined()
      const { payload } = await jwtVerify(jwt, await importJWK(jwk as JWK, algorithm), { algorithms: [algorithm] })
      // FusionAuth's claims exactly: the body's hash, base64 (with padding), and nothing else.
      expect(payload).toEqual({ request_body_sha256: await sha256Base64(request?.body ?? '') })
      expect(new TextDecoder().decode(eventBody(event))).toBe(request?.body)
    })
  }

  it('signs with an HMAC key: verified with the secret', async () => {
    const key = await generateKey('HS256')
    const { inbox, target, event } = await webhookFor({ signatureConfiguration: { enabled: true, signingKeyId: key.id } })
    expect((await deliverEvent(target, event, context())).delivered).toBe(true)
    const [request] = await receivedBy(inbox)
    const material = await dataContextFor(env, Date.now()).signingKey(key.id)
    const { payload, protectedHeader } = await jwtVerify(
      request?.headers['x-fusionauth-signature-jwt'] ?? '',
      utf8(material?.secret ?? ''),
      {
        algorithms: ['HS256'],
      },
    )
    expect(protectedHeader.kid).toBe(key.kid)
    expect(payload.request_body_sha256).toBe(await sha256Base64(request?.body ?? ''))
  })

  it('a receiver that never answers costs at most connectTimeout + readTimeout, and is a failure', async () => {
    const { target, event } = await webhookFor({ connectTimeout: 50, readTimeout: 100 }, 'hang')
    const outcome = await deliverEvent(target, event, context())
    expect(outcome.delivered).toBe(false)
    expect(outcome.delivered === false && outcome.reason).toMatch(/TimeoutError|abort/i)
  })

  it('a non-2xx answer is a failure; a redirect is not followed (the configured URL is the only destination)', async () => {
    const failing = await webhookFor({}, 'fail')
    expect(await deliverEvent(failing.target, failing.event, context())).toEqual({ delivered: false, status: 500, reason: 'HTTP 500' })

    const redirecting = await webhookFor({}, 'redirect')
    const outcome = await deliverEvent(redirecting.target, redirecting.event, context())
    expect(outcome).toMatchObject({ delivered: false, status: 302 })
    // The receiver records a followed redirect under /followed/<inbox>: nothing arrived there.
    expect((await receivedBy(redirecting.inbox)).map((request) => request.path)).toEqual([new URL(redirecting.target.webhook.url).pathname])
  })

  it('a signing key that is gone fails the delivery: nothing is sent unsigned', async () => {
    const key = await generateKey('HS256')
    const { inbox, target, event } = await webhookFor({ signatureConfiguration: { enabled: true, signingKeyId: key.id } })
    const gone = { ...target, webhook: { ...target.webhook, signatureConfiguration: { enabled: true, signingKeyId: crypto.randomUUID() } } }
    const outcome = await deliverEvent(gone, event, context())
    expect(outcome.delivered).toBe(false)
    expect(await receivedBy(inbox)).toEqual([])
  })
})
