import { SELF } from 'cloudflare:test'

/** The superuser key vitest.config.ts binds as BOOTSTRAP_API_KEY. */
export const SUPERUSER_KEY = 'test-superuser-api-key-0123456789abcdef'

export interface CallOptions {
  method?: string
  body?: unknown
  /** Raw body text, sent as-is (for malformed JSON tests). */
  rawBody?: string
  apiKey?: string | null
  tenantId?: string
  headers?: Record<string, string>
  /** Pins the server's clock for this request (honoured only in tests). */
  nowMillis?: number
}

/** The request a FusionAuth client would send: raw API key in Authorization, JSON body. */
export function clientRequest(path: string, options: CallOptions = {}): Request {
  const headers = new Headers(options.headers)
  const apiKey = options.apiKey === undefined ? SUPERUSER_KEY : options.apiKey
  if (apiKey !== null) headers.set('Authorization', apiKey)
  if (options.tenantId !== undefined) headers.set('X-FusionAuth-TenantId', options.tenantId)
  if (options.nowMillis !== undefined) headers.set('x-test-now-millis', String(options.nowMillis))
  let body: string | undefined
  if (options.rawBody !== undefined) {
    body = options.rawBody
    if (!headers.has('content-type')) headers.set('Content-Type', 'application/json')
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers.set('Content-Type', 'application/json')
  }
  return new Request(`http://localhost${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body })
}

/** Calls the Worker like a FusionAuth client would: raw API key in Authorization, JSON body. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  return SELF.fetch(clientRequest(path, options))
}

/** Reads a JSON response body, failing loudly when the content type is not JSON. */
export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  const type = response.headers.get('content-type') ?? ''
  if (!type.startsWith('application/json'))
    throw new Error(`expected JSON, got [${type}] status ${response.status}: ${await response.text()}`)
  return (await response.json()) as T
}

/** Asserts-by-throwing that a response is an empty-bodied status (401, 404, ...). */
export async function expectEmpty(response: Response, status: number): Promise<void> {
  const text = await response.text()
  if (response.status !== status || text !== '' || response.headers.get('content-type')?.startsWith('application/json')) {
    throw new Error(`expected empty ${status}, got ${response.status} [${response.headers.get('content-type')}] ${text}`)
  }
}
