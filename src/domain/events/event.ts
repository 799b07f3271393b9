/**
 * The event envelope FusionAuth sends to webhooks: `{event: {type, id, createInstant, tenantId, applicationId?,
 * info?, ...type-specific fields}}` (FusionAuth's `BaseEvent`, the Webhooks/Events docs). One event is built by
 * the code that takes the action and handed to `data.events` (an `EventPublisher`), which decides from the
 * tenant's `eventConfiguration` whether, and how, it is delivered.
 */
import type { EventType } from './event-types'

/** FusionAuth's `EventInfo`: where the request that caused the event came from. */
export interface EventInfo {
  ipAddress?: string
  userAgent?: string
  deviceName?: string
  deviceType?: string
  deviceDescription?: string
  os?: string
  data?: Record<string, unknown>
  location?: Record<string, unknown>
}

export interface FusionAuthEvent {
  type: EventType
  /** Stable across every delivery attempt, so a receiver can deduplicate. */
  id: string
  createInstant: number
  tenantId: string
  applicationId?: string
  info?: EventInfo
  /** The type-specific fields (`user`, `registration`, `authenticationType`, ...), as FusionAuth names them. */
  [field: string]: unknown
}

/** A new event of `type` at `createInstant` (the request's clock), with a fresh id. */
export function newEvent(
  type: EventType,
  createInstant: number,
  tenantId: string,
  fields: Omit<FusionAuthEvent, 'type' | 'id' | 'createInstant' | 'tenantId'> = {},
): FusionAuthEvent {
  return { ...fields, type, id: crypto.randomUUID(), createInstant, tenantId }
}
