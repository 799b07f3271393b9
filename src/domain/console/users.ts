/**
 * The console's User page: find a user (the user search use case: by id, or a queryString over email, username and
 * names), show what an operator needs (registrations, two-factor methods without secrets, recent logins, actions in
 * force, refresh tokens), and act: lock and unlock through a prevent-login user action, deactivate and reactivate,
 * revoke refresh tokens. Each act is the admin API's own domain function, so it sends the same events and applies the
 * same tenant policies.
 */
import { isUuid } from '../../http/fields'
import type { DataContext } from '../../store/data-context'
import type { TakenAction, UserActionDefinition } from '../../store/user-action-store'
import type { EventSource } from '../events/event-source'
import type { ExportedLoginRecord } from '../login-record'
import { revokeAllUserRefreshTokens } from '../refresh-token-revocation'
import type { Tenant } from '../tenant'
import type { User } from '../user'
import { setUserActive } from '../user-activation'
import { INDEFINITE_EXPIRY, changeAction, isActive, takeAction } from '../user-actions'
import { searchUsers, textMatchOf } from '../user-search'

/** Users shown for one search: enough to pick from, never a full listing. */
export const FIND_LIMIT = 20
export const RECENT_LOGINS = 10

/** The definition the console locks with when no active prevent-login action named so exists. */
export const LOCK_ACTION_NAME = 'Lock'

export interface UserSummary {
  id: string
  tenantId: string
  email?: string
  username?: string
  active: boolean
  fullName?: string
}

export interface ActionInForce {
  id: string
  name: string
  preventLogin: boolean
  createInstant: number
  expiry: number | null
  comment?: string
}

export interface UserDetails {
  user: User
  recentLogins: ExportedLoginRecord[]
  actions: ActionInForce[]
  locked: boolean
  refreshTokens: number
}

const summaryOf = (user: User): UserSummary => ({
  id: user.id,
  tenantId: user.tenantId,
  active: user.active,
  ...(user.email === undefined ? {} : { email: user.email }),
  ...(user.username === undefined ? {} : { username: user.username }),
  ...(typeof user.fullName === 'string' ? { fullName: user.fullName } : {}),
})

/** A user id finds that user; anything else is a queryString (every tenant: the console is global). */
export async function findUsers(data: DataContext, query: string): Promise<{ total: number; users: UserSummary[] }> {
  const term = query.trim()
  if (term === '') return { total: 0, users: [] }
  const result = isUuid(term)
    ? await searchUsers(data, { kind: 'ids', ids: [term.toLowerCase()] }, null)
    : await searchUsers(data, { kind: 'text', match: textMatchOf(term), numberOfResults: FIND_LIMIT, startRow: 0, sort: [] }, null)
  return { total: result.total, users: result.users.map(summaryOf) }
}

/** Actions taken on the user that are in force now, with whether each prevents login. */
async function actionsInForce(
  data: DataContext,
  userId: string,
): Promise<{ action: TakenAction; definition: UserActionDefinition | null }[]> {
  const taken = await data.userActions.listForUser(userId)
  const live = taken.filter(({ action, canceled }) => isActive(action, canceled, data.nowMillis))
  const definitions = new Map<string, UserActionDefinition | null>()
  for (const { action } of live) {
    if (!definitions.has(action.actionId)) definitions.set(action.actionId, await data.userActions.getDefinition(action.actionId))
  }
  return live.map(({ action }) => ({ action, definition: definitions.get(action.actionId) ?? null }))
}

/** The user page's data, or null when there is no such user. */
export async function userDetails(data: DataContext, userId: string): Promise<UserDetails | null> {
  const [record, recentLogins, actions, tokens] = await Promise.all([
    data.users.get(userId),
    data.loginRecords.exportPage({ userId }, null, RECENT_LOGINS),
    actionsInForce(data, userId),
    data.refreshTokens.listForUser(userId),
  ])
  if (record === null) return null
  const shown = actions.map(({ action, definition }) => ({
    id: action.id,
    name: action.name,
    preventLogin: definition?.preventLogin === true,
    createInstant: action.createInstant,
    expiry: action.expiry === undefined || action.expiry >= INDEFINITE_EXPIRY ? null : action.expiry,
    ...(action.comment === undefined ? {} : { comment: action.comment }),
  }))
  return {
    user: record.user,
    recentLogins,
    actions: shown,
    locked: shown.some((action) => action.preventLogin),
    refreshTokens: tokens.length,
  }
}

/** The prevent-login definition to lock with: an active one named Lock, else any active one, else a new Lock. */
async function lockDefinition(data: DataContext): Promise<UserActionDefinition> {
  const usable = (await data.userActions.listDefinitions(null)).filter((d) => d.active && d.preventLogin && d.temporal)
  const named = usable.find((d) => d.name.toLowerCase() === LOCK_ACTION_NAME.toLowerCase()) ?? usable[0]
  if (named !== undefined) return named
  const now = data.nowMillis
  const definition: UserActionDefinition = {
    id: crypto.randomUUID(),
    name: LOCK_ACTION_NAME,
    active: true,
    preventLogin: true,
    temporal: true,
    userNotificationsEnabled: false,
    userEmailingEnabled: false,
    includeEmailInEventJSON: false,
    sendEndEvent: true,
    insertInstant: now,
    lastUpdateInstant: now,
  }
  await data.userActions.createDefinition(definition)
  return definition
}

/** `self`: the console's own user may not lock or deactivate themselves (they would lose the console mid-task). */
export type ControlOutcome = { kind: 'done'; details: UserDetails } | { kind: 'notFound' } | { kind: 'self' }

/** The user to act on and their tenant (where the action's events go), or null when either is gone. */
async function subjectOf(data: DataContext, userId: string): Promise<{ user: User; tenant: Tenant } | null> {
  const record = await data.users.get(userId)
  const tenant = record === null ? null : await data.tenants.get(record.user.tenantId)
  return record === null || tenant === null ? null : { user: record.user, tenant }
}

/** Acts on the user (null: they are gone), then answers with the user page's data as it is afterwards. */
async function control(data: DataContext, userId: string, act: (user: User, tenant: Tenant) => Promise<unknown>): Promise<ControlOutcome> {
  const subject = await subjectOf(data, userId)
  if (subject === null) return { kind: 'notFound' }
  await act(subject.user, subject.tenant)
  const details = await userDetails(data, userId)
  return details === null ? { kind: 'notFound' } : { kind: 'done', details }
}

/**
 * Locks the user until unlocked: a prevent-login action with no end, taken by the console's user as POST
 * /api/user/action takes one (its user.action, the tenant's onLoginPrevented policy, its revocation event).
 */
export async function lockUser(
  data: DataContext,
  userId: string,
  actionerUserId: string,
  comment: string | undefined,
  source: EventSource,
): Promise<ControlOutcome> {
  if (userId === actionerUserId) return { kind: 'self' }
  return control(data, userId, async (user, tenant) => {
    const details = { actionerUserId, expiry: INDEFINITE_EXPIRY, ...(comment === '' ? {} : { comment }) }
    return takeAction(data, tenant, await lockDefinition(data), user, details, source)
  })
}

/** Cancels every prevent-login action in force on the user, each as DELETE /api/user/action/{id} cancels one. */
export function unlockUser(data: DataContext, userId: string, actionerUserId: string, source: EventSource): Promise<ControlOutcome> {
  return control(data, userId, async (_user, tenant) => {
    for (const { action, definition } of await actionsInForce(data, userId)) {
      if (definition?.preventLogin === true) await changeAction(data, tenant, action, 'cancel', { actionerUserId }, source)
    }
  })
}

/** Deactivates (revoking every refresh token, as DELETE /api/user does) or reactivates, with the same events. */
export async function setActive(
  data: DataContext,
  userId: string,
  active: boolean,
  actingUserId: string,
  source: EventSource,
): Promise<ControlOutcome> {
  if (!active && userId === actingUserId) return { kind: 'self' }
  return control(data, userId, (user, tenant) => setUserActive(data, tenant, user, active, source))
}

/** Revokes every refresh token of the user, with jwt.refresh-token.revoke; how many were revoked, null when there is no such user. */
export async function revokeRefreshTokens(data: DataContext, userId: string, source: EventSource): Promise<number | null> {
  const subject = await subjectOf(data, userId)
  if (subject === null) return null
  return revokeAllUserRefreshTokens(data, subject.tenant, { userId, user: subject.user }, undefined, source)
}
