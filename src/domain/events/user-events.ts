/**
 * The user events (FusionAuth's `BaseUserEvent` family: `{event: {type, id, createInstant, tenantId, info, user,
 * ...}}`). The user is the User API's rendering of it (domain/user.ts `User`, which never holds password material
 * or secrets). A `.complete` form is FusionAuth's non-transactional twin, sent once the change is committed.
 */
import type { JsonObject } from '../../http/fields'
import type { User } from '../user'
import type { FusionAuthEvent } from './event'
import { type EventSource, sourcedEvent } from './event-source'

/** Types whose body is exactly `{user}` (UserCreateEvent, UserDeactivateEvent, UserPasswordUpdateEvent, ...). */
export type PlainUserEventType =
  | 'user.create'
  | 'user.create.complete'
  | 'user.delete'
  | 'user.delete.complete'
  | 'user.deactivate'
  | 'user.reactivate'
  | 'user.email.verified'
  | 'user.password.update'
  | 'user.password.reset.start'
  | 'user.password.reset.success'

export const userEvent = (type: PlainUserEventType, user: User, source: EventSource): FusionAuthEvent =>
  sourcedEvent(type, source, user.tenantId, { user })

/** `user.create` and `user.create.complete`: one user created through the User or Registration API (never import). */
export const userCreateEvents = (user: User, source: EventSource): FusionAuthEvent[] => [
  userEvent('user.create', user, source),
  userEvent('user.create.complete', user, source),
]

/** `user.update` and `user.update.complete` (UserUpdateEvent): the user after the change and `original`, before it. */
export const userUpdateEvents = (original: User, user: User, source: EventSource): FusionAuthEvent[] =>
  (['user.update', 'user.update.complete'] as const).map((type) => sourcedEvent(type, source, user.tenantId, { original, user }))

/**
 * An update's events: `user.update` and `.complete`, and `user.email.update` (UserEmailUpdateEvent, with
 * `previousEmail`) when the email changed. A new password adds its events (passwordChangeEvents) separately.
 */
export function userChangeEvents(original: User, user: User, source: EventSource): FusionAuthEvent[] {
  const events = userUpdateEvents(original, user, source)
  if (original.email !== undefined && original.email !== user.email) {
    events.push(sourcedEvent('user.email.update', source, user.tenantId, { previousEmail: original.email, user }))
  }
  return events
}

/** `user.delete` and `user.delete.complete`: a hard delete; the user as it was. */
export const userDeleteEvents = (user: User, source: EventSource): FusionAuthEvent[] => [
  userEvent('user.delete', user, source),
  userEvent('user.delete.complete', user, source),
]

/**
 * A password change: `user.password.update` always, and `user.password.reset.success` first when the change
 * completed the forgot-password flow (a changePasswordId that forgot password issued).
 */
export function passwordChangeEvents(user: User, source: EventSource, completedReset: boolean): FusionAuthEvent[] {
  const update = userEvent('user.password.update', user, source)
  return completedReset ? [userEvent('user.password.reset.success', user, source), update] : [update]
}

/** `user.bulk.create` (UserBulkCreateEvent): the users one import created in one tenant, instead of a user.create each. */
export const userBulkCreateEvent = (tenantId: string, users: readonly User[], source: EventSource): FusionAuthEvent =>
  sourcedEvent('user.bulk.create', source, tenantId, { users: [...users] })

/** `user.two-factor.method.add` / `.remove` (UserTwoFactorMethodAddEvent): the method's public view and the user after. */
export const twoFactorMethodEvent = (
  type: 'user.two-factor.method.add' | 'user.two-factor.method.remove',
  user: User,
  method: JsonObject,
  source: EventSource,
): FusionAuthEvent => sourcedEvent(type, source, user.tenantId, { method, user })
