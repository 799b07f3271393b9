/** Seeding and reading helpers shared by the login-record route and purge tests. */
import { env } from 'cloudflare:test'
import { ApiKeyStore } from '../../src/store/api-key-store'
import { sha256Base64Url } from '../../src/domain/crypto/secrets'
import type { NewLoginRecord } from '../../src/domain/login-record'
import { LoginRecordStore } from '../../src/store/login-record-store'

/** Statements per D1 batch when seeding (each statement holds up to 12 rows, 96 bound values). */
const STATEMENTS_PER_BATCH = 50

/** Writes records through the store's multi-row INSERTs, in batches. */
export async function seedLoginRecords(records: readonly NewLoginRecord[]): Promise<void> {
  const statements = new LoginRecordStore(env.DB).insertManyStatements(records)
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    await env.DB.batch(statements.slice(i, i + STATEMENTS_PER_BATCH))
  }
}

/** A record with the given instant and fields; ids are fresh unless given. */
export function loginRecord(instant: number, fields: Partial<NewLoginRecord> = {}): NewLoginRecord {
  return {
    tenantId: crypto.randomUUID(),
    userId: crypto.randomUUID(),
    applicationId: null,
    loginId: 'someone@example.com',
    ipAddress: '192.0.2.1',
    authenticationType: 'PASSWORD',
    instant,
    ...fields,
  }
}

/**
 * A random instant in 2096-2127, a window no other test writes to: searches without a user or application filter
 * stay confined to their own records by bounding start and end around it.
 */
export const privateWindowStart = (): number => 4_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000_000)

/** Creates an API key locked to `tenantId` (an existing tenant), returning the key text. */
export async function tenantLockedKey(tenantId: string): Promise<string> {
  const key = `tenant-locked-${crypto.randomUUID()}`
  const now = Date.now()
  await new ApiKeyStore(env.DB).create(
    { id: crypto.randomUUID(), tenantId, keyManager: false, permissions: { endpoints: {} }, insertInstant: now, lastUpdateInstant: now },
    await sha256Base64Url(key),
  )
  return key
}

/** Instants of the records stored for one user, newest first (reads the table directly). */
export async function storedInstants(userId: string): Promise<number[]> {
  const { results } = await env.DB.prepare('SELECT instant FROM login_records WHERE user_id = ? ORDER BY instant DESC')
    .bind(userId)
    .all<{ instant: number }>()
  return results.map((row) => row.instant)
}
