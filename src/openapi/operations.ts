/**
 * How an operation of the OpenAPI document is written: one OperationSpec per route, from which `operations`
 * derives what every route shares, so no route can forget it: path parameters from the path template, the
 * X-FusionAuth-TenantId header for tenant-scoped routes, the request body, and the 400 (malformed or invalid JSON),
 * 401 (no or a refused key or JWT), 504 (transactional webhooks refused the action) and 500 answers.
 */
import { type Schema, ref, str, uuid } from './schema'

/** The methods the Worker's routes use, as OpenAPI spells them. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const
export type HttpMethod = (typeof HTTP_METHODS)[number]

/** Who may call: FusionAuth's schemes (an API key as the raw Authorization value; a JWT; nothing). */
export type Auth = 'none' | 'apiKey' | 'optionalApiKey' | 'jwt' | 'apiKeyOrJwt' | 'any' | 'consoleSession'

/**
 * `tenant`: X-FusionAuth-TenantId (or a tenant-locked key) scopes the request to one tenant. `global`: objects every
 * tenant shares, so any tenant context is a 401 (FusionAuth's `api-no-tenant`). `none`: no tenant applies.
 */
export type Scope = 'tenant' | 'global' | 'none'

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  description?: string
  schema: Schema
}

interface Header {
  description: string
  schema: Schema
}

export interface Response {
  description: string
  headers?: Record<string, Header>
  content?: Record<string, { schema?: Schema }>
}

export interface Reference {
  $ref: string
  description?: string
}

type SecurityRequirement = Record<string, string[]>

export interface Operation {
  operationId: string
  summary: string
  description?: string
  tags: string[]
  security: SecurityRequirement[]
  parameters?: (Parameter | Reference)[]
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> }
  responses: Record<string, Response | Reference>
}

export type PathItem = Partial<Record<HttpMethod, Operation>>

export interface OperationSpec {
  /** The official TypeScript client's method for the call, `WithId` when the path carries the new object's id. */
  id: string
  summary: string
  description?: string
  auth: Auth
  scope: Scope
  query?: Parameter[]
  /** A component schema name: the JSON request body. */
  body?: string
  /** The body may be left out (the official client sends some calls without one). */
  bodyOptional?: boolean
  /** Missing or refused credentials get this status (given in `responses`) instead of the usual 401. */
  refusedWith?: 403
  /**
   * The action hands transactional events to the tenant's webhooks before it commits (docs/events.md): when their
   * answers do not satisfy the transaction type it is 504 and nothing is stored.
   */
  transactionalEvents?: true
  responses: Record<number, Response | Reference>
}

const JWT: SecurityRequirement[] = [{ BearerAuth: [] }, { AccessTokenCookie: [] }]
const API_KEY: SecurityRequirement[] = [{ ApiKeyAuth: [] }]
/** `{}` is "no credentials": OpenAPI's way of making a scheme optional. */
const SECURITY: Record<Auth, SecurityRequirement[]> = {
  none: [],
  apiKey: API_KEY,
  optionalApiKey: [{}, ...API_KEY],
  jwt: JWT,
  apiKeyOrJwt: [...API_KEY, ...JWT],
  any: [{}, ...API_KEY, ...JWT],
  consoleSession: [{ ConsoleSessionCookie: [] }],
}

const GLOBAL_NOTE = 'Global: a tenant-locked key or X-FusionAuth-TenantId is 401.'
const GLOBAL_UNAUTHORIZED = 'No API key, a refused one, or any tenant context. No body.'

/** Path parameters that are not UUIDs; every other one is, and a malformed one is a 404. */
const STRING_PATH_PARAMETERS = new Set(['twoFactorId', 'changePasswordId'])

export const json = (schemaName: string, description: string): Response => ({
  description,
  content: { 'application/json': { schema: ref(schemaName) } },
})
export const empty = (description: string): Response => ({ description })
export const errors = (description: string): Response => json('Errors', description)
export const shared = (
  name: 'BadRequest' | 'Unauthorized' | 'NotFound' | 'EmptySuccess' | 'TooManyRequests' | 'WebhooksRefused',
  description?: string,
): Reference =>
  description === undefined ? { $ref: `#/components/responses/${name}` } : { $ref: `#/components/responses/${name}`, description }

export const query = (name: string, schema: Schema, description?: string): Parameter => ({
  name,
  in: 'query',
  ...(description === undefined ? {} : { description }),
  schema,
})

/** The cookies a completed login writes, on the responses that write them. */
export const withLoginCookies = (response: Response): Response => ({
  ...response,
  headers: {
    'Set-Cookie': {
      description: 'access_token, refresh_token, fusionauth.trust (HttpOnly).',
      schema: str(),
    },
  },
})

function pathParameters(path: string): Parameter[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => ({
    name,
    in: 'path',
    required: true,
    schema: STRING_PATH_PARAMETERS.has(name) ? str() : uuid(),
  }))
}

function operation(path: string, tag: string, spec: OperationSpec): Operation {
  const parameters: (Parameter | Reference)[] = [...pathParameters(path), ...(spec.query ?? [])]
  if (spec.scope === 'tenant') parameters.push({ $ref: '#/components/parameters/TenantId' })
  const responses: Record<string, Response | Reference> = {}
  for (const [status, response] of Object.entries(spec.responses)) responses[status] = response
  if (spec.body !== undefined) responses['400'] ??= shared('BadRequest')
  if (spec.auth !== 'none' && spec.refusedWith === undefined)
    responses['401'] ??= spec.scope === 'global' ? shared('Unauthorized', GLOBAL_UNAUTHORIZED) : shared('Unauthorized')
  if (spec.transactionalEvents === true) responses['504'] ??= shared('WebhooksRefused')
  responses['500'] ??= { $ref: '#/components/responses/ServerError' }
  const description = [spec.description, spec.scope === 'global' ? GLOBAL_NOTE : undefined].filter((part) => part !== undefined).join(' ')
  return {
    operationId: spec.id,
    summary: spec.summary,
    ...(description === '' ? {} : { description }),
    tags: [tag],
    security: SECURITY[spec.auth],
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(spec.body === undefined
      ? {}
      : { requestBody: { required: spec.bodyOptional !== true, content: { 'application/json': { schema: ref(spec.body) } } } }),
    responses,
  }
}

export type OperationEntry = readonly [HttpMethod, string, OperationSpec]

/** The path items of one tag's operations. */
export function operations(tag: string, entries: readonly OperationEntry[]): Record<string, PathItem> {
  const paths: Record<string, PathItem> = {}
  for (const [method, path, spec] of entries) {
    const item = paths[path] ?? {}
    paths[path] = item
    if (item[method] !== undefined) throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is described twice`)
    item[method] = operation(path, tag, spec)
  }
  return paths
}
