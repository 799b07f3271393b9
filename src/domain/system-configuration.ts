import type { JsonObject } from '../http/fields'

export interface SystemConfiguration extends JsonObject {
  reportTimezone: string
  loginRecordConfiguration: { delete: { enabled: boolean; numberOfDaysToRetain: number } }
  insertInstant?: number
  lastUpdateInstant?: number
}

export function systemConfigurationDefaults(): SystemConfiguration {
  return {
    reportTimezone: 'America/Denver',
    loginRecordConfiguration: { delete: { enabled: false, numberOfDaysToRetain: 365 } },
  }
}
