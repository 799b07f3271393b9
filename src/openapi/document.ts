/**
 * The OpenAPI 3.1 document of every endpoint the Worker serves, served at GET /api/openapi.json
 * (routes/openapi.ts). test/http/openapi-coverage.test.ts fails when a route and the document disagree;
 * test/e2e/openapi-samples.test.ts checks real responses against its schemas.
 */
import { version } from '../../package.json'
import { HTTP_METHODS, type PathItem } from './operations'
import { apiKeyPaths, applicationPaths, tenantPaths, userActionPaths, webhookPaths } from './paths-admin'
import { groupPaths } from './paths-groups'
import { consolePaths } from './paths-console'
import { loginPaths, loginRecordPaths } from './paths-login'
import { systemPaths, tokenPaths } from './paths-system'
import { passwordPaths, registrationPaths, twoFactorPaths, userPaths } from './paths-users'
import { type Schema, ref, uuid } from './schema'
import { adminSchemas } from './schemas-admin'
import { groupSchemas } from './schemas-groups'
import { loginSchemas } from './schemas-login'
import { userSchemas } from './schemas-users'

const DESCRIPTION = `FusionAuth's Login API, and the admin API it needs, on Cloudflare Workers; the official FusionAuth clients work unchanged.

- API key: the raw key as the \`Authorization\` value. A JWT: \`Authorization: Bearer\` or the \`access_token\` cookie.
- \`X-FusionAuth-TenantId\` (or a tenant-locked key) scopes a request to one tenant.
- FusionAuth's statuses: 242, 203, 202, 212, 213, 421, 452. 401, 404, 410, 421, 423 and 429 have no body.
- Other 4xx carry Errors: \`fieldErrors\` maps a property path to a list of errors.
- Every response has \`X-Request-Id\`. With CORS on, a refused origin is an empty 403.`

const TAGS = [
  'Login',
  'Login records',
  'Two-factor',
  'Passwords',
  'Users',
  'Registrations',
  'Groups',
  'Tokens and keys',
  'Tenants',
  'Applications',
  'API keys',
  'User actions',
  'Webhooks',
  'System',
  'Console',
]

const jsonBody = (schema: Schema) => ({ 'application/json': { schema } })

const COMPONENTS = {
  securitySchemes: {
    ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The key, with no scheme.' },
    BearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token.' },
    AccessTokenCookie: { type: 'apiKey', in: 'cookie', name: 'access_token', description: 'The access token.' },
    ConsoleSessionCookie: { type: 'apiKey', in: 'cookie', name: 'console_session', description: 'A console session.' },
  },
  parameters: {
    TenantId: {
      name: 'X-FusionAuth-TenantId',
      in: 'header',
      required: false,
      description: 'Scopes the request to this tenant.',
      schema: uuid(),
    },
  },
  responses: {
    BadRequest: { description: 'Invalid, malformed (`[invalid]`) or missing (`[missing]`) JSON.', content: jsonBody(ref('Errors')) },
    Unauthorized: { description: 'No API key or JWT, or a refused one. No body.' },
    NotFound: { description: 'Not found. No body.' },
    TooManyRequests: { description: "Rate limited (the tenant's rateLimitConfiguration). No body." },
    EmptySuccess: { description: 'Success. No body.' },
    WebhooksRefused: {
      description:
        "One or more webhooks answered otherwise than 2xx or were unreachable, so the tenant's transaction type for an event of this action was not satisfied: nothing of the action was stored. No body.",
    },
    ServerError: { description: '`[ServerMisconfigured]` or `[InternalError]`, with the request id.', content: jsonBody(ref('Errors')) },
  },
  schemas: { ...loginSchemas, ...userSchemas, ...adminSchemas, ...groupSchemas },
}

function mergePaths(groups: Record<string, PathItem>[]): Record<string, PathItem> {
  const paths: Record<string, PathItem> = {}
  for (const group of groups) {
    for (const [path, item] of Object.entries(group)) {
      const merged: PathItem = { ...paths[path] }
      for (const method of HTTP_METHODS) {
        const operation = item[method]
        if (operation === undefined) continue
        if (merged[method] !== undefined) throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is described twice`)
        merged[method] = operation
      }
      paths[path] = merged
    }
  }
  return paths
}

/** The document. Its parts are plain objects built when the module loads: no per-request work beyond serialising. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'edge-login-api', version, description: DESCRIPTION },
  tags: TAGS.map((name) => ({ name })),
  paths: mergePaths([
    loginPaths,
    loginRecordPaths,
    twoFactorPaths,
    passwordPaths,
    userPaths,
    registrationPaths,
    groupPaths,
    tokenPaths,
    tenantPaths,
    applicationPaths,
    apiKeyPaths,
    userActionPaths,
    webhookPaths,
    systemPaths,
    consolePaths,
  ]),
  components: COMPONENTS,
}
