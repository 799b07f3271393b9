/**
 * Validation of a whole system configuration (the client's JSON merged over the defaults or the stored one), with
 * `[rule]systemConfiguration.path` codes: the report time zone (the export formats times in it), the retention
 * settings (the purge job deletes by them), and the CORS configuration (every request with an Origin header is
 * answered by it, so each value must be one the filter can send in a header). Wrong JSON types are `[invalid]path`,
 * as everywhere in this API.
 */
import type { Errors } from '../http/errors'
import { FieldReader, type JsonObject } from '../http/fields'
import { isValidZoneId } from './export/zone-clock'
import { ANY_ORIGIN, HTTP_METHODS, systemConfigurationDefaults } from './system-configuration'
import { optionalIntegerInRange, requireShapeOf } from './tenant-validation'

/** FusionAuth's integers are Java ints: it cannot read a value outside them. */
const MIN_INT = -2_147_483_648
const MAX_INT = 2_147_483_647

/** An HTTP field name (RFC 9110 token): what Allow-Headers and Expose-Headers may carry. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Records `systemConfiguration.*` errors in `errors`. */
export function validateSystemConfiguration(configuration: JsonObject, errors: Errors): void {
  const reader = new FieldReader(configuration, errors, 'systemConfiguration')
  const zone = reader.requiredString('reportTimezone')
  if (zone !== undefined && !isValidZoneId(zone)) {
    errors.field(
      'systemConfiguration.reportTimezone',
      '[invalid]systemConfiguration.reportTimezone',
      `The [systemConfiguration.reportTimezone] property [${zone}] is not a valid time zone.`,
    )
  }
  validateRetention(reader.object('loginRecordConfiguration').object('delete'))
  validateRetention(reader.object('auditLogConfiguration').object('delete'))
  const webhookEventLog = reader.object('webhookEventLogConfiguration')
  webhookEventLog.boolean('enabled')
  validateRetention(webhookEventLog.object('delete'))
  optionalIntegerInRange(reader.object('eventLogConfiguration'), 'numberToRetain', 0, MAX_INT)
  const usageData = reader.object('usageDataConfiguration')
  usageData.boolean('enabled')
  optionalIntegerInRange(usageData, 'numberOfDaysToRetain', MIN_INT, MAX_INT)
  const ui = reader.object('uiConfiguration')
  for (const name of ['headerColor', 'logoURL', 'menuFontColor']) ui.string(name)
  reader.rawObject('data')
  validateCors(reader.object('corsConfiguration'))
  requireShapeOf(systemConfigurationDefaults(), configuration, 'systemConfiguration', errors)
}

/** FusionAuth checks the number of days only when deletion is on; a wrong type is refused either way. */
function validateRetention(retention: FieldReader): void {
  const enabled = retention.boolean('enabled')
  const path = retention.path('numberOfDaysToRetain')
  const days = retention.source.numberOfDaysToRetain
  const valid = typeof days === 'number' && Number.isSafeInteger(days) && days > 0 && days <= MAX_INT
  if ((enabled === true && !valid) || (days !== undefined && days !== null && typeof days !== 'number')) {
    if (!retention.errors.has(path))
      retention.errors.field(path, `[invalid]${path}`, `The [${path}] property must be a whole number greater than 0.`)
  }
}

function validateCors(cors: FieldReader): void {
  for (const name of ['enabled', 'allowCredentials', 'debug']) cors.boolean(name)
  optionalIntegerInRange(cors, 'preflightMaxAgeInSeconds', MIN_INT, MAX_INT)
  for (const name of ['allowedHeaders', 'exposedHeaders']) {
    eachEntry(cors, name, (entry) => HEADER_NAME.test(entry), 'must hold HTTP header names')
  }
  eachEntry(
    cors,
    'allowedMethods',
    (entry) => (HTTP_METHODS as readonly string[]).includes(entry),
    `may hold only ${HTTP_METHODS.join(', ')}`,
  )
  const origins = eachEntry(
    cors,
    'allowedOrigins',
    isOriginEntry,
    'must hold origins such as [https://app.example.com], or the wildcard [*]',
  )
  if (origins?.includes(ANY_ORIGIN) && origins.length > 1) {
    const path = cors.path('allowedOrigins')
    cors.errors.field(path, `[invalid]${path}`, `The [${path}] property may not name other origins beside the wildcard [*].`)
  }
}

/** A string array whose every entry passes `valid`; `[invalid]path` naming the first that does not. */
function eachEntry(reader: FieldReader, name: string, valid: (entry: string) => boolean, rule: string): string[] | undefined {
  const entries = reader.stringArray(name)
  const bad = entries?.find((entry) => !valid(entry))
  if (bad === undefined) return entries
  const path = reader.path(name)
  reader.errors.field(path, `[invalid]${path}`, `The [${path}] property ${rule}; [${bad}] is not valid.`)
  return undefined
}

/** `*`, `null`, or an absolute URI with nothing a header cannot carry; compared exactly with the Origin header. */
function isOriginEntry(entry: string): boolean {
  if (entry === ANY_ORIGIN || entry === 'null') return true
  if (!/^[\x21-\x7e]+$/.test(entry)) return false
  try {
    new URL(entry)
    return true
  } catch {
    return false
  }
}
