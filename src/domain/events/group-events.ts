/**
 * The group events (FusionAuth's BaseGroupEvent family, since 1.38): `{group}` for `group.create` / `.delete`,
 * `{group, original}` for `group.update`, `{group, members}` for the membership events, each with its
 * non-transactional `.complete` twin. `group` is the Group API's rendering (with `roles`).
 *
 * Which membership event a change sends follows FusionAuth's docs: POST /api/group/member is `group.member.add`
 * (the members added), PUT is `group.member.update` (the group's members after it), a DELETE of some members is
 * `group.member.remove` (the members removed), and a DELETE of all of a group's members is `group.member.update`
 * with no members ("not generated when all users are removed", says the remove event's page).
 */
import type { Group, GroupMember } from '../group'
import type { FusionAuthEvent } from './event'
import { type EventSource, sourcedEvent } from './event-source'

export type GroupChange = 'create' | 'update' | 'delete'
export type MembershipChange = 'add' | 'remove' | 'update'

/** `group.<change>` and its `.complete`; `original` (the group before) only on update. */
export const groupEvents = (change: GroupChange, group: Group, source: EventSource, original?: Group): FusionAuthEvent[] =>
  ([`group.${change}`, `group.${change}.complete`] as const).map((type) =>
    sourcedEvent(type, source, group.tenantId, { group, ...(original === undefined ? {} : { original }) }),
  )

/** `group.member.<change>` and its `.complete` for one group. */
export const groupMemberEvents = (
  change: MembershipChange,
  group: Group,
  members: readonly GroupMember[],
  source: EventSource,
): FusionAuthEvent[] =>
  ([`group.member.${change}`, `group.member.${change}.complete`] as const).map((type) =>
    sourcedEvent(type, source, group.tenantId, { group, members: [...members] }),
  )
