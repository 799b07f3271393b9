/**
 * The login family's operations: login, two-factor login and its code delivery, ping, logout, login-record search
 * and export. Every status FusionAuth answers is listed with its body, or with "No body" where FusionAuth sends none.
 */
import { type Response, empty, errors, json, operations, query, shared, withLoginCookies } from './operations'
import { DEFAULT_NUMBER_OF_RESULTS, MAX_NUMBER_OF_RESULTS } from '../domain/login-record'
import { bool, instant, int, str, uuid } from './schema'

const completed = (description: string): Response => withLoginCookies(json('LoginResponse', description))

/** What every completed login may answer, in FusionAuth's precedence: 202 over 213 over 212. */
const COMPLETED = {
  200: completed('Logged in.'),
  202: completed('Logged in; not registered for the application.'),
  203: json('LoginChangePasswordResponse', 'The password must be changed first. No token.'),
  212: completed('Logged in; email not verified.'),
  213: completed('Logged in; registration not verified.'),
}

/** What stops a login before it completes; FusionAuth checks these before the password. */
const REFUSED = {
  409: json('LoginActionsResponse', 'A prevent-login action (a lockout) is in force.'),
  410: empty('The user has expired. No body.'),
  423: empty('The user is deactivated. No body.'),
}

const ipAddressQuery = query('ipAddress', str(), 'For the login record (`undefined` is ignored).')
const pingResponses = {
  200: shared('EmptySuccess', 'Recorded. No body.'),
  202: empty('Recorded; not registered. No body.'),
  212: empty('Recorded; email not verified. No body.'),
  213: empty('Recorded; registration not verified. No body.'),
  404: shared('NotFound', 'No such user. No body.'),
}

const criteriaQuery = [query('applicationId', uuid()), query('userId', uuid()), query('start', instant()), query('end', instant())]

const page = json('LoginRecordSearchResponse', 'Newest first.')
const searchErrors = errors('`[couldNotConvert]x`, `[invalid]x`, `[invalid]orderBy`.')
const exportResponses = {
  200: {
    description: 'A zip of login_records.csv, newest first.',
    headers: { 'Content-Disposition': { description: 'attachment', schema: str() } },
    content: { 'application/zip': {} },
  },
  400: errors('`[invalid]dateTimeSecondsFormat`, `[invalid]zoneId`, `[couldNotConvert]x`.'),
}

export const loginPaths = operations('Login', [
  [
    'post',
    '/api/login',
    {
      id: 'login',
      transactionalEvents: true,
      summary: 'Log in',
      description:
        'An API key is needed when the application (else the tenant) has loginConfiguration.requireAuthentication (the default).',
      auth: 'optionalApiKey',
      scope: 'tenant',
      body: 'LoginRequest',
      responses: {
        ...COMPLETED,
        242: json('LoginTwoFactorResponse', 'A second factor is required.'),
        400: errors('`[blank]loginId`, `[blank]password`, `[invalid]applicationId`, `[invalid]oneTimePassword`, `[TenantIdRequired]`.'),
        401: shared('Unauthorized'),
        404: shared('NotFound', 'Unknown user or wrong password, alike. No body.'),
        ...REFUSED,
      },
    },
  ],
  [
    'post',
    '/api/two-factor/login',
    {
      id: 'twoFactorLogin',
      transactionalEvents: true,
      summary: 'Complete a two-factor login (after a 242)',
      auth: 'optionalApiKey',
      scope: 'tenant',
      body: 'TwoFactorLoginRequest',
      responses: {
        ...COMPLETED,
        400: errors('`[blank]code`, `[blank]twoFactorId`, `[invalid]applicationId`.'),
        404: shared('NotFound', 'Unknown or expired twoFactorId. No body.'),
        421: empty('The code is wrong. No body.'),
        ...REFUSED,
      },
    },
  ],
  [
    'post',
    '/api/two-factor/send/{twoFactorId}',
    {
      id: 'sendTwoFactorCodeForLoginUsingMethod',
      summary: 'Send a code for a pending two-factor login',
      auth: 'none',
      scope: 'none',
      body: 'TwoFactorLoginSendRequest',
      bodyOptional: true,
      responses: {
        200: shared('EmptySuccess', 'Sent. No body.'),
        400: errors('`[invalid]methodId`.'),
        404: shared('NotFound', 'Unknown or expired twoFactorId. No body.'),
        429: shared('TooManyRequests'),
      },
    },
  ],
  [
    'put',
    '/api/login/{userId}/{applicationId}',
    {
      id: 'loginPing',
      transactionalEvents: true,
      summary: 'Record a login (ping)',
      auth: 'apiKey',
      scope: 'tenant',
      query: [ipAddressQuery],
      responses: { ...pingResponses, 400: errors('`[invalid]applicationId`.') },
    },
  ],
  [
    'put',
    '/api/login/{userId}',
    {
      id: 'loginPingWithoutApplication',
      transactionalEvents: true,
      summary: 'Record a login to no application (ping)',
      auth: 'apiKey',
      scope: 'tenant',
      query: [ipAddressQuery],
      responses: pingResponses,
    },
  ],
  [
    'put',
    '/api/login',
    {
      id: 'loginPingWithRequest',
      transactionalEvents: true,
      summary: "Record a login (ping) of the body's user, or of the JWT's",
      auth: 'apiKeyOrJwt',
      scope: 'tenant',
      query: [ipAddressQuery],
      body: 'LoginPingRequest',
      bodyOptional: true,
      responses: { ...pingResponses, 400: errors('`[blank]userId`, `[invalid]applicationId`.') },
    },
  ],
  [
    'post',
    '/api/logout',
    {
      id: 'logoutWithRequest',
      transactionalEvents: true,
      summary: 'Log out: clear the cookies, revoke the refresh token',
      auth: 'none',
      scope: 'none',
      query: [query('refreshToken', str()), query('global', bool())],
      body: 'LogoutRequest',
      bodyOptional: true,
      responses: {
        200: {
          description: 'Always. No body.',
          headers: { 'Set-Cookie': { description: 'Clears access_token, refresh_token.', schema: str() } },
        },
      },
    },
  ],
])

export const loginRecordPaths = operations('Login records', [
  [
    'get',
    '/api/system/login-record/search',
    {
      id: 'searchLoginRecordsByParameters',
      summary: 'Search login records (query parameters)',
      auth: 'apiKey',
      scope: 'global',
      query: [
        ...criteriaQuery,
        query('numberOfResults', int(), `Default ${DEFAULT_NUMBER_OF_RESULTS}, at most ${MAX_NUMBER_OF_RESULTS}.`),
        query('startRow', int(), 'Default 0.'),
        query('retrieveTotal', bool()),
      ],
      responses: { 200: page, 400: searchErrors },
    },
  ],
  [
    'post',
    '/api/system/login-record/search',
    {
      id: 'searchLoginRecords',
      summary: 'Search login records',
      auth: 'apiKey',
      scope: 'global',
      body: 'LoginRecordSearchRequest',
      responses: { 200: page, 400: searchErrors },
    },
  ],
  [
    'get',
    '/api/system/login-record/export',
    {
      id: 'exportLoginRecordsByParameters',
      summary: 'Export login records (query parameters)',
      auth: 'apiKey',
      scope: 'global',
      query: [...criteriaQuery, query('dateTimeSecondsFormat', str()), query('zoneId', str())],
      responses: exportResponses,
    },
  ],
  [
    'post',
    '/api/system/login-record/export',
    {
      id: 'exportLoginRecords',
      summary: 'Export login records',
      auth: 'apiKey',
      scope: 'global',
      body: 'LoginRecordExportRequest',
      responses: exportResponses,
    },
  ],
])
