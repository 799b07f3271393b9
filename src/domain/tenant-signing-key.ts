/**
 * A tenant's own access-token key. FusionAuth gives a tenant created without `jwtConfiguration.accessTokenKeyId`
 * the default tenant's key (`setDefaults`: "defaults: key value of the FusionAuth application"), so every such
 * tenant signs with one HS256 secret. Here such a tenant gets an HS256 key of its own instead: a token can then
 * only ever verify under the tenant that signed it, whoever checks it and however they check it.
 */
import type { Tenant } from './tenant'
import { type SigningKeyMaterial, generateSigningKey } from './tokens/signing-key'

const absent = (value: unknown): boolean => value === undefined || value === null

/**
 * When the new tenant names no access-token key, points it (and its id-token key, when that is not named
 * either) at a fresh key id and returns that id, for `generateTenantSigningKey` once the tenant is valid;
 * null when the tenant names its key.
 */
export function reserveTenantSigningKey(tenant: Tenant): string | null {
  const jwt = tenant.jwtConfiguration
  if (!absent(jwt.accessTokenKeyId)) return null
  const id = crypto.randomUUID()
  tenant.jwtConfiguration = { ...jwt, accessTokenKeyId: id, idTokenKeyId: absent(jwt.idTokenKeyId) ? id : jwt.idTokenKeyId }
  return id
}

/** The key a reserved id stands for: HS256, as the default tenant's "Default signing key" is. */
export function generateTenantSigningKey(tenant: Tenant, id: string): Promise<SigningKeyMaterial> {
  return generateSigningKey({ algorithm: 'HS256', id, name: `Access token signing key generated for tenant ${tenant.name}` })
}
