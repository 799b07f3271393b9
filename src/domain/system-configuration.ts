/**
 * FusionAuth's system configuration (io.fusionauth.domain.SystemConfiguration) with FusionAuth's defaults: the
 * field defaults of its Java domain classes, the CORS values its docs list as shipped ("CORS Reference", Default
 * Configuration) and the API docs' defaults. The Worker honours reportTimezone, loginRecordConfiguration and
 * corsConfiguration; the other parts are kept and returned as FusionAuth returns them.
 */
import { deepMerge } from './json-merge'
import type { JsonObject } from '../http/fields'

/** FusionAuth's HTTPMethod enumeration, the values corsConfiguration.allowedMethods may hold. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'] as const
export type HttpMethod = (typeof HTTP_METHODS)[number]

export interface DeleteConfiguration extends JsonObject {
  enabled: boolean
  numberOfDaysToRetain: number
}

export interface CorsConfiguration extends JsonObject {
  enabled: boolean
  allowCredentials: boolean
  allowedHeaders: string[]
  allowedMethods: HttpMethod[]
  /** Origins compared exactly with the Origin header; `*` (alone) allows any. */
  allowedOrigins: string[]
  debug: boolean
  exposedHeaders: string[]
  preflightMaxAgeInSeconds: number
}

export interface SystemConfiguration extends JsonObject {
  auditLogConfiguration: { delete: DeleteConfiguration }
  corsConfiguration: CorsConfiguration
  data: JsonObject
  eventLogConfiguration: { numberToRetain: number }
  loginRecordConfiguration: { delete: DeleteConfiguration }
  reportTimezone: string
  uiConfiguration: { headerColor?: string; logoURL?: string; menuFontColor?: string }
  usageDataConfiguration: { enabled: boolean; numberOfDaysToRetain: number }
  webhookEventLogConfiguration: { enabled: boolean; delete: DeleteConfiguration }
  insertInstant?: number
  lastUpdateInstant?: number
}

/** The wildcard of allowedOrigins. */
export const ANY_ORIGIN = '*'

export function corsConfigurationDefaults(): CorsConfiguration {
  return {
    enabled: false,
    allowCredentials: false,
    allowedHeaders: [
      'Accept',
      'Access-Control-Request-Headers',
      'Access-Control-Request-Method',
      'Authorization',
      'Content-Type',
      'Last-Modified',
      'Origin',
      'X-FusionAuth-TenantId',
      'X-Requested-With',
    ],
    allowedMethods: ['GET', 'OPTIONS'],
    allowedOrigins: [],
    debug: false,
    exposedHeaders: ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials'],
    preflightMaxAgeInSeconds: 1800,
  }
}

export function systemConfigurationDefaults(): SystemConfiguration {
  return {
    auditLogConfiguration: { delete: { enabled: false, numberOfDaysToRetain: 365 } },
    corsConfiguration: corsConfigurationDefaults(),
    data: {},
    eventLogConfiguration: { numberToRetain: 10_000 },
    loginRecordConfiguration: { delete: { enabled: false, numberOfDaysToRetain: 365 } },
    reportTimezone: 'America/Denver',
    uiConfiguration: {},
    usageDataConfiguration: { enabled: false, numberOfDaysToRetain: 366 },
    webhookEventLogConfiguration: { enabled: true, delete: { enabled: true, numberOfDaysToRetain: 30 } },
  }
}

/**
 * A stored configuration with the defaults under it: rows written before a part existed (corsConfiguration, say)
 * read as FusionAuth would answer for them, and keep every value they hold.
 */
export function completeSystemConfiguration(stored: JsonObject): SystemConfiguration {
  return deepMerge(systemConfigurationDefaults(), stored)
}

/** As FusionAuth's SystemConfiguration.normalize: each allowed method once. Call after validation. */
export function normalizeSystemConfiguration(configuration: SystemConfiguration): SystemConfiguration {
  const cors = configuration.corsConfiguration
  return { ...configuration, corsConfiguration: { ...cors, allowedMethods: [...new Set(cors.allowedMethods)] } }
}
