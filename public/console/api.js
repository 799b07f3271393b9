/**
 * Calls to the console's API and to the Login API. The session lives in an HttpOnly cookie the page never sees;
 * the CSRF token from GET /console/api/session rides on every state-changing call.
 */
let csrfToken = ''

export class ApiFailure extends Error {
  constructor(status, body) {
    super(firstMessage(body) ?? `The server answered ${status}.`)
    this.status = status
    this.body = body
  }
}

function firstMessage(body) {
  if (body === null || typeof body !== 'object') return undefined
  const general = body.generalErrors?.[0]?.message
  if (general !== undefined) return general
  const field = Object.values(body.fieldErrors ?? {})[0]?.[0]?.message
  return field
}

async function parse(response) {
  const text = await response.text()
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** A JSON call; resolves `{ status, body }` for any status (the Login API's 2xx statuses all mean something). */
export async function raw(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && path.startsWith('/console/')) headers['X-Console-CSRF'] = csrfToken
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  })
  return { status: response.status, body: await parse(response) }
}

/** A console API call: its JSON, or an ApiFailure (401 means signed out). */
export async function api(path, options) {
  const { status, body } = await raw(`/console/api${path}`, options)
  if (status >= 200 && status < 300) return body
  throw new ApiFailure(status, body)
}

export const setCsrfToken = (token) => {
  csrfToken = token
}

/** The console's query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value))
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}
