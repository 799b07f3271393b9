/**
 * `/api/api-key`: create, retrieve, list, update (PUT replaces, PATCH merges) and delete API keys.
 * Only the superuser key or a key manager may call it, and only for keys of no greater authority
 * (see domain/api-key-rules.ts). As in FusionAuth this is not a global endpoint: a tenant-scoped request (locked
 * key or tenant header) manages the keys of its tenant, creates only keys locked to it, and sees every other
 * key, global ones included, as absent (404); see http/scope.ts.
 *
 * Deliberate departure from FusionAuth: only a SHA-256 of each key is stored, so the key value is
 * returned once, in the create response, and never by retrieve or list (FusionAuth can show it again).
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { type KeyAuthority, mayManage, readMetaData, readPermissions } from '../domain/api-key-rules'
import { randomToken, sha256Base64Url, timingSafeEqualStrings } from '../domain/crypto/secrets'
import { deepMerge } from '../domain/json-merge'
import type { AppEnv } from '../env'
import { requestTenantId, requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { codes, type Errors, fieldError, notFound, unauthorized } from '../http/errors'
import { FieldReader, type JsonObject } from '../http/fields'
import { pathUuid } from '../http/path'
import { emptyOk } from '../http/responses'
import { inRequestScope } from '../http/scope'
import type { StoredApiKey } from '../store/api-key-store'
import { isUniqueViolation, withoutServerFields } from './admin-common'

/** Generated keys: 32 random bytes, 43 Base64url characters. */
const GENERATED_KEY_BYTES = 32
const MAX_KEY_LENGTH = 1024

export const apiKeyRoutes = new Hono<AppEnv>()

apiKeyRoutes.use('/api/api-key/*', requireApiKey())

apiKeyRoutes.get('/api/api-key', async (c) => {
  const caller = await callerAuthority(c)
  const keys = await c.var.data.apiKeys.list(requestTenantId(c))
  return c.json({ apiKeys: keys.filter((key) => mayManage(caller, target(key))) })
})

apiKeyRoutes.get('/api/api-key/:id', async (c) => c.json({ apiKey: await findKey(c, await callerAuthority(c), pathUuid(c)) }))

apiKeyRoutes.post('/api/api-key', (c) => createKey(c, crypto.randomUUID()))
apiKeyRoutes.post('/api/api-key/:id', (c) => createKey(c, pathUuid(c)))
apiKeyRoutes.put('/api/api-key/:id', (c) => updateKey(c, 'replace'))
apiKeyRoutes.patch('/api/api-key/:id', (c) => updateKey(c, 'merge'))

apiKeyRoutes.delete('/api/api-key/:id', async (c) => {
  const key = await findKey(c, await callerAuthority(c), pathUuid(c))
  if (!(await c.var.data.apiKeys.delete(key.id))) throw notFound()
  return emptyOk(c)
})

async function createKey(c: Context<AppEnv>, id: string): Promise<Response> {
  const caller = await callerAuthority(c)
  const store = c.var.data.apiKeys
  const body = FieldReader.body(await readJson(c))
  const reader = body.object('apiKey')
  const given = reader.string('key')
  if (given !== undefined && (given.trim() === '' || given.length > MAX_KEY_LENGTH)) {
    reader.errors.field(
      'apiKey.key',
      '[invalid]apiKey.key',
      `The [apiKey.key] property must be 1 to ${MAX_KEY_LENGTH} characters, not only white space.`,
    )
  }
  const key = given ?? randomToken(GENERATED_KEY_BYTES)
  const keyHash = await sha256Base64Url(key)
  const bootstrap = c.env.BOOTSTRAP_API_KEY
  if ((bootstrap !== undefined && bootstrap !== '' && timingSafeEqualStrings(key, bootstrap)) || (await store.keyHashTaken(keyHash))) {
    reader.errors.field('apiKey.key', '[duplicate]apiKey.key', 'An API key with this value already exists.')
  }
  if ((await store.get(id)) !== null) reader.errors.field('apiKey.id', '[duplicate]apiKey.id', `An API key with Id [${id}] already exists.`)
  const now = c.get('nowMillis')
  const apiKey = await readKey(c, caller, reader, { id, insertInstant: now, lastUpdateInstant: now })
  try {
    await store.create(apiKey, keyHash)
  } catch (error) {
    if (isUniqueViolation(error))
      throw fieldError('apiKey.key', codes.duplicate('apiKey.key', 'An API key with this value already exists.'))
    throw error
  }
  return c.json({ apiKey: { ...apiKey, key } })
}

async function updateKey(c: Context<AppEnv>, mode: 'replace' | 'merge'): Promise<Response> {
  const caller = await callerAuthority(c)
  const existing = await findKey(c, caller, pathUuid(c))
  const body = FieldReader.body(await readJson(c))
  // The key value itself cannot change: only its hash is kept, and a new value means a new key.
  const { key: _ignored, ...input } = withoutServerFields(body.rawObject('apiKey') ?? {})
  const source: JsonObject = mode === 'merge' ? deepMerge<JsonObject>({ ...existing }, input) : input
  const reader = new FieldReader(source, body.errors, 'apiKey')
  const apiKey = await readKey(c, caller, reader, {
    id: existing.id,
    insertInstant: existing.insertInstant,
    lastUpdateInstant: c.get('nowMillis'),
  })
  await c.var.data.apiKeys.update(apiKey)
  return c.json({ apiKey })
}

/** Validates the writable fields of a key and the caller's authority to grant them; throws 400 on errors. */
async function readKey(
  c: Context<AppEnv>,
  caller: KeyAuthority,
  reader: FieldReader,
  identity: Pick<StoredApiKey, 'id' | 'insertInstant' | 'lastUpdateInstant'>,
): Promise<StoredApiKey> {
  const errors: Errors = reader.errors
  const endpoints = readPermissions(reader)
  const keyManager = reader.boolean('keyManager') ?? false
  // A scoped request's key is locked to its tenant even when the body asks for none: it may not mint global keys.
  const tenantId = reader.uuid('tenantId') ?? requestTenantId(c) ?? undefined
  if (tenantId !== undefined) {
    if (!inRequestScope(c, tenantId) || (await c.var.data.tenants.get(tenantId)) === null) {
      errors.field(
        'apiKey.tenantId',
        '[invalid]apiKey.tenantId',
        `The [apiKey.tenantId] property is not valid. No Tenant exists with Id [${tenantId}] for this request.`,
      )
    }
  }
  for (const unsupported of ['ipAccessControlListId', 'expirationInstant']) {
    // Stored but not enforced would be a false promise, so these are refused.
    if (reader.has(unsupported))
      errors.field(
        `apiKey.${unsupported}`,
        `[invalid]apiKey.${unsupported}`,
        `The [apiKey.${unsupported}] property is not supported by this server.`,
      )
  }
  if (!errors.has('apiKey.permissions.endpoints') && !mayManage(caller, { tenantId, endpoints, keyManager })) {
    errors.field('apiKey.permissions', '[invalid]apiKey.permissions', 'An API key may not grant more than the API key used to create it.')
  }
  const apiKey: StoredApiKey = { ...identity, keyManager, permissions: { endpoints } }
  if (tenantId !== undefined) apiKey.tenantId = tenantId
  const description = reader.string('description')
  if (description !== undefined) apiKey.description = description
  const name = reader.string('name')
  if (name !== undefined) apiKey.name = name
  const metaData = readMetaData(reader)
  if (metaData !== undefined) apiKey.metaData = metaData
  errors.throwIfAny()
  return apiKey
}

/** The calling key's authority: only the superuser or a key manager may use this API at all (else 401). */
async function callerAuthority(c: Context<AppEnv>): Promise<KeyAuthority> {
  const principal = c.get('apiKey')
  if (principal === null) throw unauthorized()
  if (principal.superuser) return { superuser: true, keyManager: true, tenantId: null, endpoints: {} }
  const stored = await c.var.data.apiKeys.get(principal.id)
  if (stored === null || stored.keyManager !== true) throw unauthorized()
  return { superuser: false, keyManager: true, tenantId: principal.tenantId, endpoints: stored.permissions.endpoints }
}

/** A key the caller may manage: another tenant's key is 404, a key of greater authority 401. */
async function findKey(c: Context<AppEnv>, caller: KeyAuthority, id: string): Promise<StoredApiKey> {
  const key = await c.var.data.apiKeys.get(id)
  if (key === null || !inRequestScope(c, key.tenantId ?? null)) throw notFound()
  if (!mayManage(caller, target(key))) throw unauthorized()
  return key
}

const target = (key: StoredApiKey) => ({ tenantId: key.tenantId ?? null, endpoints: key.permissions.endpoints, keyManager: key.keyManager })
