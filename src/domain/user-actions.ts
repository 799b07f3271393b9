/**
 * User actions: definitions (`/api/user-action`) and actions taken on users (`/api/user/action`), as
 * FusionAuth's UserAction and UserActionLog JSON. A taken action's stored shape is `TakenAction`
 * (store/user-action-store.ts), which the login path shows in its 409 body.
 */
import { codes, type Errors } from '../http/errors'
import { type FieldReader, type JsonObject, isObject } from '../http/fields'
import type { DataContext } from '../store/data-context'
import type { TakenAction, UserActionDefinition } from '../store/user-action-store'
import { userActionEvent } from './events/action-events'
import type { EventSource } from './events/event-source'
import { userRevocationEvents } from './refresh-token-revocation'
import type { Tenant } from './tenant'
import type { User } from './user'

/**
 * FusionAuth's "until canceled" expiry is Long.MAX_VALUE, which a JSON number in JavaScript cannot hold;
 * anything past the largest safe integer is stored as that (still some 285,000 years away).
 */
export const INDEFINITE_EXPIRY = Number.MAX_SAFE_INTEGER

/** Template-id fields kept as given (no emails are sent, so they are not checked against templates). */
const TEMPLATE_FIELDS = ['startEmailTemplateId', 'modifyEmailTemplateId', 'cancelEmailTemplateId', 'endEmailTemplateId'] as const

/** Options: an array of `{name, localizedNames?}`; records `[invalid]userAction.options` otherwise. */
function readOptions(reader: FieldReader): JsonObject[] | undefined {
  const value = reader.source.options
  if (value === undefined || value === null) return undefined
  if (Array.isArray(value) && value.every((o) => isObject(o) && typeof o.name === 'string' && o.name.trim() !== '')) {
    return value
      .filter(isObject)
      .map((o) => ({ name: o.name, ...(isObject(o.localizedNames) ? { localizedNames: o.localizedNames } : {}) }))
  }
  reader.errors.field(reader.path('options'), codes.invalid(reader.path('options'), 'Each option needs a [name].'))
  return undefined
}

/**
 * A definition from a request's `userAction` object. Errors: `[blank]userAction.name`, wrong types, and
 * `[invalid]userAction.temporal` when preventLogin is asked of an action that is not time-based.
 */
export function readDefinition(
  reader: FieldReader,
  id: string,
  nowMillis: number,
  existing: UserActionDefinition | null,
): UserActionDefinition {
  const name = reader.requiredString('name')
  const temporal = reader.boolean('temporal') ?? false
  const preventLogin = reader.boolean('preventLogin') ?? false
  if (preventLogin && !temporal) {
    reader.errors.field(
      reader.path('temporal'),
      codes.invalid(reader.path('temporal'), 'An action that prevents login must be time based: set [userAction.temporal] to true.'),
    )
  }
  const definition: UserActionDefinition = {
    id,
    name: name ?? '',
    active: true,
    preventLogin,
    temporal,
    userNotificationsEnabled: reader.boolean('userNotificationsEnabled') ?? false,
    userEmailingEnabled: reader.boolean('userEmailingEnabled') ?? false,
    includeEmailInEventJSON: reader.boolean('includeEmailInEventJSON') ?? false,
    // FusionAuth turns the end event off for actions that never end.
    sendEndEvent: temporal ? (reader.boolean('sendEndEvent') ?? true) : false,
    insertInstant: existing?.insertInstant ?? nowMillis,
    lastUpdateInstant: nowMillis,
  }
  const localizedNames = reader.rawObject('localizedNames')
  if (localizedNames !== undefined) definition.localizedNames = localizedNames
  const options = readOptions(reader)
  if (options !== undefined) definition.options = options
  for (const field of TEMPLATE_FIELDS) {
    const value = reader.uuid(field)
    if (value !== undefined && (temporal || field === 'startEmailTemplateId')) definition[field] = value
  }
  return definition
}

/** `[duplicate]userAction.name` when another definition already has this name (case-insensitively). */
export function checkUniqueName(definition: UserActionDefinition, others: UserActionDefinition[], errors: Errors): void {
  const key = definition.name.toLowerCase()
  if (definition.name !== '' && others.some((o) => o.id !== definition.id && o.name.toLowerCase() === key)) {
    errors.field('userAction.name', codes.duplicate('userAction.name', `A User Action with name [${definition.name}] already exists.`))
  }
}

/** An expiry instant: a positive integer; FusionAuth's Long.MAX_VALUE (and anything past safe range) becomes INDEFINITE_EXPIRY. */
export function readExpiry(reader: FieldReader, name = 'expiry'): number | undefined {
  const value = reader.source[name]
  if (value === undefined || value === null) return undefined
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return Math.min(value, INDEFINITE_EXPIRY)
  const path = reader.path(name)
  reader.errors.field(path, codes.invalid(path, `Invalid [${path}] property. Expected an instant in epoch milliseconds.`))
  return undefined
}

/** A time-based action is in force until it expires or is canceled; an instantaneous one never is. */
export const isActive = (action: TakenAction, canceled: boolean, nowMillis: number): boolean =>
  !canceled && action.expiry !== undefined && action.expiry > nowMillis

/** A taken action as FusionAuth's UserActionLog JSON (the `action` of /api/user/action responses). */
export function actionView(action: TakenAction): JsonObject {
  const { actionId, userId, createInstant, ...rest } = action
  return {
    ...rest,
    actioneeUserId: userId,
    userActionId: actionId,
    createInstant,
    insertInstant: typeof action.insertInstant === 'number' ? action.insertInstant : createInstant,
    emailUserOnEnd: action.emailUserOnEnd === true,
    notifyUserOnEnd: action.notifyUserOnEnd === true,
  }
}

/** One entry of a taken action's history: what it was before a modification or cancel. */
function historyEntry(action: TakenAction): JsonObject {
  const entry: JsonObject = { createInstant: typeof action.insertInstant === 'number' ? action.insertInstant : action.createInstant }
  if (action.actionerUserId !== undefined) entry.actionerUserId = action.actionerUserId
  if (action.comment !== undefined) entry.comment = action.comment
  if (action.expiry !== undefined) entry.expiry = action.expiry
  return entry
}

/** Appends the action's current state to its history, as FusionAuth does before a modify or cancel. */
function withHistory(action: TakenAction): TakenAction {
  const history = isObject(action.history) && Array.isArray(action.history.historyItems) ? action.history.historyItems : []
  return { ...action, history: { historyItems: [...history, historyEntry(action)] } }
}

/** What the taker of an action chooses (FusionAuth's UserActionLog fields); the rest comes from the definition. */
export interface ActionDetails {
  actionerUserId?: string
  applicationIds?: string[]
  expiry?: number
  comment?: string
  option?: string
  notifyUserOnEnd?: boolean
  emailUserOnEnd?: boolean
}

/**
 * Takes an action of `definition` on `actionee` (POST /api/user/action, the console's lock), with its `user.action`
 * (`start`). One that prevents login takes the actionee's refresh tokens in the same batch when the tenant's
 * onLoginPrevented says so, with their `jwt.refresh-token.revoke`: a refused event stores nothing (504).
 */
export async function takeAction(
  data: DataContext,
  tenant: Tenant,
  definition: UserActionDefinition,
  actionee: User,
  details: ActionDetails,
  source: EventSource,
): Promise<TakenAction> {
  const now = data.nowMillis
  const { actionerUserId, applicationIds, expiry, comment, option } = details
  const action: TakenAction = {
    id: crypto.randomUUID(),
    actionId: definition.id,
    userId: actionee.id,
    name: definition.name,
    localizedName: definition.name,
    createInstant: now,
    insertInstant: now,
    notifyUserOnEnd: details.notifyUserOnEnd ?? false,
    emailUserOnEnd: details.emailUserOnEnd ?? false,
    ...(actionerUserId === undefined ? {} : { actionerUserId }),
    ...(applicationIds === undefined ? {} : { applicationIds }),
    ...(expiry === undefined ? {} : { expiry }),
    ...(comment === undefined ? {} : { comment }),
    ...(option === undefined ? {} : { option, localizedOption: option }),
  }
  const writes = [data.userActions.takeStatement(action, definition.preventLogin && definition.temporal)]
  const events = [userActionEvent('start', action, tenant.id, source)]
  if (definition.preventLogin && tenant.jwtConfiguration.refreshTokenRevocationPolicy.onLoginPrevented === true) {
    writes.push(data.refreshTokens.revokeAllForUserStatement(actionee.id))
    events.push(...(await userRevocationEvents(data, tenant, { userId: actionee.id, user: actionee }, source)))
  }
  await data.events.around(tenant, events, () => data.commit(writes))
  return action
}

/** What a modification may change; a field left out keeps its value, except the comment and actioner, which go. */
export type ActionChanges = Pick<ActionDetails, 'actionerUserId' | 'comment' | 'expiry' | 'notifyUserOnEnd' | 'emailUserOnEnd'>

/**
 * Modifies or cancels (`expiry` now) an action in force (PUT / DELETE /api/user/action/{id}, the console's unlock), its
 * prior state kept in its history, with its `user.action` (`modify` / `cancel`). The action as changed, or null when
 * another request ended it first.
 */
export async function changeAction(
  data: DataContext,
  tenant: Tenant,
  action: TakenAction,
  phase: 'modify' | 'cancel',
  changes: ActionChanges,
  source: EventSource,
): Promise<TakenAction | null> {
  const now = data.nowMillis
  const updated: TakenAction = { ...withHistory(action), insertInstant: now, lastUpdateInstant: now }
  delete updated.comment
  delete updated.actionerUserId
  const expiry = phase === 'cancel' ? now : changes.expiry
  if (changes.comment !== undefined) updated.comment = changes.comment
  if (changes.actionerUserId !== undefined) updated.actionerUserId = changes.actionerUserId
  if (expiry !== undefined) updated.expiry = expiry
  if (changes.notifyUserOnEnd !== undefined) updated.notifyUserOnEnd = changes.notifyUserOnEnd
  if (changes.emailUserOnEnd !== undefined) updated.emailUserOnEnd = changes.emailUserOnEnd
  const canceled = phase === 'cancel'
  const saved = await data.events.around(tenant, [userActionEvent(phase, updated, tenant.id, source)], () =>
    data.userActions.saveAction(updated, canceled),
  )
  return saved ? updated : null
}
