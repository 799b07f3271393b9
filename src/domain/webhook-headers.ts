/**
 * `webhook.headers`: the custom headers sent with every event. FusionAuth takes any string map and only trims it
 * (HTTPHeaders.normalize); here a header that could not be sent, or would change how the receiver reads the
 * request, is refused up front (400 `[invalid]webhook.headers`) rather than failing at every delivery.
 */
import type { FieldReader } from '../http/fields'
import { isObject } from '../http/fields'

/** At most this many headers, and this many bytes of names and values together (a common server's header limit). */
export const MAX_WEBHOOK_HEADERS = 64
export const MAX_WEBHOOK_HEADER_BYTES = 8192

/** RFC 9110 field-name: a token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** RFC 9110 field-value after trimming: visible characters, spaces and tabs, no CR, LF or NUL (one byte each). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * Headers the delivery writes itself, or that frame the request: a configured value would be overridden, or
 * would make the receiver read the body, the host or the signature wrongly.
 */
const RESERVED = new Set([
  'connection',
  'content-length',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-fusionauth-signature-jwt',
])

/**
 * Reads `headers` under the webhook reader: names and values trimmed, as FusionAuth does. `basicAuth`: the webhook
 * sends HTTP basic authentication, which an `Authorization` header would contradict.
 */
export function readHeaders(reader: FieldReader, basicAuth: boolean): Record<string, string> {
  const raw = reader.source.headers
  const path = reader.path('headers')
  const invalid = (message: string): Record<string, string> => {
    reader.errors.field(path, `[invalid]${path}`, message)
    return {}
  }
  if (raw === undefined || raw === null) return {}
  if (!isObject(raw)) return invalid(`Invalid [${path}] property. Expected an object of strings.`)
  const entries = Object.entries(raw)
  if (entries.length > MAX_WEBHOOK_HEADERS) return invalid(`The [${path}] property may hold at most ${MAX_WEBHOOK_HEADERS} headers.`)
  const headers: Record<string, string> = {}
  const seen = new Set<string>()
  let bytes = 0
  for (const [rawName, rawValue] of entries) {
    if (typeof rawValue !== 'string') return invalid(`Invalid [${path}] property. The value of [${rawName}] must be a string.`)
    const name = rawName.trim()
    const value = rawValue.trim()
    const lower = name.toLowerCase()
    if (!HEADER_NAME.test(name))
      return invalid(
        `The [${path}] property has an invalid header name [${rawName}]: a header name is letters, digits and !#$%&'*+-.^_\`|~ only.`,
      )
    if (!HEADER_VALUE.test(value))
      return invalid(`The [${path}] property has an invalid value for [${name}]: no line breaks or control characters.`)
    if (seen.has(lower)) return invalid(`The [${path}] property names the header [${name}] twice.`)
    if (RESERVED.has(lower)) return invalid(`The [${path}] property may not set [${name}]: the server sets it.`)
    if (basicAuth && lower === 'authorization')
      return invalid(`The [${path}] property may not set [${name}] when [${reader.path('httpAuthenticationUsername')}] is set.`)
    seen.add(lower)
    // Values are sent as Latin-1 (one byte a character); the 4 are ": " and CRLF.
    bytes += name.length + value.length + 4
    if (bytes > MAX_WEBHOOK_HEADER_BYTES)
      return invalid(`The [${path}] property is too large: at most ${MAX_WEBHOOK_HEADER_BYTES} bytes of names and values.`)
    headers[name] = value
  }
  return headers
}
