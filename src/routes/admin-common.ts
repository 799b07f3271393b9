/**
 * Small pieces every admin route family (tenants, applications, API keys, signing keys, users, groups) shares:
 * server-owned fields, the checks that need a store, and the commit that answers a lost uniqueness race.
 */
import type { KeyReference } from '../domain/tenant-validation'
import { ApiError, type Errors } from '../http/errors'
import type { JsonObject } from '../http/fields'
import type { DataContext, PendingWrite } from '../store/data-context'

/** Fields only the server sets; a client's values for them are dropped before merging. */
const SERVER_FIELDS = ['id', 'insertInstant', 'lastUpdateInstant'] as const

export function withoutServerFields(input: JsonObject): JsonObject {
  const copy: JsonObject = { ...input }
  for (const field of SERVER_FIELDS) delete copy[field]
  return copy
}

/** Records `[invalid]path` for every referenced signing key that does not exist. */
export async function checkKeyReferences(data: DataContext, references: KeyReference[], errors: Errors): Promise<void> {
  if (references.length === 0) return
  const existing = await data.signingKeys.existingIds(references.map((ref) => ref.id))
  for (const ref of references) {
    if (!existing.has(ref.id)) {
      errors.field(ref.path, `[invalid]${ref.path}`, `The [${ref.path}] property is not valid. No Key exists with Id [${ref.id}].`)
    }
  }
}

/** True when a D1 error is a uniqueness violation (a concurrent insert won the race). */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Error && /UNIQUE constraint failed|PRIMARY KEY/i.test(error.message)

/**
 * Runs the writes in one batch (one transaction). A uniqueness violation means a concurrent request won the
 * race after our checks: answer 400 with what the re-check finds, never 500.
 */
export async function commitUnique(data: DataContext, statements: PendingWrite[], recheck: () => Promise<Errors>): Promise<void> {
  try {
    await data.commit(statements)
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    const errors = await recheck()
    if (errors.empty) errors.general('[duplicate]', 'The request conflicts with an object that already exists.')
    throw new ApiError(400, errors)
  }
}
