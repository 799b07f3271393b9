/** Operations on tokens and signing keys, the system configuration, the status probes, and this document. */
import { type OperationEntry, type Response, errors, json, operations, query, shared, withLoginCookies } from './operations'
import { freeObject, str, uuid } from './schema'

/** The path this document is served at (routes/openapi.ts). */
export const OPENAPI_PATH = '/api/openapi.json'

const refreshTokenNotFound = shared('NotFound', 'No such refresh token. No body.')
const keyResponse = json('KeyResponse', 'The key.')
const keyNotFound = shared('NotFound', 'No such key. No body.')
const revokeResponses = {
  200: shared('EmptySuccess', 'Revoked. No body.'),
  400: errors('`[invalid]` (nothing named), `[couldNotConvert]userId`.'),
  401: shared('Unauthorized', 'Also: a JWT revoking more than one of its own tokens. No body.'),
  404: refreshTokenNotFound,
}

export const tokenPaths = operations('Tokens and keys', [
  [
    'post',
    '/api/jwt/refresh',
    {
      id: 'exchangeRefreshTokenForJWT',
      transactionalEvents: true,
      summary: 'Exchange a refresh token for an access token',
      auth: 'none',
      scope: 'tenant',
      body: 'RefreshRequest',
      bodyOptional: true,
      responses: {
        200: withLoginCookies(json('JWTRefreshResponse', 'A new access token.')),
        400: errors('`[blank]refreshToken`, `[invalid]refreshToken`, `[invalid]timeToLiveInSeconds`.'),
        404: shared('NotFound', 'The user is gone. No body.'),
      },
    },
  ],
  [
    'get',
    '/api/jwt/refresh',
    {
      id: 'retrieveRefreshTokens',
      summary: "List a user's refresh tokens",
      auth: 'apiKey',
      scope: 'tenant',
      query: [{ ...query('userId', uuid()), required: true }],
      responses: {
        200: json('RefreshTokenResponse', 'The tokens (never their values).'),
        400: errors('`[missing]userId`, `[couldNotConvert]userId`.'),
      },
    },
  ],
  [
    'get',
    '/api/jwt/refresh/{tokenId}',
    {
      id: 'retrieveRefreshTokenById',
      summary: 'Retrieve a refresh token',
      auth: 'apiKey',
      scope: 'tenant',
      responses: { 200: json('RefreshTokenResponse', 'The token.'), 404: refreshTokenNotFound },
    },
  ],
  [
    'delete',
    '/api/jwt/refresh',
    {
      id: 'revokeRefreshTokensWithRequest',
      transactionalEvents: true,
      summary: 'Revoke refresh tokens (by value, user or application)',
      auth: 'apiKeyOrJwt',
      scope: 'tenant',
      query: [query('token', str()), query('userId', uuid()), query('applicationId', uuid())],
      body: 'RefreshTokenRevokeRequest',
      bodyOptional: true,
      responses: revokeResponses,
    },
  ],
  [
    'delete',
    '/api/jwt/refresh/{tokenId}',
    {
      id: 'revokeRefreshTokenById',
      summary: 'Revoke a refresh token',
      auth: 'apiKeyOrJwt',
      scope: 'tenant',
      transactionalEvents: true,
      responses: revokeResponses,
    },
  ],
  [
    'get',
    '/api/jwt/validate',
    {
      id: 'validateJWT',
      summary: 'Validate an access token',
      auth: 'jwt',
      scope: 'tenant',
      responses: { 200: json('ValidateResponse', 'Valid: the claims.'), 401: shared('Unauthorized', 'No valid token. No body.') },
    },
  ],
  [
    'get',
    '/api/jwt/public-key',
    {
      id: 'retrieveJWTPublicKeys',
      summary: 'Public keys (PEM): all, or by kid or application',
      auth: 'none',
      scope: 'none',
      query: [query('kid', str()), query('applicationId', uuid())],
      responses: {
        200: json('PublicKeyResponse', '`publicKey`, or `publicKeys` by kid.'),
        404: shared('NotFound', 'No such key, or an HMAC one. No body.'),
      },
    },
  ],
  [
    'get',
    '/.well-known/jwks.json',
    {
      id: 'retrieveJsonWebKeySet',
      summary: 'The JSON Web Key Set',
      auth: 'none',
      scope: 'none',
      responses: { 200: json('JWKSResponse', 'RSA and EC keys.') },
    },
  ],
  [
    'get',
    '/api/key',
    {
      id: 'retrieveKeys',
      summary: 'List the signing keys',
      auth: 'apiKey',
      scope: 'global',
      responses: { 200: json('KeyResponse', 'The keys.') },
    },
  ],
  [
    'get',
    '/api/key/{id}',
    {
      id: 'retrieveKey',
      summary: 'Retrieve a signing key',
      auth: 'apiKey',
      scope: 'global',
      responses: { 200: keyResponse, 404: keyNotFound },
    },
  ],
  ...(['generateKey', 'generateKeyWithId'] as const).map(
    (id): OperationEntry => [
      'post',
      id === 'generateKey' ? '/api/key/generate' : '/api/key/generate/{id}',
      {
        id,
        summary: 'Generate a signing key',
        auth: 'apiKey',
        scope: 'global',
        body: 'KeyRequest',
        responses: {
          200: keyResponse,
          400: errors(
            '`[blank]key.algorithm`, `[invalid]key.algorithm`, `[blank]key.name`, `[duplicate]key.name`, `[invalid]key.length`, ...',
          ),
        },
      },
    ],
  ),
  [
    'put',
    '/api/key/{id}',
    {
      id: 'updateKey',
      summary: 'Rename a signing key',
      auth: 'apiKey',
      scope: 'global',
      body: 'KeyRequest',
      responses: { 200: keyResponse, 400: errors('`[blank]key.name`.'), 404: keyNotFound },
    },
  ],
  [
    'delete',
    '/api/key/{id}',
    {
      id: 'deleteKey',
      summary: 'Delete a signing key',
      auth: 'apiKey',
      scope: 'global',
      responses: { 200: shared('EmptySuccess'), 400: errors('`[KeyInUse]`.'), 404: keyNotFound },
    },
  ],
])

const configuration = json('SystemConfigurationResponse', 'The system configuration.')
const configurationErrors = errors('`[invalid]systemConfiguration.reportTimezone`, ...')

const document: Response = {
  description: 'This document.',
  headers: {
    'Cache-Control': { description: 'public, max-age=300', schema: str() },
    'Access-Control-Allow-Origin': { description: '*', schema: str() },
  },
  content: { 'application/json': { schema: freeObject() } },
}
const noStore = { 'Cache-Control': { description: 'no-store', schema: str() } }

export const systemPaths = operations('System', [
  [
    'get',
    '/api/system-configuration',
    {
      id: 'retrieveSystemConfiguration',
      summary: 'Retrieve the system configuration',
      auth: 'apiKey',
      scope: 'global',
      responses: { 200: configuration },
    },
  ],
  [
    'put',
    '/api/system-configuration',
    {
      id: 'updateSystemConfiguration',
      summary: 'Replace the system configuration',
      auth: 'apiKey',
      scope: 'global',
      body: 'SystemConfigurationRequest',
      responses: { 200: configuration, 400: configurationErrors },
    },
  ],
  [
    'patch',
    '/api/system-configuration',
    {
      id: 'patchSystemConfiguration',
      summary: 'Merge fields into the system configuration',
      auth: 'apiKey',
      scope: 'global',
      body: 'SystemConfigurationRequest',
      responses: { 200: configuration, 400: configurationErrors },
    },
  ],
  [
    'get',
    '/api/status',
    {
      id: 'retrieveSystemStatus',
      summary: 'Whether the server can serve',
      auth: 'none',
      scope: 'none',
      responses: {
        200: { ...json('StatusResponse', 'Ready.'), headers: noStore },
        452: { description: 'The database is unreachable. No body.', headers: noStore },
        500: { description: 'Unapplied migrations. No body.', headers: noStore },
      },
    },
  ],
  [
    'get',
    '/api/health',
    {
      id: 'retrieveSystemHealth',
      summary: 'A health probe',
      auth: 'none',
      scope: 'none',
      responses: {
        200: { description: 'Healthy. No body.', headers: noStore },
        500: { description: 'Not healthy. No body.', headers: noStore },
      },
    },
  ],
  [
    'get',
    OPENAPI_PATH,
    { id: 'retrieveOpenApiDocument', summary: 'This OpenAPI document', auth: 'none', scope: 'none', responses: { 200: document } },
  ],
  [
    'get',
    '/api/dev/outbox',
    {
      id: 'retrieveDevOutbox',
      summary: 'Messages "sent" to an address (development only)',
      description: 'Not a FusionAuth API.',
      auth: 'apiKey',
      scope: 'global',
      query: [{ ...query('email', str()), required: true }],
      responses: {
        200: json('DevOutboxResponse', 'Oldest first.'),
        400: errors('`[blank]email`.'),
        404: shared('NotFound', 'ENVIRONMENT is not test or development. No body.'),
      },
    },
  ],
])
