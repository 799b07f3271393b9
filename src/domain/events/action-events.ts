/**
 * `user.action` (FusionAuth's UserActionEvent): an action taken on a user (`phase: start`), modified (`modify`)
 * or canceled (`cancel`). Its fields are the action's, flat on the event, not a nested log: `action` is the
 * definition's name and `actionId` its id, `actioneeUserId` / `actionerUserId` the users.
 *
 * Left out, because this product has no source for them: `email` (no action emails are rendered), `reason` /
 * `reasonCode` (no action reasons), `localizedDuration` (no localized messages). `emailedUser` is always false.
 * The `end` phase, which FusionAuth sends when a temporal action expires, needs a timer per action and is not sent.
 */
import type { TakenAction } from '../../store/user-action-store'
import type { FusionAuthEvent } from './event'
import { type EventSource, sourcedEvent } from './event-source'

export type UserActionPhase = 'start' | 'modify' | 'cancel'

export function userActionEvent(phase: UserActionPhase, action: TakenAction, tenantId: string, source: EventSource): FusionAuthEvent {
  const fields: Record<string, unknown> = {
    action: action.name,
    actionId: action.actionId,
    actioneeUserId: action.userId,
    emailedUser: false,
    localizedAction: action.localizedName,
    notifyUser: action.notifyUserOnEnd === true,
    phase,
  }
  if (action.actionerUserId !== undefined) fields.actionerUserId = action.actionerUserId
  if (action.applicationIds !== undefined) fields.applicationIds = action.applicationIds
  if (action.comment !== undefined) fields.comment = action.comment
  if (action.expiry !== undefined) fields.expiry = action.expiry
  if (typeof action.option === 'string') {
    fields.option = action.option
    fields.localizedOption = typeof action.localizedOption === 'string' ? action.localizedOption : action.option
  }
  return sourcedEvent('user.action', source, tenantId, fields)
}
