/**
 * Small pieces every admin route family (tenants, applications, API keys, signing keys) shares:
 * server-owned fields, and the checks that need a store.
 */
import type { Context } from 'hono'
import type { KeyReference } from '../domain/tenant-validation'
import type { AppEnv } from '../env'
import type { Errors } from '../http/errors'
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

// tenants.ts imports refuseTenantScope from here; its home is http/scope.ts, with the other tenant-scope rules.
export { refuseTenantScope } from '../http/scope'

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
