/**
 * A FusionAuth Webhook (`/api/webhook`): where a tenant's events are sent. Reading a request's `webhook` object
 * yields a typed, valid Webhook or FusionAuth's 400, with the checks that need data (signing keys, tenants) made
 * through the request's context.
 *
 * The HTTP basic password is not part of the Webhook value: it travels beside it as a PasswordChange, is stored
 * encrypted, and no response carries it (FusionAuth returns it in clear; see docs/compatibility.md).
 */
import { codes } from '../http/errors'
import { type FieldReader, isUuid, type JsonObject } from '../http/fields'
import type { DataContext } from '../store/data-context'
import { type EventType, isEventType } from './events/event-types'
import { MAX_LIFETIME, requireIntegerAtLeast } from './tenant-validation'
import { readHeaders } from './webhook-headers'

export interface WebhookSignatureConfiguration {
  enabled: boolean
  signingKeyId?: string
}

export interface Webhook extends JsonObject {
  id: string
  url: string
  connectTimeout: number
  readTimeout: number
  eventsEnabled: Partial<Record<EventType, boolean>>
  global: boolean
  tenantIds: string[]
  headers: Record<string, string>
  httpAuthenticationUsername?: string
  signatureConfiguration: WebhookSignatureConfiguration
  sslCertificate?: string
  sslCertificateKeyId?: string
  description?: string
  data: JsonObject
  insertInstant: number
  lastUpdateInstant: number
}

/**
 * What a write does to the stored password. A request that leaves `httpAuthenticationPassword` out keeps it:
 * responses never show it, so a client cannot send it back. `null` or an empty string removes it, and so does
 * a webhook without a username.
 */
export type PasswordChange = { kind: 'keep' } | { kind: 'set'; password: string } | { kind: 'clear' }

export interface WebhookWrite {
  webhook: Webhook
  password: PasswordChange
}

export type WebhookIdentity = Pick<Webhook, 'id' | 'insertInstant' | 'lastUpdateInstant'>

/** Longer URLs are refused: browsers and most servers stop at about this length. */
export const MAX_WEBHOOK_URL_LENGTH = 2048
/** A webhook names at most this many tenants (one query checks them; D1 binds at most 100 parameters). */
export const MAX_WEBHOOK_TENANTS = 100

/**
 * Reads and validates the `webhook` object (`reader`, prefix `webhook`) into the webhook to store; throws 400 with
 * every problem at once. Codes: `[blank]webhook.url`, `[invalid]webhook.url` (not an absolute http(s) URL),
 * `[blank]`/`[invalid]` for `connectTimeout` and `readTimeout` (at least 1), `[invalid]webhook.eventsEnabled`
 * (unknown event type), `[invalid]webhook.headers`, `[invalid]webhook.tenantIds` (no such tenant),
 * `[blank]`/`[invalid]webhook.signatureConfiguration.signingKeyId`, `[invalid]webhook.sslCertificateKeyId`.
 */
export async function readWebhook(data: DataContext, reader: FieldReader, identity: WebhookIdentity): Promise<WebhookWrite> {
  const errors = reader.errors
  const url = readUrl(reader)
  const connectTimeout = requireIntegerAtLeast(reader, 'connectTimeout', 1, MAX_LIFETIME)
  const readTimeout = requireIntegerAtLeast(reader, 'readTimeout', 1, MAX_LIFETIME)
  const username = trimmed(reader.string('httpAuthenticationUsername'))
  const password = username === undefined ? { kind: 'clear' as const } : readPassword(reader)
  const signature = reader.object('signatureConfiguration')
  const signatureConfiguration: WebhookSignatureConfiguration = { enabled: signature.boolean('enabled') ?? false }
  const signingKeyId = signature.uuid('signingKeyId')
  if (signingKeyId !== undefined) signatureConfiguration.signingKeyId = signingKeyId
  else if (signatureConfiguration.enabled && !errors.has(signature.path('signingKeyId'))) {
    const path = signature.path('signingKeyId')
    errors.field(path, codes.blank(path).code, `The [${path}] property is required when [${signature.path('enabled')}] is true.`)
  }
  const webhook: Webhook = {
    ...identity,
    url: url ?? '',
    connectTimeout: connectTimeout ?? 0,
    readTimeout: readTimeout ?? 0,
    eventsEnabled: readEventsEnabled(reader),
    global: reader.boolean('global') ?? false,
    tenantIds: readTenantIds(reader),
    headers: readHeaders(reader, username !== undefined),
    signatureConfiguration,
    data: reader.rawObject('data') ?? {},
  }
  if (username !== undefined) webhook.httpAuthenticationUsername = username
  readCertificate(reader, webhook)
  const description = reader.string('description')
  if (description !== undefined) webhook.description = description

  await checkReferences(data, reader, webhook)
  errors.throwIfAny()
  return { webhook, password }
}

const trimmed = (value: string | undefined): string | undefined => {
  const text = value?.trim()
  return text === undefined || text === '' ? undefined : text
}

function readUrl(reader: FieldReader): string | undefined {
  const url = reader.requiredString('url')?.trim()
  if (url === undefined) return undefined
  const path = reader.path('url')
  const problem = urlProblem(url, path)
  if (problem === null) return url
  reader.errors.field(path, codes.invalid(path).code, problem)
  return undefined
}

function urlProblem(url: string, path: string): string | null {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) return `The [${path}] property may be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `The [${path}] property must be an absolute http or https URL.`
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `The [${path}] property must be an http or https URL, not [${parsed.protocol}].`
  if (parsed.hostname === '') return `The [${path}] property must name a host.`
  // Credentials in the URL would be shown by every read; the password fields keep them encrypted.
  if (parsed.username !== '' || parsed.password !== '') {
    return `The [${path}] property may not carry credentials: use [webhook.httpAuthenticationUsername] and [webhook.httpAuthenticationPassword].`
  }
  return null
}

function readPassword(reader: FieldReader): PasswordChange {
  if (!Object.hasOwn(reader.source, 'httpAuthenticationPassword')) return { kind: 'keep' }
  const given = reader.string('httpAuthenticationPassword')
  if (given === undefined) return reader.errors.has(reader.path('httpAuthenticationPassword')) ? { kind: 'keep' } : { kind: 'clear' }
  const password = given.trim()
  return password === '' ? { kind: 'clear' } : { kind: 'set', password }
}

/** `eventsEnabled`: event type -> boolean; a `null` value is left out, an unknown type is `[invalid]`. */
function readEventsEnabled(reader: FieldReader): Partial<Record<EventType, boolean>> {
  const raw = reader.rawObject('eventsEnabled')
  const enabled: Partial<Record<EventType, boolean>> = {}
  if (raw === undefined) return enabled
  const path = reader.path('eventsEnabled')
  for (const [type, value] of Object.entries(raw)) {
    if (!isEventType(type)) {
      reader.errors.field(path, codes.invalid(path).code, `The [${path}] property names an unknown event type [${type}].`)
    } else if (typeof value === 'boolean') {
      enabled[type] = value
    } else if (value !== null) {
      reader.errors.field(path, codes.invalid(path).code, `Invalid [${path}] property. The value of [${type}] must be a boolean.`)
    }
  }
  return enabled
}

/** `tenantIds`: UUIDs, lower-cased, duplicates dropped, in the order given. */
function readTenantIds(reader: FieldReader): string[] {
  const raw = reader.source.tenantIds
  if (raw === undefined || raw === null) return []
  const path = reader.path('tenantIds')
  if (!Array.isArray(raw) || !raw.every(isUuid)) {
    reader.errors.field(path, codes.invalid(path).code, `Invalid [${path}] property. Expected an array of UUIDs.`)
    return []
  }
  const ids = [...new Set(raw.map((id) => id.toLowerCase()))]
  if (ids.length > MAX_WEBHOOK_TENANTS) {
    reader.errors.field(path, codes.invalid(path).code, `The [${path}] property may name at most ${MAX_WEBHOOK_TENANTS} tenants.`)
    return []
  }
  return ids
}

/**
 * `sslCertificate` (a PEM certificate, deprecated by FusionAuth) or `sslCertificateKeyId` (a key's id), not both:
 * FusionAuth's docs refuse the certificate when the key id is given.
 */
function readCertificate(reader: FieldReader, webhook: Webhook): void {
  const keyId = reader.uuid('sslCertificateKeyId')
  if (keyId !== undefined) webhook.sslCertificateKeyId = keyId
  const certificate = trimmed(reader.string('sslCertificate'))
  if (certificate === undefined) return
  const path = reader.path('sslCertificate')
  if (keyId !== undefined) {
    reader.errors.field(
      path,
      codes.invalid(path).code,
      `The [${path}] property may not be given with [${reader.path('sslCertificateKeyId')}].`,
    )
  } else if (!/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/.test(certificate)) {
    reader.errors.field(path, codes.invalid(path).code, `The [${path}] property must be a certificate in PEM format.`)
  } else {
    webhook.sslCertificate = certificate
  }
}

/** `[invalid]` for every signing key and tenant the webhook names that does not exist; one query each. */
async function checkReferences(data: DataContext, reader: FieldReader, webhook: Webhook): Promise<void> {
  const errors = reader.errors
  const keys = [
    { path: reader.path('signatureConfiguration.signingKeyId'), id: webhook.signatureConfiguration.signingKeyId },
    { path: reader.path('sslCertificateKeyId'), id: webhook.sslCertificateKeyId },
  ].filter((ref): ref is { path: string; id: string } => ref.id !== undefined)
  if (keys.length > 0) {
    const existing = await data.signingKeys.existingIds(keys.map((ref) => ref.id))
    for (const ref of keys) {
      if (!existing.has(ref.id))
        errors.field(ref.path, codes.invalid(ref.path).code, `The [${ref.path}] property is not valid. No Key exists with Id [${ref.id}].`)
    }
  }
  if (webhook.tenantIds.length > 0) {
    const existing = await data.tenants.existingIds(webhook.tenantIds)
    const path = reader.path('tenantIds')
    for (const id of webhook.tenantIds) {
      if (!existing.has(id))
        errors.field(path, codes.invalid(path).code, `The [${path}] property is not valid. No Tenant exists with Id [${id}].`)
    }
  }
}
