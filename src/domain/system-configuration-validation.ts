/**
 * Validation of the system configuration fields this server uses: the report time zone (a real IANA
 * zone, as the export formats times in it) and login-record retention (the purge job deletes by it).
 */
import type { Errors } from '../http/errors'
import { FieldReader, type JsonObject } from '../http/fields'
import { isValidZoneId } from './export/zone-clock'
import { systemConfigurationDefaults } from './system-configuration'
import { requireShapeOf } from './tenant-validation'

/** Records `systemConfiguration.*` errors in `errors`. */
export function validateSystemConfiguration(configuration: JsonObject, errors: Errors): void {
  const reader = new FieldReader(configuration, errors, 'systemConfiguration')
  const zone = reader.requiredString('reportTimezone')
  if (zone !== undefined && !isValidZoneId(zone)) {
    errors.field('systemConfiguration.reportTimezone', '[invalid]systemConfiguration.reportTimezone', `The [systemConfiguration.reportTimezone] property [${zone}] is not a valid time zone.`)
  }
  const retention = reader.object('loginRecordConfiguration').object('delete')
  const enabled = retention.boolean('enabled')
  const path = retention.path('numberOfDaysToRetain')
  const days = retention.source.numberOfDaysToRetain
  const valid = typeof days === 'number' && Number.isSafeInteger(days) && days > 0
  // FusionAuth checks the retention only when deletion is on; a wrong type is refused either way.
  if ((enabled === true && !valid) || (days !== undefined && days !== null && typeof days !== 'number')) {
    if (!errors.has(path)) errors.field(path, `[invalid]${path}`, `The [${path}] property must be a whole number greater than 0.`)
  }
  requireShapeOf(systemConfigurationDefaults(), configuration, 'systemConfiguration', errors)
}
