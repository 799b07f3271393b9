/**
 * The console's JSON API (routes/console.ts), called by its own pages under /console/. Signed in with the
 * console_session cookie that POST /console/api/session sets; every call but GET also needs Origin and X-Console-CSRF.
 */
import { type OperationEntry, type Parameter, type Response, empty, errors, operations, query, shared } from './operations'
import { freeObject, int, str, uuid } from './schema'

const object = (description: string): Response => ({ description, content: { 'application/json': { schema: freeObject() } } })
const CSRF: Parameter = { name: 'X-Console-CSRF', in: 'header', required: true, description: "The session's csrfToken.", schema: str() }
const refused = errors('`[InvalidOrigin]` (Origin missing or foreign), `[InvalidCSRFToken]`.')
const FILTERS: Parameter[] = [
  query('userId', uuid()),
  query('applicationId', uuid()),
  query('start', int(), 'Epoch milliseconds, inclusive.'),
  query('end', int(), 'Epoch milliseconds, inclusive.'),
]
const userNotFound = shared('NotFound', 'No such user. No body.')

const control = (path: string, id: string, summary: string): OperationEntry => [
  'post',
  `/console/api/users/{id}/${path}`,
  {
    id,
    summary,
    auth: 'consoleSession',
    scope: 'none',
    query: [CSRF],
    responses: {
      200: object('The user page data afterwards.'),
      400: errors('`[ConsoleSelf]`: the signed-in user cannot lock or deactivate themselves.'),
      403: refused,
      404: userNotFound,
    },
  },
]

export const consolePaths = operations('Console', [
  [
    'get',
    '/console/api/config',
    {
      id: 'consoleConfig',
      summary: "The console's application id",
      description: '404 while the application (CONSOLE_APPLICATION_ID) does not exist: the console is off.',
      auth: 'none',
      scope: 'none',
      responses: { 200: object('`{applicationId}`.'), 404: shared('NotFound', 'The console is off. No body.') },
    },
  ],
  [
    'post',
    '/console/api/session',
    {
      id: 'startConsoleSession',
      summary: 'Trade an access token for a console session',
      description:
        'Body `{token}`: the access token POST /api/login returned for the console application. Its user must be active and hold the `admin` role there. Sets console_session (HttpOnly, SameSite=Strict, Path=/console). Origin must be this origin.',
      auth: 'none',
      scope: 'none',
      responses: {
        200: object('`{user, roles, csrfToken, expiresInstant}`.'),
        400: errors('`[blank]token`.'),
        401: shared('Unauthorized', 'The token is refused, or its user may not use the console. No body.'),
        403: errors('`[InvalidOrigin]`.'),
      },
    },
  ],
  [
    'get',
    '/console/api/session',
    {
      id: 'retrieveConsoleSession',
      summary: 'The session',
      auth: 'consoleSession',
      scope: 'none',
      responses: { 200: object('`{user, roles, csrfToken, expiresInstant}`.') },
    },
  ],
  [
    'delete',
    '/console/api/session',
    {
      id: 'endConsoleSession',
      summary: 'Sign out',
      auth: 'consoleSession',
      scope: 'none',
      query: [CSRF],
      responses: { 204: empty('Signed out; the cookie is cleared.'), 403: refused },
    },
  ],
  [
    'get',
    '/console/api/activity',
    {
      id: 'consoleActivity',
      summary: 'Logins per hour (24 h) and per day (30 days), by application',
      description: 'Successes only (login records); in the report time zone.',
      auth: 'consoleSession',
      scope: 'none',
      responses: { 200: object('`{zoneId, nowMillis, hourly, daily, failuresRecorded}`.') },
    },
  ],
  [
    'get',
    '/console/api/applications',
    {
      id: 'consoleApplications',
      summary: 'Every application',
      auth: 'consoleSession',
      scope: 'none',
      responses: { 200: object('`{applications}`.') },
    },
  ],
  [
    'get',
    '/console/api/records',
    {
      id: 'consoleLoginRecords',
      summary: 'A page of login records, newest first',
      auth: 'consoleSession',
      scope: 'none',
      query: [...FILTERS, query('after', str(), 'The `next` cursor of the previous page.')],
      responses: { 200: object('`{records, next}`.'), 400: errors('`[couldNotConvert]` filters, `[invalid]after`.') },
    },
  ],
  [
    'get',
    '/console/api/records/export',
    {
      id: 'consoleExportLoginRecords',
      summary: 'The login-record export as a download',
      auth: 'consoleSession',
      scope: 'none',
      query: [...FILTERS, query('dateTimeSecondsFormat', str()), query('zoneId', str())],
      responses: {
        200: { description: 'A zip of CSV.', content: { 'application/zip': {} } },
        400: errors('`[invalid]dateTimeSecondsFormat`, `[invalid]zoneId`.'),
      },
    },
  ],
  [
    'get',
    '/console/api/users',
    {
      id: 'consoleFindUsers',
      summary: 'Find users by id, email, username or name',
      auth: 'consoleSession',
      scope: 'none',
      query: [{ ...query('q', str()), required: true }],
      responses: { 200: object('`{total, users}`.'), 400: errors('`[blank]q`.') },
    },
  ],
  [
    'get',
    '/console/api/users/{id}',
    {
      id: 'consoleUser',
      summary: "A user's page",
      auth: 'consoleSession',
      scope: 'none',
      responses: { 200: object('`{user, recentLogins, actions, locked, refreshTokens}`.'), 404: userNotFound },
    },
  ],
  control('lock', 'consoleLockUser', 'Lock: a prevent-login action until canceled'),
  control('unlock', 'consoleUnlockUser', 'Unlock: cancel the prevent-login actions in force'),
  control('deactivate', 'consoleDeactivateUser', 'Deactivate (refresh tokens revoked)'),
  control('reactivate', 'consoleReactivateUser', 'Reactivate'),
  [
    'post',
    '/console/api/users/{id}/revoke-refresh-tokens',
    {
      id: 'consoleRevokeRefreshTokens',
      summary: "Revoke the user's refresh tokens",
      auth: 'consoleSession',
      scope: 'none',
      query: [CSRF],
      responses: { 200: object('`{revoked}`: how many.'), 403: refused, 404: userNotFound },
    },
  ],
])
