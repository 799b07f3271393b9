/**
 * Real responses against the OpenAPI document the Worker serves (GET /api/openapi.json): each sample's status must
 * be documented for its operation, a documented body must validate against its schema, and a status documented
 * without a body must come with none (and no JSON content type). The samples cover the login family in full (200,
 * 203, 242, the two-factor completion, 404, 409, 421, 423, the Errors body, login-record search) and the admin
 * objects a login needs.
 *
 * The checker below knows exactly the JSON Schema keywords the document uses and reports any other, so the document
 * cannot grow a keyword that these samples silently skip. It also reports a writeOnly member (a password) in a
 * response.
 */
import { request as httpRequest } from 'node:http'
import { beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/eventually'
import { host, superuserKey, TEST_PASSWORD_FACTOR, unique } from './support'

type JsonObject = { [key: string]: unknown }

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Keywords that assert, and annotations that do not (format `uuid` is asserted too: every id here is one). */
const ASSERTIONS = new Set([
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'oneOf',
  'anyOf',
  'minimum',
  'maximum',
  'format',
])
const ANNOTATIONS = new Set(['description', 'default', 'examples', 'writeOnly', 'deprecated'])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The node a local JSON pointer (`#/components/schemas/User`) names. */
function resolve(root: JsonObject, pointer: string): unknown {
  if (!pointer.startsWith('#/')) throw new Error(`not a local reference: ${pointer}`)
  let node: unknown = root
  for (const part of pointer.slice(2).split('/')) {
    if (!isObject(node) || !(part in node)) throw new Error(`unresolved reference: ${pointer}`)
    node = node[part]
  }
  return node
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value)
    case 'array':
      return Array.isArray(value)
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number'
    case 'string':
    case 'boolean':
      return typeof value === type
    default:
      throw new Error(`a type the checker does not know: ${String(type)}`)
  }
}

/** The problems of `value` under `schema`; none means it validates. */
function problemsOf(root: JsonObject, schema: unknown, value: unknown, at = '$'): string[] {
  if (!isObject(schema)) return [`${at}: the schema is not an object`]
  const problems: string[] = []
  for (const keyword of Object.keys(schema)) {
    if (!ASSERTIONS.has(keyword) && !ANNOTATIONS.has(keyword)) problems.push(`${at}: the checker does not know the keyword [${keyword}]`)
  }
  if (typeof schema.$ref === 'string') problems.push(...problemsOf(root, resolve(root, schema.$ref), value, at))
  if (schema.type !== undefined && !hasType(value, schema.type))
    return [...problems, `${at}: expected ${String(schema.type)}, got ${JSON.stringify(value)}`]
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`)
  if ('const' in schema && schema.const !== value) problems.push(`${at}: expected ${JSON.stringify(schema.const)}`)
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum)
    problems.push(`${at}: below ${schema.minimum}`)
  if (typeof value === 'number' && typeof schema.maximum === 'number' && value > schema.maximum)
    problems.push(`${at}: above ${schema.maximum}`)
  if (schema.format === 'uuid' && typeof value === 'string' && !UUID.test(value)) problems.push(`${at}: not a UUID: ${value}`)
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {}
    for (const name of Array.isArray(schema.required) ? schema.required : []) {
      if (typeof name === 'string' && !(name in value)) problems.push(`${at}: missing [${name}]`)
    }
    for (const [name, member] of Object.entries(value)) {
      const property = properties[name]
      if (property !== undefined) {
        if (isObject(property) && property.writeOnly === true) problems.push(`${at}.${name}: writeOnly, yet in a response`)
        problems.push(...problemsOf(root, property, member, `${at}.${name}`))
      } else if (schema.additionalProperties === false) {
        problems.push(`${at}: a member the document does not list: [${name}]`)
      } else if (isObject(schema.additionalProperties)) {
        problems.push(...problemsOf(root, schema.additionalProperties, member, `${at}.${name}`))
      }
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [i, item] of value.entries()) problems.push(...problemsOf(root, schema.items, item, `${at}[${i}]`))
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((branch) => problemsOf(root, branch, value, at).length === 0).length
    if (matching !== 1) problems.push(`${at}: matches ${matching} of the oneOf branches, not exactly one`)
  }
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((branch) => problemsOf(root, branch, value, at).length === 0))
    problems.push(`${at}: matches none of the anyOf branches`)
  return problems
}

let document: JsonObject = {}

/** A response as the document describes it: the operation, its status, and the body's schema or its absence. */
interface Sample {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** The OpenAPI path template (`/api/user/{id}`). */
  path: string
  response: Response
}

/** Checks a real response against the document and returns its JSON body (undefined when it has none). */
async function documented({ method, path, response }: Sample): Promise<unknown> {
  const text = await response.text()
  const contentType = response.headers.get('content-type') ?? ''
  const paths = document.paths
  const item = isObject(paths) ? paths[path] : undefined
  const operation = isObject(item) ? item[method] : undefined
  if (!isObject(operation) || !isObject(operation.responses)) throw new Error(`${method.toUpperCase()} ${path} is not in the document`)
  let described = operation.responses[String(response.status)]
  if (isObject(described) && typeof described.$ref === 'string') described = resolve(document, described.$ref)
  const where = `${method.toUpperCase()} ${path} ${response.status}`
  if (!isObject(described)) throw new Error(`${where}: the status is not documented (body: ${text})`)
  if (!isObject(described.content)) {
    expect({ where, text, json: contentType.startsWith('application/json') }).toEqual({ where, text: '', json: false })
    return undefined
  }
  const media = described.content['application/json']
  expect(contentType, where).toMatch(/^application\/json/)
  const body: unknown = JSON.parse(text)
  expect(problemsOf(document, isObject(media) ? media.schema : undefined, body), `${where}: ${text}`).toEqual([])
  return body
}

interface Call {
  body?: unknown
  rawBody?: string
  apiKey?: string | null
  tenantId?: string
}

function send(method: string, path: string, options: Call = {}): Promise<Response> {
  const headers = new Headers()
  const apiKey = options.apiKey === undefined ? superuserKey() : options.apiKey
  if (apiKey !== null) headers.set('Authorization', apiKey)
  if (options.tenantId !== undefined) headers.set('X-FusionAuth-TenantId', options.tenantId)
  let body: string | undefined = options.rawBody
  if (options.body !== undefined) body = JSON.stringify(options.body)
  if (body !== undefined) headers.set('Content-Type', 'application/json')
  return plainRequest(`${host()}${path}`, method.toUpperCase(), headers, body)
}

/**
 * One HTTP request with node:http, not fetch: the Fetch standard makes fetch() resend a request that got 421 on a
 * reused connection (undici then fails it with a content-length mismatch), and FusionAuth's wrong two-factor code is
 * exactly a 421. A sample must be the one request the test sent.
 */
function plainRequest(url: string, method: string, headers: Headers, body: string | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const plainHeaders: Record<string, string> = {}
    headers.forEach((value, name) => {
      plainHeaders[name] = value
    })
    const request = httpRequest(url, { method, headers: plainHeaders }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () => {
        const responseHeaders = new Headers()
        for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') responseHeaders.set(name, value)
        const status = incoming.statusCode ?? 0
        resolve(new Response(status === 204 || chunks.length === 0 ? null : Buffer.concat(chunks), { status, headers: responseHeaders }))
      })
      incoming.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

/** Sends a request and checks its response against the document; returns the JSON body. */
async function sample(method: Sample['method'], template: string, path: string, options: Call = {}): Promise<JsonObject> {
  const body = await documented({ method, path: template, response: await send(method, path, options) })
  return isObject(body) ? body : {}
}

const idOf = (body: JsonObject, member: string): string => {
  const object = body[member]
  if (!isObject(object) || typeof object.id !== 'string') throw new Error(`no ${member}.id in ${JSON.stringify(body)}`)
  return object.id
}

/** 20 random bytes, as FusionAuth's Base64 authenticator secret. */
const randomSecret = (): string => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(20))))

interface World {
  tenantId: string
  applicationId: string
  email: string
  password: string
}

let world: World

beforeAll(async () => {
  // A static asset (public/api/openapi.json with public/_headers), served before the Worker, no key needed.
  const response = await fetch(`${host()}/api/openapi.json`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(response.headers.get('cache-control')).toBe('public, max-age=300')
  expect(response.headers.get('access-control-allow-origin')).toBe('*')
  const served: unknown = await response.json()
  if (!isObject(served)) throw new Error('the document is not a JSON object')
  document = served
  expect(document.openapi).toBe('3.1.0')

  const name = unique()
  const tenant = await sample('post', '/api/tenant', '/api/tenant', {
    body: {
      tenant: {
        name: `openapi-${name}`,
        passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: TEST_PASSWORD_FACTOR },
      },
    },
  })
  const tenantId = idOf(tenant, 'tenant')
  const application = await sample('post', '/api/application', '/api/application', {
    tenantId,
    body: {
      application: {
        name: `app-${name}`,
        roles: [{ name: 'user', isDefault: true }],
        loginConfiguration: { requireAuthentication: false, generateRefreshTokens: true, allowTokenRefresh: true },
      },
    },
  })
  world = {
    tenantId,
    applicationId: idOf(application, 'application'),
    email: `openapi-${name}@example.com`,
    password: `correct horse ${name}`,
  }
})

/** A new user of the world's tenant, registered to its application; returns its id. */
async function registeredUser(extra: JsonObject = {}, email = `${unique()}-${world.email}`): Promise<string> {
  const created = await sample('post', '/api/user', '/api/user', {
    tenantId: world.tenantId,
    body: { user: { email, password: world.password, ...extra }, skipVerification: true },
  })
  const userId = idOf(created, 'user')
  await sample('post', '/api/user/registration/{userId}', `/api/user/registration/${userId}`, {
    tenantId: world.tenantId,
    body: { registration: { applicationId: world.applicationId, roles: ['user'] } },
  })
  return userId
}

const login = (loginId: string, password = world.password) =>
  sample('post', '/api/login', '/api/login', { apiKey: null, body: { applicationId: world.applicationId, loginId, password } })

describe('the checker', () => {
  it("holds FusionAuth's own OpenAPI shape of Errors (fieldErrors as an array) to be wrong, and the map to be right", () => {
    const errors = { $ref: '#/components/schemas/Errors' }
    expect(problemsOf(document, errors, { fieldErrors: [{ code: '[blank]loginId', message: 'x' }] })).not.toEqual([])
    expect(problemsOf(document, errors, { fieldErrors: { loginId: [{ code: '[blank]loginId', message: 'x' }] } })).toEqual([])
  })

  it('refuses an undocumented member of a closed body and a password in a user', () => {
    expect(
      problemsOf(document, { $ref: '#/components/schemas/LoginTwoFactorResponse' }, { twoFactorId: 'x', methods: [], extra: 1 }),
    ).not.toEqual([])
    expect(problemsOf(document, { $ref: '#/components/schemas/User' }, { id: crypto.randomUUID(), password: 'secret' })).not.toEqual([])
  })
})

describe('responses of the login family validate against the document', () => {
  it('a login: 200 with the user and tokens, then a 404 with no body for a wrong password', async () => {
    const email = `${unique()}-${world.email}`
    const userId = await registeredUser({}, email)
    const body = await login(email)
    expect(body.token).toEqual(expect.any(String))
    expect(body.refreshToken).toEqual(expect.any(String))
    expect(idOf(body, 'user')).toBe(userId)
    await login(email, 'wrong password')
    await sample('put', '/api/login/{userId}/{applicationId}', `/api/login/${userId}/${world.applicationId}`, { tenantId: world.tenantId })
    const refreshed = await sample('post', '/api/jwt/refresh', '/api/jwt/refresh', {
      apiKey: null,
      body: { refreshToken: body.refreshToken },
    })
    expect(refreshed.token).toEqual(expect.any(String))
    await sample('get', '/api/jwt/validate', '/api/jwt/validate', { apiKey: `Bearer ${String(refreshed.token)}` })
  })

  it('a two-factor login: 242, a wrong code 421 with no body, a recovery code 200 with a trust id', async () => {
    const email = `${unique()}-${world.email}`
    const recoveryCodes = ['QJD73-L6GR5', 'ZX2KP-9MN4T']
    await sample('post', '/api/user/import', '/api/user/import', {
      tenantId: world.tenantId,
      body: {
        users: [
          {
            email,
            password: world.password,
            verified: true,
            registrations: [{ applicationId: world.applicationId, verified: true }],
            twoFactor: { methods: [{ method: 'authenticator', secret: randomSecret() }], recoveryCodes },
          },
        ],
      },
    })
    const challenge = await login(email)
    expect(challenge.twoFactorId).toEqual(expect.any(String))
    const twoFactorLogin = (code: string, trustComputer = false) =>
      sample('post', '/api/two-factor/login', '/api/two-factor/login', {
        apiKey: null,
        body: { twoFactorId: challenge.twoFactorId, code, trustComputer },
      })
    await twoFactorLogin('000000')
    const completed = await twoFactorLogin(recoveryCodes[0] ?? '', true)
    expect(completed.twoFactorTrustId).toEqual(expect.any(String))
  })

  it('a required password change: 203', async () => {
    const email = `${unique()}-${world.email}`
    await registeredUser({ passwordChangeRequired: true }, email)
    expect((await login(email)).changePasswordId).toEqual(expect.any(String))
  })

  it('a prevent-login action: 409 with the actions; a deactivated user: 423 with no body', async () => {
    const email = `${unique()}-${world.email}`
    const userId = await registeredUser({}, email)
    const definition = await sample('post', '/api/user-action', '/api/user-action', {
      body: { userAction: { name: `lock-${unique()}`, temporal: true, preventLogin: true } },
    })
    await sample('post', '/api/user/action', '/api/user/action', {
      tenantId: world.tenantId,
      body: {
        action: {
          actioneeUserId: userId,
          userActionId: idOf(definition, 'userAction'),
          expiry: Date.now() + 3_600_000,
          comment: 'openapi sample',
        },
      },
    })
    expect(await login(email)).toMatchObject({ actions: [expect.objectContaining({ name: expect.any(String) })] })

    const other = `${unique()}-${world.email}`
    const otherId = await registeredUser({}, other)
    await sample('delete', '/api/user/{id}', `/api/user/${otherId}`, { tenantId: world.tenantId })
    await login(other)
  })

  it('the Errors body: field errors, and a general error for malformed JSON', async () => {
    const fields = await sample('post', '/api/login', '/api/login', { apiKey: null, body: { applicationId: world.applicationId } })
    expect(Object.keys(isObject(fields.fieldErrors) ? fields.fieldErrors : {})).toEqual(expect.arrayContaining(['loginId', 'password']))
    const general = await sample('post', '/api/login', '/api/login', { apiKey: null, rawBody: '{"loginId":' })
    expect(general.generalErrors).toEqual([expect.objectContaining({ code: '[invalid]' })])
  })

  it('login-record search, by POST and GET', async () => {
    const email = `${unique()}-${world.email}`
    const userId = await registeredUser({}, email)
    await login(email)
    const found = await eventually(async () => {
      const body = await sample('post', '/api/system/login-record/search', '/api/system/login-record/search', {
        body: { retrieveTotal: true, search: { userId } },
      })
      expect(body.total).toBe(1)
      return body
    })
    expect(found.logins).toEqual([expect.objectContaining({ userId, loginId: email })])
    await sample('get', '/api/system/login-record/search', `/api/system/login-record/search?userId=${userId}&numberOfResults=5`)
    await sample('get', '/api/system/login-record/search', '/api/system/login-record/search?orderBy=instant')
  })
})

describe('admin responses validate against the document', () => {
  it('a tenant, an application, a user, a registration, a user search, keys and the status', async () => {
    await sample('get', '/api/tenant/{id}', `/api/tenant/${world.tenantId}`)
    await sample('get', '/api/application/{id}', `/api/application/${world.applicationId}`, { tenantId: world.tenantId })
    const email = `${unique()}-${world.email}`
    const userId = await registeredUser({ firstName: 'Open', data: { note: 'api' } }, email)
    const user = await sample('get', '/api/user/{id}', `/api/user/${userId}`, { tenantId: world.tenantId })
    expect(user.user).toMatchObject({ email, firstName: 'Open' })
    await sample('get', '/api/user/registration/{userId}/{applicationId}', `/api/user/registration/${userId}/${world.applicationId}`, {
      tenantId: world.tenantId,
    })
    const search = await sample('post', '/api/user/search', '/api/user/search', {
      tenantId: world.tenantId,
      body: { search: { queryString: email } },
    })
    expect(search.total).toBe(1)
    await sample('get', '/api/user/{id}', `/api/user/${crypto.randomUUID()}`, { tenantId: world.tenantId })
    await sample('get', '/.well-known/jwks.json', '/.well-known/jwks.json', { apiKey: null })
    await sample('get', '/api/key', '/api/key')
    await sample('get', '/api/system-configuration', '/api/system-configuration')
    await sample('get', '/api/status', '/api/status', { apiKey: null })
    await sample('get', '/api/tenant', '/api/tenant', { apiKey: 'not a key' })
  })
})
