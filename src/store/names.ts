/**
 * Every name this product gives to data outside its tables, in one place: KV key prefixes (keys are
 * `prefix + sha256(token)`, docs/storage.md) and redemption kinds (the `kind` of a row in `redemptions`).
 * Queue message types are declared beside their producer in login-events.ts.
 */
export const KV_PREFIXES = {
  /** Pending two-factor logins, by twoFactorId. */
  pendingTwoFactorLogin: '2fa:',
  /** One-time passwords from change password. */
  oneTimePassword: 'otp:',
  /** Change-password ids (a 203, forgot password). */
  changePasswordId: 'cpw:',
  /** Two-factor trust ids (twoFactorTrustId, the fusionauth.trust cookie). */
  trustId: 'trust:',
  /** The development outbox, per address; only in development and test. */
  devOutbox: 'outbox:',
  /** Console sessions, by the console_session cookie's value (src/domain/console/console-session.ts). */
  consoleSession: 'console:',
  /** Webhook events too big for a queue message, by event id (event-queue.ts): the message carries a reference. */
  eventBody: 'event:',
} as const

/** Kinds of single-use ids spent in D1 (`redemptions.kind`). */
export const REDEMPTION_KINDS = {
  oneTimePassword: 'otp',
  changePasswordId: 'cpw',
  twoFactorId: 'two-factor-id',
} as const
