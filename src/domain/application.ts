import type { JsonObject } from '../http/fields'
import type { OmitKnown } from './tenant'

export interface ApplicationRole extends JsonObject {
  id: string
  name: string
  description?: string
  isDefault: boolean
  isSuperRole: boolean
}

/** A FusionAuth Application; the whole object is kept as FusionAuth JSON, these fields always present. */
export interface Application extends JsonObject {
  id: string
  tenantId: string
  name: string
  active: boolean
  roles: ApplicationRole[]
  verifyRegistration: boolean
  insertInstant: number
  lastUpdateInstant: number
  loginConfiguration: {
    requireAuthentication: boolean
    generateRefreshTokens: boolean
    allowTokenRefresh: boolean
  }
  jwtConfiguration: JsonObject & {
    enabled: boolean
    accessTokenKeyId?: string
    timeToLiveInSeconds?: number
    refreshTokenTimeToLiveInMinutes?: number
  }
  multiFactorConfiguration?: JsonObject & { loginPolicy?: string; trustPolicy?: string }
  externalIdentifierConfiguration?: JsonObject & { twoFactorTrustIdTimeToLiveInSeconds?: number }
}

export function applicationDefaults(): OmitKnown<Application, 'id' | 'tenantId' | 'name' | 'insertInstant' | 'lastUpdateInstant'> {
  return {
    active: true,
    roles: [],
    verifyRegistration: false,
    loginConfiguration: { requireAuthentication: true, generateRefreshTokens: false, allowTokenRefresh: false },
    jwtConfiguration: { enabled: false, timeToLiveInSeconds: 3600, refreshTokenTimeToLiveInMinutes: 43200 },
  }
}

/** The JWT settings that apply to a login: the application's when it enables its own, else the tenant's. */
export interface EffectiveJwtConfiguration {
  accessTokenKeyId: string | undefined
  timeToLiveInSeconds: number
  refreshTokenTimeToLiveInMinutes: number
}

export function effectiveJwtConfiguration(
  tenant: { jwtConfiguration: { accessTokenKeyId?: string; timeToLiveInSeconds: number; refreshTokenTimeToLiveInMinutes: number } },
  application: Application | null,
): EffectiveJwtConfiguration {
  const own = application?.jwtConfiguration
  if (own?.enabled) {
    return {
      accessTokenKeyId: own.accessTokenKeyId ?? tenant.jwtConfiguration.accessTokenKeyId,
      timeToLiveInSeconds: own.timeToLiveInSeconds ?? tenant.jwtConfiguration.timeToLiveInSeconds,
      refreshTokenTimeToLiveInMinutes: own.refreshTokenTimeToLiveInMinutes ?? tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes,
    }
  }
  return {
    accessTokenKeyId: tenant.jwtConfiguration.accessTokenKeyId,
    timeToLiveInSeconds: tenant.jwtConfiguration.timeToLiveInSeconds,
    refreshTokenTimeToLiveInMinutes: tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes,
  }
}
