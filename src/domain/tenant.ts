import type { JsonObject } from '../http/fields'
import { type EventConfiguration, eventConfigurationDefaults } from './events/event-configuration'
import { type TenantRateLimitConfiguration, rateLimitDefaults } from './rate-limit'

/**
 * A FusionAuth Tenant. The whole object is kept as FusionAuth JSON so clients read back what they wrote;
 * the fields below are the ones the login path reads, always present after `withTenantDefaults`.
 */
export interface Tenant extends JsonObject {
  id: string
  name: string
  issuer: string
  insertInstant: number
  lastUpdateInstant: number
  loginConfiguration: { requireAuthentication: boolean }
  jwtConfiguration: {
    enabled: boolean
    accessTokenKeyId?: string
    idTokenKeyId?: string
    timeToLiveInSeconds: number
    refreshTokenTimeToLiveInMinutes: number
    refreshTokenExpirationPolicy: string
    refreshTokenUsagePolicy: string
    refreshTokenRevocationPolicy: { onLoginPrevented: boolean; onPasswordChanged: boolean }
  }
  externalIdentifierConfiguration: {
    twoFactorIdTimeToLiveInSeconds: number
    twoFactorTrustIdTimeToLiveInSeconds: number
    twoFactorOneTimeCodeIdTimeToLiveInSeconds: number
    oneTimePasswordTimeToLiveInSeconds: number
    changePasswordIdTimeToLiveInSeconds: number
    trustTokenTimeToLiveInSeconds: number
  }
  passwordEncryptionConfiguration: {
    encryptionScheme: string
    encryptionSchemeFactor: number
    modifyEncryptionSchemeOnLogin: boolean
  }
  failedAuthenticationConfiguration: {
    tooManyAttempts: number
    resetCountInSeconds: number
    actionDuration: number
    actionDurationUnit: string
    actionCancelPolicy: { onPasswordReset: boolean }
    emailUser: boolean
    userActionId?: string
  }
  maximumPasswordAge: { enabled: boolean; days: number }
  minimumPasswordAge: { enabled: boolean; seconds: number }
  passwordValidationRules: JsonObject & { minLength: number; maxLength: number }
  emailConfiguration: JsonObject & { verifyEmail: boolean; verificationStrategy: string }
  multiFactorConfiguration: JsonObject & { loginPolicy: string }
  rateLimitConfiguration: TenantRateLimitConfiguration
  eventConfiguration: EventConfiguration
}

/** The factor new passwords get: the most production Workers allow (FusionAuth's own default is 24,000). */
export const DEFAULT_PASSWORD_FACTOR = 100_000

/**
 * Omit for the JSON-object types here: the built-in Omit over a type with an index signature
 * (`extends JsonObject`) drops every named field, so spreads of the defaults lost their types.
 */
export type OmitKnown<T, K extends PropertyKey> = { [P in keyof T as P extends K ? never : P]: T[P] }

/** FusionAuth's defaults for a new tenant, as a fresh install seeds them. */
export function tenantDefaults(): OmitKnown<Tenant, 'id' | 'name' | 'insertInstant' | 'lastUpdateInstant'> {
  return {
    issuer: 'acme.com',
    loginConfiguration: { requireAuthentication: true },
    jwtConfiguration: {
      enabled: true,
      timeToLiveInSeconds: 3600,
      refreshTokenTimeToLiveInMinutes: 43200,
      refreshTokenExpirationPolicy: 'Fixed',
      refreshTokenUsagePolicy: 'Reusable',
      refreshTokenRevocationPolicy: { onLoginPrevented: true, onPasswordChanged: true },
    },
    externalIdentifierConfiguration: {
      twoFactorIdTimeToLiveInSeconds: 300,
      twoFactorTrustIdTimeToLiveInSeconds: 2592000,
      twoFactorOneTimeCodeIdTimeToLiveInSeconds: 60,
      oneTimePasswordTimeToLiveInSeconds: 60,
      changePasswordIdTimeToLiveInSeconds: 600,
      trustTokenTimeToLiveInSeconds: 180,
    },
    passwordEncryptionConfiguration: {
      encryptionScheme: 'salted-pbkdf2-hmac-sha256',
      encryptionSchemeFactor: DEFAULT_PASSWORD_FACTOR,
      modifyEncryptionSchemeOnLogin: false,
    },
    failedAuthenticationConfiguration: {
      tooManyAttempts: 5,
      resetCountInSeconds: 60,
      actionDuration: 3,
      actionDurationUnit: 'MINUTES',
      actionCancelPolicy: { onPasswordReset: false },
      emailUser: false,
    },
    maximumPasswordAge: { enabled: false, days: 180 },
    minimumPasswordAge: { enabled: false, seconds: 30 },
    passwordValidationRules: {
      minLength: 8,
      maxLength: 256,
      requireMixedCase: false,
      requireNonAlpha: false,
      requireNumber: false,
      validateOnLogin: false,
      rememberPreviousPasswords: { enabled: false, count: 1 },
    },
    emailConfiguration: {
      verifyEmail: false,
      verifyEmailWhenChanged: false,
      verificationStrategy: 'ClickableLink',
      implicitEmailVerificationAllowed: true,
      unverified: { behavior: 'Allow', allowEmailChangeWhenGated: false },
    },
    multiFactorConfiguration: {
      loginPolicy: 'Enabled',
      authenticator: { enabled: true, algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 },
      email: { enabled: true },
      sms: { enabled: false },
    },
    rateLimitConfiguration: rateLimitDefaults(),
    eventConfiguration: eventConfigurationDefaults(),
  }
}
