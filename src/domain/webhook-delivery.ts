/**
 * Sends one event to one webhook, as FusionAuth does: `POST` of `{"event": {...}}` to the configured URL with
 * `Content-Type: application/json`, the webhook's custom headers, HTTP basic auth when it has a username, and,
 * when signing is enabled, `X-FusionAuth-Signature-JWT`: a JWT signed with the webhook's key (header `kid`) whose
 * claim `request_body_sha256` is the base64 SHA-256 of the exact body bytes sent (FusionAuth's "Signing Webhooks").
 * Only a 2xx answer counts as delivered.
 *
 * The request reaches the configured URL and nothing else: redirects are not followed (a 3xx is a failure), and
 * the whole exchange is bounded by connectTimeout + readTimeout, so a receiver that never answers costs at most that.
 */
import type { DeliverableWebhook } from '../store/webhook-store'
import { bytesToBase64, utf8 } from './crypto/encoding'
import type { FusionAuthEvent } from './events/event'
import { type SigningKeyMaterial, signJwt } from './tokens'

export const SIGNATURE_HEADER = 'X-FusionAuth-Signature-JWT'

/** What a delivery needs besides the webhook: its signing keys, and where requests go (the global fetch by default). */
export interface DeliveryContext {
  signingKey(id: string): Promise<SigningKeyMaterial | null>
  fetch?: typeof fetch
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
    const timeout = target.webhook.connectTimeout + target.webhook.readTimeout
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
