/**
 * Deactivating and reactivating a user (DELETE /api/user/{id}, PUT /api/user/{id}?reactivate=true, the console), with
 * `user.deactivate` / `user.reactivate`. A deactivated user keeps no session: its refresh tokens go in the same
 * transaction (with their `jwt.refresh-token.revoke`), so a later reactivation does not bring old sessions back; a
 * refused event stores nothing (504).
 */
import type { DataContext } from '../store/data-context'
import type { EventSource } from './events/event-source'
import { userEvent } from './events/user-events'
import { userRevocationEvents } from './refresh-token-revocation'
import type { Tenant } from './tenant'
import type { User } from './user'

/** Sets `active` on `user` (of `tenant`); the user as the User API renders it afterwards. */
export async function setUserActive(data: DataContext, tenant: Tenant, user: User, active: boolean, source: EventSource): Promise<User> {
  const { registrations, lastLoginInstant, ...rest } = user
  const updated: User = { ...rest, active, lastUpdateInstant: data.nowMillis }
  const rendered: User = { ...updated, registrations: registrations ?? [], ...(lastLoginInstant === undefined ? {} : { lastLoginInstant }) }
  const events = [userEvent(active ? 'user.reactivate' : 'user.deactivate', rendered, source)]
  const writes = [data.users.updateStatement(updated)]
  if (!active) {
    events.push(...(await userRevocationEvents(data, tenant, { userId: user.id, user: rendered }, source)))
    writes.push(data.refreshTokens.revokeAllForUserStatement(user.id))
  }
  await data.events.around(tenant, events, () => data.commit(writes))
  return rendered
}
