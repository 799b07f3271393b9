/**
 * Schemas of the login family (login, two-factor login, ping, logout, login records) and FusionAuth's Errors body,
 * named as FusionAuth's OpenAPI names them. The envelopes are closed (`additionalProperties: false`): they list
 * every member this server sends, and the sample test holds real responses to that.
 *
 * Where FusionAuth's OpenAPI is wrong for what FusionAuth sends, this follows the wire: `fieldErrors` is a map of
 * arrays of Error (FusionAuth's OpenAPI says an array), login-record instants are epoch milliseconds, and the 242,
 * 203 and 409 bodies are described apart instead of as one LoginResponse with every member optional.
 */
import { DEFAULT_NUMBER_OF_RESULTS, MAX_NUMBER_OF_RESULTS } from '../domain/login-record'
import { type Schema, arrayOf, bool, freeObject, instant, int, mapOf, object, oneOfStrings, ref, str, uuid } from './schema'

const metaData: Schema = ref('MetaData', 'Stored on the refresh token.')
const ipAddress = str('For the login record; default X-Forwarded-For, else the caller.')
const noJWT = bool('true: no tokens, no cookies.')

const loginCriteria = {
  applicationId: uuid(),
  userId: uuid(),
  start: instant('Inclusive.'),
  end: instant('Inclusive.'),
}

export const loginSchemas: Record<string, Schema> = {
  ZonedDateTime: { type: 'integer', description: 'Epoch milliseconds (UTC).' },

  Error: object(
    { code: str('`[blank]loginId`, `[TenantIdRequired]`, ...'), message: str(), data: freeObject() },
    { required: ['code', 'message'], closed: true },
  ),
  Errors: object(
    {
      fieldErrors: mapOf(arrayOf(ref('Error')), 'Property path (`user.email`) -> its errors.'),
      generalErrors: arrayOf(ref('Error')),
    },
    { closed: true, description: 'An empty part is left out.' },
  ),

  DeviceInfo: object({ description: str(), lastAccessedAddress: str(), name: str(), type: str() }),
  MetaData: object({ device: ref('DeviceInfo') }),

  LoginRequest: {
    ...object(
      {
        applicationId: uuid('Without it: no application recorded, no refresh token.'),
        loginId: str('Email or username.'),
        password: str(),
        oneTimePassword: str('From a password change, instead of loginId and password.'),
        twoFactorTrustId: str('Skips the two-factor challenge; the fusionauth.trust cookie wins.'),
        ipAddress,
        metaData,
        noJWT,
      },
      { description: 'loginIdTypes, botDetectionScore and newDevice are ignored.' },
    ),
    anyOf: [{ required: ['loginId', 'password'] }, { required: ['oneTimePassword'] }],
  },
  LoginResponse: object(
    {
      token: str('The access token (JWT), also the access_token cookie.'),
      tokenExpirationInstant: instant(),
      refreshToken: str('When the application generates them; also the refresh_token cookie.'),
      refreshTokenId: uuid(),
      twoFactorTrustId: str('With trustComputer; also the fusionauth.trust cookie.'),
      state: freeObject('From the one-time password.'),
      user: ref('User'),
    },
    { required: ['user'], closed: true },
  ),
  LoginTwoFactorResponse: object(
    {
      twoFactorId: str('For POST /api/two-factor/login.'),
      methods: arrayOf(ref('TwoFactorMethod')),
      configurableMethods: arrayOf(str(), 'Policy Required, no method yet: what may be enabled.'),
    },
    { required: ['twoFactorId', 'methods'], closed: true },
  ),
  LoginChangePasswordResponse: object(
    { changePasswordId: str(), changePasswordReason: ref('ChangePasswordReason') },
    { required: ['changePasswordId', 'changePasswordReason'], closed: true },
  ),
  LoginPreventedResponse: object({
    actionId: uuid(),
    actionerUserId: uuid(),
    expiry: instant(),
    localizedName: str(),
    localizedOption: str(),
    localizedReason: str(),
    name: str(),
    option: str(),
    reason: str(),
    reasonCode: str(),
  }),
  LoginActionsResponse: object({ actions: arrayOf(ref('LoginPreventedResponse')) }, { required: ['actions'], closed: true }),

  AuthenticatorConfiguration: object({ algorithm: oneOfStrings(['HmacSHA1']), codeLength: int(), timeStep: int() }, { closed: true }),
  TwoFactorMethod: object(
    {
      id: str(),
      method: oneOfStrings(['authenticator', 'email', 'sms']),
      authenticator: ref('AuthenticatorConfiguration'),
      email: str(),
      mobilePhone: str(),
      name: str(),
      lastUsed: bool(),
    },
    { required: ['id', 'method'], closed: true },
  ),

  TwoFactorLoginRequest: object(
    {
      twoFactorId: str(),
      code: str('Authenticator, email or recovery code.'),
      trustComputer: bool('true: issue a twoFactorTrustId.'),
      applicationId: uuid("Default: the password step's."),
      ipAddress,
      metaData,
      noJWT,
    },
    { required: ['twoFactorId', 'code'] },
  ),
  LoginPingRequest: object({ userId: uuid(), applicationId: uuid(), ipAddress }, { required: ['userId'] }),
  LogoutRequest: object({
    refreshToken: str('Else the query, else the refresh_token cookie.'),
    global: bool("true: revoke all of the user's."),
  }),

  LoginRecordSearchCriteria: object({
    ...loginCriteria,
    numberOfResults: { type: 'integer', minimum: 0, maximum: MAX_NUMBER_OF_RESULTS, default: DEFAULT_NUMBER_OF_RESULTS },
    startRow: { type: 'integer', minimum: 0, default: 0 },
    orderBy: str('Not supported: 400.'),
  }),
  LoginRecordSearchRequest: object({ retrieveTotal: bool(), search: ref('LoginRecordSearchCriteria') }),
  DisplayableRawLogin: object(
    {
      applicationId: uuid(),
      applicationName: str(),
      instant: instant(),
      ipAddress: str(),
      loginId: str(),
      loginIdType: oneOfStrings(['email', 'username', 'phoneNumber']),
      userId: uuid(),
    },
    { required: ['instant', 'loginId', 'userId'], closed: true },
  ),
  LoginRecordSearchResponse: object(
    { logins: arrayOf(ref('DisplayableRawLogin')), total: int('With retrieveTotal.') },
    { required: ['logins'], closed: true },
  ),
  LoginRecordExportCriteria: object(loginCriteria),
  LoginRecordExportRequest: object({
    criteria: ref('LoginRecordExportCriteria'),
    dateTimeSecondsFormat: str('Java DateTimeFormatter pattern; default `M/d/yyyy hh:mm:ss a z`.'),
    zoneId: str('IANA zone; default reportTimezone.'),
  }),
}
