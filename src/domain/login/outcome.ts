import type { User } from '../user'
import type { JsonObject } from '../../http/fields'

/** Tokens a completed login issues (absent with noJWT). */
export interface IssuedTokens {
  token: string
  tokenExpirationInstant: number
  refreshToken?: string
  refreshTokenId?: string
  /** refresh_token cookie lifetime. */
  refreshTokenTtlSeconds?: number
}

/** Statuses of a completed login, in FusionAuth's precedence. */
export type CompletedStatus = 200 | 202 | 212 | 213

/**
 * What a login attempt came to. Routes map each kind to FusionAuth's status, body and cookies
 * in one exhaustive switch (http/login-response.ts).
 */
export type LoginOutcome =
  | { kind: 'notFound' } // 404: unknown user or wrong password, indistinguishable
  | { kind: 'locked' } // 423: active=false
  | { kind: 'prevented'; actions: JsonObject[] } // 409: a prevent-login action in force
  | { kind: 'expired' } // 410: user.expiry passed
  | { kind: 'twoFactorRequired'; twoFactorId: string; methods: JsonObject[]; configurableMethods?: string[] } // 242 (configurableMethods: policy Required, no method yet)
  | { kind: 'changePasswordRequired'; changePasswordId: string; changePasswordReason: string } // 203
  | {
      kind: 'completed'
      status: CompletedStatus
      user: User
      tokens: IssuedTokens | null
      /** Set when two-factor completion asked to trust this device. */
      twoFactorTrust?: { trustId: string; ttlSeconds: number }
      state?: JsonObject
    }

/** How the user authenticated, as FusionAuth names it in the JWT's authenticationType claim. */
export type AuthenticationType = 'PASSWORD' | 'ONE_TIME_PASSWORD' | 'PING' | 'REFRESH_TOKEN' | 'APPLICATION_TOKEN' | 'REGISTRATION'
