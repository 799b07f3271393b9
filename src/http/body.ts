import type { Context } from 'hono'
import { jsonTextDeeperThan, MAX_JSON_DEPTH, sanitizeParsedJson } from '../domain/json-bounds'
import { ApiError, Errors } from './errors'

/** Larger JSON bodies are refused: nothing in this API needs more, and memory is 128 MB per isolate. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024

const invalidJson = (message: string): ApiError => new ApiError(400, new Errors().general('[invalid]', message))

const isJson = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim())

/**
 * Reads the request body as JSON when the request says it is JSON.
 * Returns undefined for an absent or empty body, or a body that is not declared JSON
 * (the official client sends `text/plain` empty bodies on several POSTs and PUTs).
 * Malformed, oversized or over-deep JSON is a 400 with Errors JSON, never a 500; prototype keys
 * (`__proto__`, `constructor`, `prototype`) are dropped at every level, so nothing after this sees them.
 */
export async function readOptionalJson(c: Context): Promise<unknown> {
  if (!isJson(c.req.header('content-type'))) return undefined
  const declared = Number(c.req.header('content-length') ?? '0')
  if (declared > MAX_JSON_BODY_BYTES) throw invalidJson('Your request body is too large.')
  const text = await readLimitedText(c.req.raw)
  if (text.trim() === '') return undefined
  // Checked on the text, before anything walks the value: deep JSON would overflow the recursive
  // JSON.stringify of a later response, and Jackson refuses over-deep JSON as invalid too.
  if (jsonTextDeeperThan(text, MAX_JSON_DEPTH))
    throw invalidJson(`Your JSON was invalid: it is nested more than ${MAX_JSON_DEPTH} levels deep.`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalidJson('Your JSON was invalid')
  }
  return sanitizeParsedJson(parsed)
}

/** Like readOptionalJson, but a missing body is FusionAuth's `[missing]` 400. */
export async function readJson(c: Context): Promise<unknown> {
  const body = await readOptionalJson(c)
  if (body === undefined) {
    throw new ApiError(400, new Errors().general('[missing]', 'Your request is missing a JSON body'))
  }
  return body
}

async function readLimitedText(request: Request): Promise<string> {
  if (request.body === null) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > MAX_JSON_BODY_BYTES) {
      await reader.cancel()
      throw invalidJson('Your request body is too large.')
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}
