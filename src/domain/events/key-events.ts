/**
 * `jwt.public-key.update` (FusionAuth's JWTPublicKeyUpdateEvent): `applicationIds`, the applications whose JWT
 * signing key may have changed "because of a configuration change" (FusionAuth's docs). Here the key API cannot
 * change a key's material (PUT renames; DELETE refuses a key in use), so the change that matters is a tenant's or
 * an application's jwtConfiguration naming another access-token or id-token key.
 */
import { type Application, effectiveJwtConfiguration } from '../application'
import type { Tenant } from '../tenant'
import type { FusionAuthEvent } from './event'
import { type EventSource, sourcedEvent } from './event-source'

export const publicKeyUpdateEvent = (tenantId: string, applicationIds: readonly string[], source: EventSource): FusionAuthEvent =>
  sourcedEvent('jwt.public-key.update', source, tenantId, { applicationIds: [...applicationIds] })

/** The keys an application's tokens are signed with: its own when its jwtConfiguration is enabled, else its tenant's. */
function signingKeysOf(tenant: Pick<Tenant, 'jwtConfiguration'>, application: Application): [string, string] {
  const own = application.jwtConfiguration
  const idTokenKeyId = own.enabled && typeof own.idTokenKeyId === 'string' ? own.idTokenKeyId : tenant.jwtConfiguration.idTokenKeyId
  return [effectiveJwtConfiguration(tenant, application).accessTokenKeyId ?? '', idTokenKeyId ?? '']
}

const sameKeys = (a: [string, string], b: [string, string]): boolean => a[0] === b[0] && a[1] === b[1]

/** The applications of a tenant whose signing keys differ after a tenant change (those with keys of their own do not). */
export function applicationsWithNewKeys(before: Tenant, after: Tenant, applications: readonly Application[]): string[] {
  return applications.filter((app) => !sameKeys(signingKeysOf(before, app), signingKeysOf(after, app))).map((app) => app.id)
}

/** Whether an application update changed the keys its tokens are signed with. */
export const applicationKeysChanged = (tenant: Tenant, before: Application, after: Application): boolean =>
  !sameKeys(signingKeysOf(tenant, before), signingKeysOf(tenant, after))

/** Whether a tenant update may have changed any application's keys: only when the tenant's own key ids changed. */
export const tenantKeysChanged = (before: Tenant, after: Tenant): boolean =>
  before.jwtConfiguration.accessTokenKeyId !== after.jwtConfiguration.accessTokenKeyId ||
  before.jwtConfiguration.idTokenKeyId !== after.jwtConfiguration.idTokenKeyId
