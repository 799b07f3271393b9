/**
 * The registration events (FusionAuth's UserRegistrationCreateEvent, ...UpdateEvent, ...DeleteEvent and their
 * `.complete` twins): `{applicationId, registration, user}`, and `original` (the registration before) on update.
 */
import type { Registration, User } from '../user'
import type { FusionAuthEvent } from './event'
import { type EventSource, sourcedEvent } from './event-source'

type Kind = 'create' | 'update' | 'delete'

const pair = (kind: Kind, user: User, registration: Registration, source: EventSource, extra: { original?: Registration } = {}) =>
  ([`user.registration.${kind}`, `user.registration.${kind}.complete`] as const).map((type) =>
    sourcedEvent(type, source, user.tenantId, { applicationId: registration.applicationId, ...extra, registration, user }),
  )

/** A new registration; `user` carries it among its registrations. */
export const registrationCreateEvents = (user: User, registration: Registration, source: EventSource): FusionAuthEvent[] =>
  pair('create', user, registration, source)

export const registrationUpdateEvents = (
  user: User,
  original: Registration,
  registration: Registration,
  source: EventSource,
): FusionAuthEvent[] => pair('update', user, registration, source, { original })

/** A removed registration; `user` is the user as it was, the registration still listed. */
export const registrationDeleteEvents = (user: User, registration: Registration, source: EventSource): FusionAuthEvent[] =>
  pair('delete', user, registration, source)
