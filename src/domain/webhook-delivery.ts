/**
 * Sends one event to one webhook, as FusionAuth does: `POST` of `{"event": {...}}` to the configured URL with
 * `Content-Type: application/json`, the webhook's custom headers, HTTP basic auth when it has a username, and,
 * when signing is enabled, `X-FusionAuth-Signature-JWT`: a JWT signed with the webhook's key (header `kid`) whose
 * claim `request_body_sha256` is the base64 SHA-256 of the exact body bytes sent (FusionAuth's "Signing Webhooks").
 * Only a 2xx answer counts as delivered.
 *
 * The request reaches the configured URL and nothing else: redirects are not followed (a 3xx is a failure), and
 * the whole exchange is bounded by connectTimeout + readTimeout, clamped (deliveryTimeoutMillis), so a receiver
 * that never answers costs at most that.
 */
import type { DeliverableWebhook } from '../store/webhook-store'
import { bytesToBase64, utf8 } from './crypto/encoding'
import type { FusionAuthEvent } from './events/event'
import { type SigningKeyMaterial, signJwt } from './tokens'

export const SIGNATURE_HEADER = 'X-FusionAuth-Signature-JWT'

/**
 * The longest a delivery may take during a request (a transactional event holds the login, user change, ... until
 * its webhooks answer): 10 s, over three times FusionAuth's usual 1 s connect + 2 s read, and short enough that a
 * receiver that never answers costs a login seconds, not the days its configured timeouts (each up to 2^31-1 ms)
 * would allow. Fetch cannot time connecting apart from reading, so the bound is on their sum.
 */
export const REQUEST_DELIVERY_TIMEOUT_MS = 10_000

/**
 * The longest one queued delivery may take (jobs/deliver-events.ts): a batch's deliveries run in parallel, so a
 * batch lasts about this long, far inside a consumer's wall-clock limit; a batch cut short would have every message
 * in it retried (duplicates for the receivers that had answered).
 */
export const QUEUED_DELIVERY_TIMEOUT_MS = 30_000

/**
 * The bound on one delivery: the webhook's connectTimeout + readTimeout as the operator set them (stored and
 * answered unchanged, FusionAuth's wire format), clamped to `capMillis`. A difference from FusionAuth, which waits
 * as long as configured (docs/compatibility.md).
 */
export const deliveryTimeoutMillis = (webhook: { connectTimeout: number; readTimeout: number }, capMillis: number): number =>
  Math.min(webhook.connectTimeout + webhook.readTimeout, capMillis)

/** What a delivery needs besides the webhook: its signing keys, and where requests go (the global fetch by default). */
export interface DeliveryContext {
  signingKey(id: string): Promise<SigningKeyMaterial | null>
  fetch?: typeof fetch
  /** The clamp on the webhook's timeouts: REQUEST_DELIVERY_TIMEOUT_MS (the default) or QUEUED_DELIVERY_TIMEOUT_MS. */
  timeoutCapMillis?: number
}

export type DeliveryOutcome = { delivered: true; status: number } | { delivered: false; status?: number; reason: string }

/** The exact bytes a webhook receives for `event`. */
export const eventBody = (event: FusionAuthEvent): Uint8Array => utf8(JSON.stringify({ event }))

/** The signature JWT over `body`: FusionAuth's payload exactly, `{request_body_sha256}`; header `{alg, typ, kid}`. */
export async function signBody(body: Uint8Array, key: SigningKeyMaterial): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body))
  return signJwt({ request_body_sha256: bytesToBase64(digest) }, key)
}

/** The request headers: custom ones first, so the ones delivery owns (type, auth, signature) cannot be replaced. */
async function headersFor(target: DeliverableWebhook, body: Uint8Array, context: DeliveryContext): Promise<Headers | string> {
  const { webhook } = target
  const headers = new Headers()
  for (const [name, value] of Object.entries(webhook.headers)) headers.set(name, value)
  headers.set('Content-Type', 'application/json')
  if (webhook.httpAuthenticationUsername !== undefined) {
    const credentials = `${webhook.httpAuthenticationUsername}:${target.httpAuthenticationPassword ?? ''}`
    headers.set('Authorization', `Basic ${bytesToBase64(utf8(credentials))}`)
  }
  const signature = webhook.signatureConfiguration
  if (signature.enabled) {
    const key = signature.signingKeyId === undefined ? null : await context.signingKey(signature.signingKeyId)
    // The Webhook API refuses to delete a key a webhook signs with; a key gone anyway fails the delivery, unsigned never.
    if (key === null) return `signing key [${signature.signingKeyId ?? ''}] not found`
    headers.set(SIGNATURE_HEADER, await signBody(body, key))
  }
  return headers
}

/** Delivers `event` to one webhook within its timeouts; never throws. */
export async function deliverEvent(target: DeliverableWebhook, event: FusionAuthEvent, context: DeliveryContext): Promise<DeliveryOutcome> {
  const body = eventBody(event)
  try {
    const headers = await headersFor(target, body, context)
    if (typeof headers === 'string') return { delivered: false, reason: headers }
    const send = context.fetch ?? fetch
    const timeout = deliveryTimeoutMillis(target.webhook, context.timeoutCapMillis ?? REQUEST_DELIVERY_TIMEOUT_MS)
    const response = await send(target.webhook.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeout),
    })
    // The answer's body is not read: only the status matters, and a large or endless body must not hold anything.
    await response.body?.cancel().catch(() => undefined)
    if (response.status >= 200 && response.status < 300) return { delivered: true, status: response.status }
    return { delivered: false, status: response.status, reason: `HTTP ${response.status}` }
  } catch (error) {
    return { delivered: false, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }
  }
}
