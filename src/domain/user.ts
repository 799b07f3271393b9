import type { JsonObject } from '../http/fields'
import type { GroupMember } from './group'

/** A registration of a user for an application, in FusionAuth's JSON. */
export interface Registration extends JsonObject {
  id: string
  applicationId: string
  roles: string[]
  verified: boolean
  username?: string
  usernameStatus?: string
  insertInstant: number
  lastUpdateInstant: number
  lastLoginInstant?: number
  verifiedInstant?: number
  data?: JsonObject
}

/**
 * A FusionAuth User as the API shows it. Password material never appears here: it lives in
 * `StoredPassword` beside the user in the store and is never serialized into a response.
 */
export interface User extends JsonObject {
  id: string
  tenantId: string
  email?: string
  username?: string
  active: boolean
  verified: boolean
  expiry?: number
  passwordChangeRequired: boolean
  passwordChangeReason?: string
  passwordLastUpdateInstant?: number
  insertInstant: number
  lastUpdateInstant: number
  lastLoginInstant?: number
  data?: JsonObject
  registrations?: Registration[]
  /** The user's group memberships, from their own table (store/group-store.ts); never in the stored JSON. */
  memberships?: GroupMember[]
  twoFactor?: { methods: JsonObject[] }
}

/** Lower-cased lookup key: emails and usernames match case-insensitively, otherwise exactly as given. */
export const loginKey = (value: string): string => value.toLowerCase()

/** Which identity a login id named, for the login record: the email wins, as in the lookup. */
export function loginIdTypeOf(user: User, loginId: string): 'email' | 'username' | undefined {
  if (user.email !== undefined && loginKey(user.email) === loginKey(loginId)) return 'email'
  if (user.username !== undefined && loginKey(user.username) === loginKey(loginId)) return 'username'
  return undefined
}

/** The identity a login without a typed login id (ping, refresh, one-time password) is recorded under. */
export function primaryLoginIdentity(user: User): { loginId: string; loginIdType?: 'email' | 'username' } {
  if (user.email !== undefined) return { loginId: user.email, loginIdType: 'email' }
  if (user.username !== undefined) return { loginId: user.username, loginIdType: 'username' }
  return { loginId: user.id }
}
