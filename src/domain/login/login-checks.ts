import type { JsonObject } from '../../http/fields'
import type { LoginSubject, PreventingAction } from '../../store/login-store'
import type { LoginOutcome } from './outcome'

/** The fields of an action that a 409 body shows (FusionAuth's LoginPreventedResponse). */
const SHOWN_FIELDS = [
  'actionId',
  'actionerUserId',
  'expiry',
  'localizedName',
  'localizedOption',
  'localizedReason',
  'name',
  'option',
  'reason',
  'reasonCode',
] as const

export function preventedActionView(action: JsonObject): JsonObject {
  const view: JsonObject = {}
  for (const field of SHOWN_FIELDS) if (action[field] !== undefined) view[field] = action[field]
  return view
}

const appliesTo = (action: PreventingAction, applicationId: string | null): boolean =>
  action.applicationIds === undefined ||
  action.applicationIds.length === 0 ||
  (applicationId !== null && action.applicationIds.includes(applicationId))

/**
 * The checks FusionAuth makes before it looks at the password, in its order:
 * deactivated (423), a prevent-login action for this application or all (409), expired account (410).
 * Returns the refusing outcome, or null when the user may go on to the password check.
 */
export function refuseBeforePassword(subject: LoginSubject, applicationId: string | null, nowMillis: number): LoginOutcome | null {
  if (!subject.user.active) return { kind: 'locked' }
  const preventing = subject.preventingActions.filter((action) => appliesTo(action, applicationId))
  if (preventing.length > 0) return { kind: 'prevented', actions: preventing.map(preventedActionView) }
  if (subject.user.expiry !== undefined && subject.user.expiry < nowMillis) return { kind: 'expired' }
  return null
}
