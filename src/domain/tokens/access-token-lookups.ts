import type { DataContext } from '../../store/data-context'
import type { AccessTokenLookups } from './access-token-verification'

/** What verifyAccessToken reads, from the request's stores (http/jwt-auth.ts and the console's session exchange). */
export function accessTokenLookups(data: DataContext): AccessTokenLookups {
  return {
    // Read from D1 on every request, not from an isolate cache: an issuer or key change must bind at once.
    async issuer(tenantId, applicationId) {
      if (applicationId === null) {
        const tenant = await data.tenants.get(tenantId)
        return tenant === null ? null : { tenant, application: null }
      }
      const found = await data.applications.getWithTenant(applicationId)
      return found === null || found.tenant.id !== tenantId ? null : found
    },
    signingKey: (id) => data.signingKey(id),
  }
}
