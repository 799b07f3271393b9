/**
 * `tenant.eventConfiguration`: per event type, whether the tenant sends it to its webhooks and the transaction
 * type its request waits for. FusionAuth's shape (`EventConfiguration`, `EventConfigurationData`): a map of event
 * type to `{enabled, transactionType}`, each defaulting to `false` and `None` (Tenant API docs,
 * `_tenant-request-body.mdx`).
 */
import { type FieldReader, type JsonObject, isObject } from '../../http/fields'
import { type EventType, eventTypeInfo, isEventType, TENANT_EVENT_TYPES } from './event-types'
import { isTransactionType, TRANSACTION_TYPES, type TransactionType } from './transaction-types'

export interface EventConfigurationData {
  enabled: boolean
  transactionType: TransactionType
}

export interface EventConfiguration {
  events: Partial<Record<EventType, EventConfigurationData>>
}

const DISABLED: EventConfigurationData = { enabled: false, transactionType: 'None' }

/**
 * A new tenant's configuration: every tenant event type listed, disabled, `None`. FusionAuth keeps an empty map
 * until the admin UI saves the tenant (which writes every type); listing them all says the same and shows a
 * client every type it may configure.
 */
export function eventConfigurationDefaults(): EventConfiguration {
  return { events: Object.fromEntries(TENANT_EVENT_TYPES.map((type) => [type, { ...DISABLED }])) }
}

/**
 * Validates `eventConfiguration` under the tenant reader: an object with an `events` object whose keys are event
 * types and whose values are `{enabled?: boolean, transactionType?: one of TRANSACTION_TYPES}`. Unknown event
 * types are `[invalid]tenant.eventConfiguration.events`; a `null` entry is `[blank]` (it must not quietly switch
 * an event off). A type left out keeps its default, as in FusionAuth's map.
 */
export function validateEventConfiguration(tenant: FieldReader): void {
  const errors = tenant.errors
  const configuration = requiredObject(tenant, 'eventConfiguration')
  if (configuration === undefined) return
  const events = requiredObject(configuration, 'events')
  if (events === undefined) return
  const eventsPath = events.prefix
  for (const [type, entry] of Object.entries(events.source)) {
    if (!isEventType(type)) {
      errors.field(eventsPath, `[invalid]${eventsPath}`, `The [${eventsPath}] property names an unknown event type [${type}].`)
      continue
    }
    if (entry === null) {
      const path = events.path(type)
      errors.field(path, `[blank]${path}`, `You must specify the [${path}] property.`)
      continue
    }
    const data = events.object(type)
    data.boolean('enabled')
    data.oneOf('transactionType', TRANSACTION_TYPES)
  }
}

/** The nested object `name` as a reader, `[blank]` when missing or null; undefined when it cannot be read. */
function requiredObject(reader: FieldReader, name: string): FieldReader | undefined {
  if (!reader.has(name)) {
    const path = reader.path(name)
    reader.errors.field(path, `[blank]${path}`, `You must specify the [${path}] property.`)
    return undefined
  }
  const child = reader.object(name)
  return reader.errors.has(child.prefix) ? undefined : child
}

/**
 * A validated configuration in its stored form, as FusionAuth's `EventConfiguration.normalize` leaves it: every
 * tenant event type present (missing ones at their default), instance events dropped (they are configured for
 * the instance, not a tenant), and the transaction type of a non-transactional event forced to `None`.
 */
export function normalizeEventConfiguration(configuration: unknown): EventConfiguration {
  const given = isObject(configuration) && isObject(configuration.events) ? configuration.events : {}
  const events: Partial<Record<EventType, EventConfigurationData>> = {}
  for (const type of TENANT_EVENT_TYPES) {
    const raw = given[type]
    const entry: JsonObject = isObject(raw) ? raw : {}
    const transactionType = eventTypeInfo(type).transactional && isTransactionType(entry.transactionType) ? entry.transactionType : 'None'
    events[type] = { enabled: entry.enabled === true, transactionType }
  }
  return { events }
}

/** The tenant's setting for one event type; a type its stored configuration lacks is disabled. */
export function eventSetting(configuration: EventConfiguration | undefined, type: EventType): EventConfigurationData {
  return configuration?.events[type] ?? DISABLED
}
