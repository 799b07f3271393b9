import { type EventInfo, type FusionAuthEvent, newEvent } from './event'
import type { EventType } from './event-types'

/** What every event an action causes shares: the request's clock and where the request came from. */
export interface EventSource {
  createInstant: number
  info: EventInfo
}

/** An event of `type` in `tenantId`, stamped with the source's instant and, when it has any, its info. */
export function sourcedEvent(
  type: EventType,
  source: EventSource,
  tenantId: string,
  fields: Omit<FusionAuthEvent, 'type' | 'id' | 'createInstant' | 'tenantId' | 'info'> = {},
): FusionAuthEvent {
  const info = Object.keys(source.info).length > 0 ? { info: source.info } : {}
  return newEvent(type, source.createInstant, tenantId, { ...fields, ...info })
}
