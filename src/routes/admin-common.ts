/**
 * Small pieces every admin route family (tenants, applications, API keys, signing keys) shares:
 * server-owned fields, and the checks that need a store.
 */
import type { Context } from 'hono'
import type { KeyReference } from '../domain/tenant-validation'
import type { AppEnv } from '../env'
import { requestTenantId } from '../http/auth'
import { type Errors, generalError } from '../http/errors'
import type { JsonObject } from '../http/fields'
import { SigningKeyStore } from '../store/signing-key-store'

// users.ts and user-import.ts still import emptyOk from here; its home is http/responses.ts.
export { emptyOk } from '../http/responses'

/** Fields only the server sets; a client's values for them are dropped before merging. */
const SERVER_FIELDS = ['id', 'insertInstant', 'lastUpdateInstant'] as const

export function withoutServerFields(input: JsonObject): JsonObject {
  const copy: JsonObject = { ...input }
  for (const field of SERVER_FIELDS) delete copy[field]
  return copy
}

/**
 * FusionAuth's answer to a tenant-scoped request (locked key or tenant header) that creates or lists
 * tenants: 400 `[restricted]` (fusionauth-issues #1586 shows the body).
 */
export function refuseTenantScope(c: Context<AppEnv>): void {
  if (requestTenantId(c) === null) return
  throw generalError(
    '[restricted]',
    'Your request is not allowed. You cannot create a tenant, or retrieve all tenants using a tenant restricted request. Omit the X-FusionAuth-TenantId HTTP request header if provided, or repeat the request with an API key that is not assigned to a particular tenant.',
  )
}

/** Records `[invalid]path` for every referenced signing key that does not exist. */
export async function checkKeyReferences(c: Context<AppEnv>, references: KeyReference[], errors: Errors): Promise<void> {
  if (references.length === 0) return
  const existing = await new SigningKeyStore(c.env.DB, c.env.ENCRYPTION_KEY).existingIds(references.map((ref) => ref.id))
  for (const ref of references) {
    if (!existing.has(ref.id)) {
      errors.field(ref.path, `[invalid]${ref.path}`, `The [${ref.path}] property is not valid. No Key exists with Id [${ref.id}].`)
    }
  }
}

/** True when a D1 error is a uniqueness violation (a concurrent insert won the race). */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Error && /UNIQUE constraint failed|PRIMARY KEY/i.test(error.message)
