/**
 * Turns the `user` object of a request (create, update, patch, import) into the profile fields stored on a User.
 * Only FusionAuth's documented client-settable fields are kept (an allow-list), each type-checked, so nothing
 * server-owned (id, tenantId, active, password material, twoFactor, instants) can be written through a profile.
 */
import type { FieldReader, JsonObject } from '../http/fields'

/** Free-text profile fields FusionAuth stores as given. */
const STRING_FIELDS = [
  'birthDate',
  'firstName',
  'fullName',
  'imageUrl',
  'lastName',
  'middleName',
  'mobilePhone',
  'parentEmail',
  'phoneNumber',
  'timezone',
] as const

export const PASSWORD_CHANGE_REASONS = ['Administrative', 'Breached', 'Expired', 'Validation'] as const
export const USERNAME_STATUSES = ['ACTIVE', 'PENDING', 'REJECTED'] as const

/** Every profile field a client may set; PUT replaces exactly these and keeps the rest of the stored user. */
export const PROFILE_FIELDS: readonly string[] = [
  ...STRING_FIELDS,
  'email',
  'username',
  'usernameStatus',
  'passwordChangeRequired',
  'passwordChangeReason',
  'expiry',
  'preferredLanguages',
  'data',
]

/** FusionAuth caps preferred languages at 20. */
const MAX_PREFERRED_LANGUAGES = 20

/**
 * A pragmatic address check: one `@`, no white space, a dotted domain without underscores
 * (FusionAuth refuses `a@recipe_box.local` with `[notEmail]`).
 */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@_.]+(\.[^\s@_.]+)+$/

export const isEmail = (value: string): boolean => EMAIL_PATTERN.test(value)

export interface UserFields {
  /** The profile fields to store (email and username included when present). */
  profile: JsonObject
  email?: string
  username?: string
}

/**
 * Reads the profile fields of one user object, recording type errors and `[notEmail]` in the reader's Errors.
 * An empty or white-space-only email or username counts as absent; other values are kept exactly as given.
 */
export function readUserFields(user: FieldReader): UserFields {
  const profile: JsonObject = {}
  for (const name of STRING_FIELDS) {
    const value = user.string(name)
    if (value !== undefined) profile[name] = value
  }
  const fields: UserFields = { profile }

  const email = user.string('email')
  if (email !== undefined && email.trim() !== '') {
    if (!isEmail(email)) {
      const path = user.path('email')
      user.errors.field(path, `[notEmail]${path}`, `The [${path}] property must be a valid email address.`)
    }
    profile.email = email
    fields.email = email
  }
  const username = user.string('username')
  if (username !== undefined && username.trim() !== '') {
    profile.username = username
    fields.username = username
  }

  const usernameStatus = user.oneOf('usernameStatus', USERNAME_STATUSES)
  if (usernameStatus !== undefined) profile.usernameStatus = usernameStatus
  const changeRequired = user.boolean('passwordChangeRequired')
  if (changeRequired !== undefined) profile.passwordChangeRequired = changeRequired
  const reason = user.oneOf('passwordChangeReason', PASSWORD_CHANGE_REASONS)
  if (reason !== undefined) profile.passwordChangeReason = reason
  const expiry = user.integer('expiry')
  if (expiry !== undefined) profile.expiry = expiry
  const languages = user.stringArray('preferredLanguages')
  if (languages !== undefined) {
    if (languages.length > MAX_PREFERRED_LANGUAGES) {
      const path = user.path('preferredLanguages')
      user.errors.field(path, `[tooMany]${path}`, `The [${path}] property may hold at most ${MAX_PREFERRED_LANGUAGES} languages.`)
    }
    profile.preferredLanguages = languages
  }
  const data = user.rawObject('data')
  if (data !== undefined) profile.data = data
  return fields
}

/** FusionAuth's rule that a user needs an email or a username: `[blank]` on both paths when neither is given. */
export function requireLoginIdentity(user: FieldReader, fields: UserFields): void {
  if (fields.email !== undefined || fields.username !== undefined) return
  const email = user.path('email')
  const username = user.path('username')
  const message = `You must specify either the [${email}] or [${username}] property. If you are emailing the user you must specify the [${email}].`
  if (!user.errors.has(email)) user.errors.field(email, `[blank]${email}`, message)
  if (!user.errors.has(username)) user.errors.field(username, `[blank]${username}`, message)
}

/** The profile-owned part of a stored user, as a request object (the base a PATCH merges into). */
export function profileOf(user: JsonObject): JsonObject {
  const profile: JsonObject = {}
  for (const name of PROFILE_FIELDS) {
    if (user[name] !== undefined) profile[name] = user[name]
  }
  return profile
}

/** Reads `user` from a body, recording `[missing]user` when it is absent. */
export function userReader(body: FieldReader, name = 'user'): FieldReader {
  if (!body.has(name)) body.errors.field(name, `[missing]${name}`, `You must specify the [${name}] property.`)
  return body.object(name)
}
