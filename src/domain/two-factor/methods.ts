import { TOTP_ALGORITHM, TOTP_CODE_LENGTH, TOTP_TIME_STEP_SECONDS } from './totp'
import { randomString } from './one-time-code'

/** The two-factor method kinds FusionAuth defines (`method` on the wire). */
export type TwoFactorMethodKind = 'authenticator' | 'email' | 'sms'

export const isTwoFactorMethodKind = (value: unknown): value is TwoFactorMethodKind =>
  value === 'authenticator' || value === 'email' || value === 'sms'

/**
 * Method ids look like FusionAuth's (`2KSZ`, `KLRT`): four uppercase alphanumerics. New ids use an
 * alphabet without 0/O and 1/I so they can be read aloud; ids imported from FusionAuth may use any.
 */
const METHOD_ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
const METHOD_ID_PATTERN = /^[A-Z0-9]{4}$/

export const isMethodId = (value: unknown): value is string => typeof value === 'string' && METHOD_ID_PATTERN.test(value)

/**
 * A fresh method id, distinct from the user's existing ones. Ids are only unique per user
 * (32^4 ≈ one million values), so pass the ids the user already has.
 */
export function newMethodId(existingIds: Iterable<string> = []): string {
  const taken = new Set(existingIds)
  for (;;) {
    const id = randomString(4, METHOD_ID_ALPHABET)
    if (!taken.has(id)) return id
  }
}

/** A stored method as the domain sees it; secret material may ride along but never leaves via the view. */
export interface TwoFactorMethodRecord {
  id: string
  method: TwoFactorMethodKind
  email?: string | null
  mobilePhone?: string | null
  name?: string | null
  lastUsed?: boolean | null
}

export interface AuthenticatorConfiguration {
  algorithm: typeof TOTP_ALGORITHM
  codeLength: typeof TOTP_CODE_LENGTH
  timeStep: typeof TOTP_TIME_STEP_SECONDS
}

/** The public JSON of a method: the 242 body's `methods[]` and the User's `twoFactor.methods[]`. */
export type PublicTwoFactorMethod =
  | { id: string; method: 'authenticator'; authenticator: AuthenticatorConfiguration; name?: string; lastUsed?: boolean }
  | { id: string; method: 'email'; email: string; name?: string; lastUsed?: boolean }
  | { id: string; method: 'sms'; mobilePhone: string; name?: string; lastUsed?: boolean }

/** FusionAuth's fixed authenticator settings (the only ones it supports). */
export const authenticatorConfiguration = (): AuthenticatorConfiguration => ({
  algorithm: TOTP_ALGORITHM,
  codeLength: TOTP_CODE_LENGTH,
  timeStep: TOTP_TIME_STEP_SECONDS,
})

/**
 * Builds the public view field by field (an allow-list), so a `secret` or any other stored
 * column on the record can never leak into a response. Empty optional fields are left out.
 * Keys come out in FusionAuth's (alphabetical) order so bodies read like its examples.
 */
export function toPublicMethod(record: TwoFactorMethodRecord): PublicTwoFactorMethod {
  const lastUsed = typeof record.lastUsed === 'boolean' ? { lastUsed: record.lastUsed } : {}
  const name = record.name ? { name: record.name } : {}
  switch (record.method) {
    case 'authenticator':
      return { authenticator: authenticatorConfiguration(), id: record.id, ...lastUsed, method: 'authenticator', ...name }
    case 'email':
      return { email: record.email ?? '', id: record.id, ...lastUsed, method: 'email', ...name }
    case 'sms':
      return { id: record.id, ...lastUsed, method: 'sms', mobilePhone: record.mobilePhone ?? '', ...name }
  }
}

/** Public views of several methods, in the order given. */
export const toPublicMethods = (records: readonly TwoFactorMethodRecord[]): PublicTwoFactorMethod[] => records.map(toPublicMethod)
