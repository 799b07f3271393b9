/**
 * FusionAuth's event types (the `EventType` enum of the official clients, @fusionauth/typescript-client 1.69),
 * each with what FusionAuth says of it and whether this product emits it.
 *
 * - `scope`: `tenant` events belong to a tenant and are configured in `tenant.eventConfiguration`; `instance`
 *   events (audit log, event log, kickstart) belong to the whole instance, and FusionAuth drops them from a
 *   tenant's configuration (`EventConfiguration.normalize`, fusionauth-issues #1593); `test` is the sample event
 *   FusionAuth sends to try a webhook, never configured on a tenant.
 * - `transactional`: whether a tenant's `transactionType` applies. FusionAuth marks the others
 *   `NonTransactionalEvent` (fusionauth-java-client domain/event/*Event.java; the docs' `transactional="false"`
 *   for the 1.68 two-factor events and the 1.69 entity `.complete` events) and forces their transaction type to
 *   `None`.
 * - `emitted`: whether this product sends the event. The delivery step sets these; a type that is not emitted
 *   may still be enabled on a webhook or a tenant, as FusionAuth accepts every type whatever its licence.
 */

export interface EventTypeInfo {
  scope: 'tenant' | 'instance' | 'test'
  transactional: boolean
  emitted: boolean
}

/** What the delivery step passes for a type it sends: `tx({ emitted: true })`. */
interface Emission {
  emitted: boolean
}
const NOT_EMITTED: Emission = { emitted: false }

/** A tenant event whose request may wait for its webhooks (FusionAuth's transactional events). */
const tx = ({ emitted }: Emission = NOT_EMITTED): EventTypeInfo => ({ scope: 'tenant', transactional: true, emitted })
/** A tenant event sent after the fact: its webhooks can never fail the request. */
const nonTx = ({ emitted }: Emission = NOT_EMITTED): EventTypeInfo => ({ scope: 'tenant', transactional: false, emitted })
const instance = ({ emitted }: Emission = NOT_EMITTED): EventTypeInfo => ({ scope: 'instance', transactional: false, emitted })

/** Every event type, in the order of FusionAuth's `EventType.allTypes()` (then the ones newer than the Java list). */
export const EVENT_TYPES = {
  'audit-log.create': instance(),
  'event-log.create': instance(),
  'jwt.public-key.update': tx({ emitted: true }),
  'jwt.refresh-token.revoke': tx({ emitted: true }),
  'jwt.refresh': tx({ emitted: true }),
  'kickstart.success': instance(),
  'group.create': tx({ emitted: true }),
  'group.create.complete': nonTx({ emitted: true }),
  'group.delete': tx({ emitted: true }),
  'group.delete.complete': nonTx({ emitted: true }),
  'group.member.add': tx({ emitted: true }),
  'group.member.add.complete': nonTx({ emitted: true }),
  'group.member.remove': tx({ emitted: true }),
  'group.member.remove.complete': nonTx({ emitted: true }),
  'group.member.update': tx({ emitted: true }),
  'group.member.update.complete': nonTx({ emitted: true }),
  'group.update': tx({ emitted: true }),
  'group.update.complete': nonTx({ emitted: true }),
  'user.action': tx({ emitted: true }),
  'user.bulk.create': tx({ emitted: true }),
  'user.create': tx({ emitted: true }),
  'user.create.complete': nonTx({ emitted: true }),
  'user.deactivate': tx({ emitted: true }),
  'user.delete': tx({ emitted: true }),
  'user.delete.complete': nonTx({ emitted: true }),
  'user.email.update': nonTx({ emitted: true }),
  'user.email.verified': tx(),
  'user.identity-provider.link': nonTx(),
  'user.identity-provider.unlink': nonTx(),
  'user.identity.update': tx(),
  'user.identity.verified': tx(),
  'user.loginId.duplicate.create': nonTx(),
  'user.loginId.duplicate.update': nonTx(),
  'user.login.failed': tx({ emitted: true }),
  'user.login.new-device': tx(),
  'user.login.success': tx({ emitted: true }),
  'user.login.suspicious': tx(),
  'user.password.breach': tx(),
  'user.password.reset.send': nonTx(),
  'user.password.reset.start': nonTx({ emitted: true }),
  'user.password.reset.success': nonTx({ emitted: true }),
  'user.password.update': nonTx({ emitted: true }),
  'user.reactivate': tx({ emitted: true }),
  'user.registration.create': tx({ emitted: true }),
  'user.registration.create.complete': nonTx({ emitted: true }),
  'user.registration.delete': tx({ emitted: true }),
  'user.registration.delete.complete': nonTx({ emitted: true }),
  'user.registration.update': tx({ emitted: true }),
  'user.registration.update.complete': nonTx({ emitted: true }),
  'user.registration.verified': tx(),
  'user.two-factor.method.add': nonTx({ emitted: true }),
  'user.two-factor.method.remove': nonTx({ emitted: true }),
  'user.update': tx({ emitted: true }),
  'user.update.complete': nonTx({ emitted: true }),
  // Newer than the Java client's list: the two-factor events of 1.68 and the entity events of 1.69.
  'user.two-factor.challenge': nonTx(),
  'user.two-factor.failed-attempt': nonTx(),
  'user.two-factor.success': nonTx(),
  'entity.create': tx(),
  'entity.create.complete': nonTx(),
  'entity.delete': tx(),
  'entity.delete.complete': nonTx(),
  'entity.update': tx(),
  'entity.update.complete': nonTx(),
  test: { scope: 'test', transactional: true, emitted: false },
} satisfies Record<string, EventTypeInfo>

export type EventType = keyof typeof EVENT_TYPES

const ALL = Object.keys(EVENT_TYPES) as EventType[] // the keys of the constant above, by construction

export const isEventType = (value: unknown): value is EventType => typeof value === 'string' && Object.hasOwn(EVENT_TYPES, value)

export const eventTypeInfo = (type: EventType): EventTypeInfo => EVENT_TYPES[type]

/** The types a tenant configures (`tenant.eventConfiguration.events`): every tenant-scoped one. */
export const TENANT_EVENT_TYPES: readonly EventType[] = ALL.filter((type) => EVENT_TYPES[type].scope === 'tenant')
