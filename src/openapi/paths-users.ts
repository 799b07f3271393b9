/** Operations on users: the user API, registrations, import, search, passwords and two-factor methods. */
import { DEFAULT_NUMBER_OF_RESULTS, MAX_NUMBER_OF_RESULTS } from '../domain/login-record'
import { type OperationEntry, type OperationSpec, empty, errors, json, operations, query, shared } from './operations'
import { arrayOf, bool, int, oneOfStrings, str, uuid } from './schema'

const user = json('UserResponse', 'The user.')
const registration = json('RegistrationResponse', 'The registration.')
const notFound = shared('NotFound', 'No such user. No body.')
const noRegistration = shared('NotFound', 'No such user or registration. No body.')
const userErrors = errors(
  '`[blank]user.email`, `[notEmail]user.email`, `[duplicate]user.email`, `[invalid]tenantId`, `[TenantIdRequired]`, ...',
)

const createUser = (id: string): OperationSpec => ({
  id,
  transactionalEvents: true,
  summary: 'Create a user',
  auth: 'apiKey',
  scope: 'tenant',
  body: 'UserRequest',
  responses: { 200: user, 400: userErrors },
})

const register = (id: string): OperationSpec => ({
  id,
  transactionalEvents: true,
  summary: 'Register a user (creating it, with `user`)',
  auth: 'apiKey',
  scope: 'tenant',
  body: 'RegistrationRequest',
  responses: {
    200: registration,
    400: errors(
      '`[blank]registration.applicationId`, `[invalid]registration.applicationId`, `[invalid]registration.roles`, `[duplicate]registration`, ...',
    ),
    404: shared('NotFound', 'No such user, and no `user`. No body.'),
  },
})

const updateRegistration = (id: string, merge: boolean): OperationSpec => ({
  id,
  transactionalEvents: true,
  summary: merge ? 'Merge fields into a registration' : 'Replace a registration',
  auth: 'apiKey',
  scope: 'tenant',
  body: 'RegistrationRequest',
  responses: { 200: registration, 400: errors('`[blank]registration.applicationId`, `[invalid]registration.roles`.'), 404: noRegistration },
})

const searchQuery = [
  query('ids', arrayOf(uuid())),
  query('queryString', str()),
  query('numberOfResults', int(), `Default ${DEFAULT_NUMBER_OF_RESULTS}, at most ${MAX_NUMBER_OF_RESULTS}.`),
  query('startRow', int()),
  query('sortFields[0].name', str(), 'Also sortFields[i].name, .order, .missing.'),
]
const searchResponses = {
  200: json('SearchResponse', 'The users found.'),
  400: errors('`[invalid]` (no ids or queryString), `[couldNotConvert]ids`, `[invalid]search.sortFields`, `[invalid]search.query`, ...'),
}

const twoFactorUser = shared('NotFound', 'No such user. No body.')

export const userPaths = operations('Users', [
  ['post', '/api/user', createUser('createUser')],
  ['post', '/api/user/{id}', createUser('createUserWithId')],
  [
    'get',
    '/api/user',
    {
      id: 'retrieveUserByLoginId',
      summary: 'Retrieve a user by loginId, email or username; with a JWT, its own',
      auth: 'apiKeyOrJwt',
      scope: 'tenant',
      query: [
        query('loginId', str()),
        query('loginIdTypes', arrayOf(oneOfStrings(['email', 'username']))),
        query('email', str()),
        query('username', str()),
      ],
      responses: { 200: user, 400: errors('`[TenantIdRequired]`.'), 404: notFound },
    },
  ],
  [
    'get',
    '/api/user/{id}',
    { id: 'retrieveUser', summary: 'Retrieve a user', auth: 'apiKey', scope: 'tenant', responses: { 200: user, 404: notFound } },
  ],
  [
    'put',
    '/api/user/{id}',
    {
      id: 'updateUser',
      transactionalEvents: true,
      summary: 'Replace a user; or reactivate it',
      auth: 'apiKey',
      scope: 'tenant',
      query: [query('reactivate', bool())],
      body: 'UserRequest',
      bodyOptional: true,
      responses: { 200: user, 400: userErrors, 404: notFound },
    },
  ],
  [
    'patch',
    '/api/user/{id}',
    {
      id: 'patchUser',
      transactionalEvents: true,
      summary: 'Merge fields into a user',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'UserRequest',
      responses: { 200: user, 400: userErrors, 404: notFound },
    },
  ],
  [
    'delete',
    '/api/user/{id}',
    {
      id: 'deleteUser',
      transactionalEvents: true,
      summary: 'Deactivate a user; or delete it',
      auth: 'apiKey',
      scope: 'tenant',
      query: [query('hardDelete', bool())],
      responses: { 200: shared('EmptySuccess'), 404: notFound },
    },
  ],
  [
    'post',
    '/api/user/import',
    {
      id: 'importUsers',
      transactionalEvents: true,
      summary: 'Import users (with password hashes)',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'ImportRequest',
      responses: {
        200: shared('EmptySuccess', 'Imported. No body.'),
        400: errors('`users[i]...` field errors, `[tooMany]users`, `[duplicate]`.'),
      },
    },
  ],
  [
    'get',
    '/api/user/search',
    {
      id: 'searchUsersByIds',
      summary: 'Search users (query parameters)',
      auth: 'apiKey',
      scope: 'tenant',
      query: searchQuery,
      responses: searchResponses,
    },
  ],
  [
    'post',
    '/api/user/search',
    {
      id: 'searchUsersByQuery',
      summary: 'Search users',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'SearchRequest',
      responses: searchResponses,
    },
  ],
  [
    'put',
    '/api/user/search',
    {
      id: 'refreshUserSearchIndex',
      summary: 'Refresh the search index (a no-op)',
      auth: 'apiKey',
      scope: 'tenant',
      responses: { 200: shared('EmptySuccess') },
    },
  ],
])

export const registrationPaths = operations('Registrations', [
  ['post', '/api/user/registration', register('register')],
  ['post', '/api/user/registration/{userId}', register('registerWithId')],
  [
    'get',
    '/api/user/registration/{userId}/{applicationId}',
    {
      id: 'retrieveRegistration',
      summary: 'Retrieve a registration',
      auth: 'apiKey',
      scope: 'tenant',
      responses: { 200: registration, 404: noRegistration },
    },
  ],
  ['put', '/api/user/registration/{userId}', updateRegistration('updateRegistration', false)],
  ['put', '/api/user/registration/{userId}/{applicationId}', updateRegistration('updateRegistrationWithApplicationId', false)],
  ['patch', '/api/user/registration/{userId}', updateRegistration('patchRegistration', true)],
  ['patch', '/api/user/registration/{userId}/{applicationId}', updateRegistration('patchRegistrationWithApplicationId', true)],
  [
    'delete',
    '/api/user/registration/{userId}/{applicationId}',
    {
      id: 'deleteRegistration',
      transactionalEvents: true,
      summary: 'Delete a registration',
      auth: 'apiKey',
      scope: 'tenant',
      responses: { 200: shared('EmptySuccess'), 404: noRegistration },
    },
  ],
])

const changePasswordErrors = errors(
  '`[blank]password`, `[tooShort]password`, `[tooYoung]password`, `[invalid]loginId`, `[invalid]currentPassword`, ...',
)

export const passwordPaths = operations('Passwords', [
  [
    'post',
    '/api/user/change-password',
    {
      id: 'changePasswordByIdentity',
      transactionalEvents: true,
      summary: 'Change a password (changePasswordId, API key and loginId, or JWT)',
      auth: 'any',
      scope: 'tenant',
      body: 'ChangePasswordRequest',
      responses: {
        200: json('ChangePasswordResponse', 'Changed. No body in the API-key form.'),
        400: changePasswordErrors,
        401: shared('Unauthorized'),
        404: shared('NotFound', 'Unknown changePasswordId, or a wrong currentPassword. No body.'),
      },
    },
  ],
  [
    'post',
    '/api/user/change-password/{changePasswordId}',
    {
      id: 'changePassword',
      transactionalEvents: true,
      summary: 'Change a password with a changePasswordId',
      auth: 'none',
      scope: 'tenant',
      body: 'ChangePasswordRequest',
      responses: {
        200: json('ChangePasswordResponse', 'Changed.'),
        400: changePasswordErrors,
        404: shared('NotFound', 'Unknown changePasswordId, or a wrong currentPassword. No body.'),
      },
    },
  ],
  [
    'post',
    '/api/user/forgot-password',
    {
      id: 'forgotPassword',
      summary: 'Issue a changePasswordId (forgot password)',
      auth: 'apiKey',
      scope: 'tenant',
      refusedWith: 403,
      body: 'ForgotPasswordRequest',
      responses: {
        200: json('ForgotPasswordResponse', 'Issued.'),
        400: errors('`[blank]loginId`, `[invalid]applicationId`.'),
        403: empty('No API key: no email is sent by this server. No body.'),
        404: shared('NotFound', 'No such user. No body.'),
        429: shared('TooManyRequests'),
      },
    },
  ],
])

const entries: OperationEntry[] = [
  [
    'get',
    '/api/two-factor/secret',
    {
      id: 'generateTwoFactorSecret',
      summary: 'Generate an authenticator secret',
      auth: 'apiKey',
      scope: 'tenant',
      responses: { 200: json('SecretResponse', 'A new secret.') },
    },
  ],
  [
    'post',
    '/api/two-factor/send',
    {
      id: 'sendTwoFactorCodeForEnableDisable',
      summary: 'Email a code to enable or disable a method',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'TwoFactorSendRequest',
      responses: {
        200: shared('EmptySuccess', 'Sent. No body.'),
        400: errors('`[blank]userId`, `[invalid]method`, `[blank]email`, `[invalid]methodId`.'),
        404: twoFactorUser,
        429: shared('TooManyRequests'),
      },
    },
  ],
  [
    'post',
    '/api/user/two-factor/{userId}',
    {
      id: 'enableTwoFactor',
      summary: 'Enable a two-factor method',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'TwoFactorRequest',
      responses: {
        200: json('TwoFactorResponse', 'Enabled. No body when there is neither a code nor recovery codes.'),
        400: errors('`[invalid]method`, `[blank]code`, `[blank]secret`, `[blank]email`, `[duplicate]email`, `[invalid]twoFactorId`.'),
        404: twoFactorUser,
        421: empty('The code is wrong. No body.'),
      },
    },
  ],
  [
    'delete',
    '/api/user/two-factor/{userId}',
    {
      id: 'disableTwoFactorWithRequest',
      summary: 'Disable a two-factor method',
      auth: 'apiKey',
      scope: 'tenant',
      query: [query('methodId', str()), query('code', str())],
      body: 'TwoFactorDisableRequest',
      bodyOptional: true,
      responses: {
        200: shared('EmptySuccess'),
        400: errors('`[blank]code`, `[invalid]methodId`.'),
        404: twoFactorUser,
        421: empty('The code is wrong. No body.'),
      },
    },
  ],
  [
    'post',
    '/api/user/two-factor/recovery-code/{userId}',
    {
      id: 'generateTwoFactorRecoveryCodes',
      summary: "Replace a user's recovery codes",
      auth: 'apiKey',
      scope: 'tenant',
      responses: {
        200: json('TwoFactorRecoveryCodeResponse', 'New codes; the old ones stop working.'),
        400: errors('`[TwoFactorNotEnabled]`.'),
        404: twoFactorUser,
      },
    },
  ],
]

export const twoFactorPaths = operations('Two-factor', entries)
