/**
 * Schemas of users, registrations, import, user search, passwords and two-factor management, named as
 * FusionAuth's OpenAPI names them. Domain objects stay open (FusionAuth keeps adding members); request objects
 * list what this server reads.
 */
import { DEFAULT_NUMBER_OF_RESULTS, MAX_NUMBER_OF_RESULTS } from '../domain/login-record'
import { MAX_IMPORT_PLAINTEXT_PASSWORDS, MAX_IMPORT_USERS } from '../domain/user-import'
import { MAX_IMPORT_RECOVERY_CODES, MAX_IMPORT_TWO_FACTOR_METHODS } from '../domain/user-import-two-factor'
import { PASSWORD_CHANGE_REASONS, USERNAME_STATUSES } from '../domain/user-input'
import { SORTABLE_USER_FIELDS } from '../domain/user-search'
import { MAX_SEARCH_IDS } from '../domain/user-search-criteria'
import { type Schema, arrayOf, bool, freeObject, instant, int, object, oneOfStrings, ref, str, uuid } from './schema'

const writeOnly = (schema: Schema): Schema => ({ ...schema, writeOnly: true })

/** The members a client may set on a user (create, update, patch, import). */
const userProfile: Record<string, Schema> = {
  email: str(),
  username: str(),
  usernameStatus: oneOfStrings(USERNAME_STATUSES),
  birthDate: str(),
  firstName: str(),
  fullName: str(),
  imageUrl: str(),
  lastName: str(),
  middleName: str(),
  mobilePhone: str(),
  parentEmail: str(),
  phoneNumber: str(),
  timezone: str(),
  preferredLanguages: arrayOf(str()),
  passwordChangeRequired: bool('true: logins answer 203.'),
  passwordChangeReason: ref('ChangePasswordReason'),
  expiry: instant('Then logins answer 410.'),
  data: freeObject(),
  password: writeOnly(str()),
  encryptionScheme: writeOnly(str()),
  factor: writeOnly(int('PBKDF2: at most 100,000.')),
}

const twoFactorImport = object({
  methods: arrayOf(
    object({
      id: str(),
      method: oneOfStrings(['authenticator', 'email']),
      name: str(),
      secret: str('Base64.'),
      secretBase32Encoded: str(),
      email: str(),
    }),
    `At most ${MAX_IMPORT_TWO_FACTOR_METHODS}.`,
  ),
  recoveryCodes: arrayOf(str(), `At most ${MAX_IMPORT_RECOVERY_CODES}.`),
})

export const userSchemas: Record<string, Schema> = {
  ChangePasswordReason: oneOfStrings(PASSWORD_CHANGE_REASONS),

  User: object(
    {
      id: uuid(),
      tenantId: uuid(),
      ...userProfile,
      active: bool('false: logins answer 423.'),
      verified: bool(),
      verifiedInstant: instant(),
      passwordLastUpdateInstant: instant(),
      insertInstant: instant(),
      lastUpdateInstant: instant(),
      lastLoginInstant: instant(),
      registrations: arrayOf(ref('UserRegistration')),
      memberships: arrayOf(ref('GroupMember')),
      twoFactor: object({ methods: arrayOf(ref('TwoFactorMethod')) }),
    },
    { description: 'Password material is never returned.' },
  ),
  UserRegistration: object({
    id: uuid(),
    applicationId: uuid(),
    roles: arrayOf(str()),
    username: str(),
    usernameStatus: oneOfStrings(USERNAME_STATUSES),
    verified: bool('false: logins answer 213.'),
    verifiedInstant: instant(),
    preferredLanguages: arrayOf(str()),
    timezone: str(),
    data: freeObject(),
    insertInstant: instant(),
    lastUpdateInstant: instant(),
    lastLoginInstant: instant(),
  }),
  UserRequest: object(
    {
      user: ref('User'),
      applicationId: uuid(),
      skipVerification: bool(),
      sendSetPasswordEmail: bool('true: no password needed (no email is sent).'),
    },
    { required: ['user'] },
  ),
  UserResponse: object({ user: ref('User') }),
  RegistrationRequest: object(
    {
      registration: ref('UserRegistration'),
      user: ref('User', 'Creates the user too.'),
      skipRegistrationVerification: bool(),
      skipVerification: bool(),
      sendSetPasswordEmail: bool(),
    },
    { required: ['registration'] },
  ),
  RegistrationResponse: object({ registration: ref('UserRegistration'), user: ref('User') }),
  ImportRequest: object(
    {
      users: arrayOf(
        object({
          ...userProfile,
          id: uuid(),
          tenantId: uuid(),
          active: bool(),
          verified: bool(),
          salt: str('Base64.'),
          passwordLastUpdateInstant: instant(),
          insertInstant: instant(),
          registrations: arrayOf(ref('UserRegistration')),
          twoFactor: twoFactorImport,
        }),
        `At most ${MAX_IMPORT_USERS}, of which at most ${MAX_IMPORT_PLAINTEXT_PASSWORDS} with plaintext passwords.`,
      ),
      encryptionScheme: str(),
      factor: int(),
      validateDbConstraints: bool('true: name the duplicates.'),
    },
    { required: ['users'], description: 'All or nothing.' },
  ),

  SortField: object(
    { name: oneOfStrings(SORTABLE_USER_FIELDS), order: oneOfStrings(['asc', 'desc']), missing: oneOfStrings(['_first', '_last']) },
    { required: ['name'] },
  ),
  UserSearchCriteria: object({
    ids: arrayOf(uuid(), `At most ${MAX_SEARCH_IDS}; not paginated.`),
    queryString: str('Without `*`: contained in email, username or a name; with: a pattern (`pied*`).'),
    numberOfResults: { type: 'integer', minimum: 0, maximum: MAX_NUMBER_OF_RESULTS, default: DEFAULT_NUMBER_OF_RESULTS },
    startRow: { type: 'integer', minimum: 0, default: 0 },
    sortFields: arrayOf(ref('SortField')),
    accurateTotal: bool('Totals are always exact.'),
    query: str('Elasticsearch only: 400.'),
    nextResults: str('Elasticsearch only: 400.'),
  }),
  SearchRequest: object({ search: ref('UserSearchCriteria') }, { required: ['search'] }),
  SearchResponse: object({ expandable: arrayOf(str()), total: int(), users: arrayOf(ref('User')) }, { required: ['total', 'users'] }),

  ChangePasswordRequest: object({
    changePasswordId: str(),
    currentPassword: str(),
    password: str(),
    loginId: str('With an API key.'),
    loginIdTypes: arrayOf(oneOfStrings(['email', 'username'])),
    applicationId: uuid(),
    refreshToken: str('JWT form: lets the one-time password issue a refresh token.'),
  }),
  ChangePasswordResponse: object(
    { oneTimePassword: str('Logs in once at POST /api/login.'), state: freeObject() },
    { required: ['oneTimePassword'] },
  ),
  ForgotPasswordRequest: object(
    {
      loginId: str(),
      loginIdTypes: arrayOf(oneOfStrings(['email', 'username'])),
      applicationId: uuid(),
      changePasswordId: str(),
      state: freeObject(),
      sendForgotPasswordEmail: bool('No email is sent.'),
    },
    { required: ['loginId'] },
  ),
  ForgotPasswordResponse: object({ changePasswordId: str() }, { required: ['changePasswordId'] }),

  TwoFactorRequest: object(
    {
      method: oneOfStrings(['authenticator', 'email']),
      code: str(),
      secret: str('Base64 (GET /api/two-factor/secret).'),
      secretBase32Encoded: str(),
      email: str(),
      name: str(),
      twoFactorId: str('From a 242: the answer then has a code for that login.'),
    },
    { required: ['method', 'code'] },
  ),
  TwoFactorResponse: object({ code: str(), recoveryCodes: arrayOf(str(), 'With the first method.') }),
  TwoFactorDisableRequest: object({ methodId: str(), code: str('A recovery code disables every method.') }, { required: ['code'] }),
  TwoFactorSendRequest: object({ userId: uuid(), method: oneOfStrings(['email']), email: str(), methodId: str('To disable this method.') }),
  TwoFactorLoginSendRequest: object({ methodId: str() }),
  SecretResponse: object({ secret: str(), secretBase32Encoded: str() }, { required: ['secret', 'secretBase32Encoded'] }),
  TwoFactorRecoveryCodeResponse: object({ recoveryCodes: arrayOf(str()) }, { required: ['recoveryCodes'] }),

  DevOutboxResponse: object(
    { messages: arrayOf(object({ to: str(), subject: str(), text: str(), sequence: int() })) },
    { required: ['messages'] },
  ),
  StatusResponse: object({ status: oneOfStrings(['ok']) }, { required: ['status'] }),
}
