/**
 * Signing keys: `/api/key` (list, retrieve, generate, rename, delete; API key) and the public, anonymous
 * `/api/jwt/public-key` and `/.well-known/jwks.json`. Responses carry public halves only: an HMAC secret
 * or a private key never leaves the store. Keys serve every tenant, so `/api/key` is a global endpoint, as in
 * FusionAuth (fusionauth-issues #3452): a tenant-locked key, or any key with X-FusionAuth-TenantId, gets 401
 * for every method, reads included. The public endpoints need no key and no tenant.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { effectiveJwtConfiguration } from '../domain/application'
import {
  generateSigningKey,
  isSigningAlgorithm,
  jsonWebKeySet,
  type KeyView,
  keyTypeOf,
  publicKeysByKid,
  SIGNING_ALGORITHMS,
  toKeyResponse,
} from '../domain/tokens'
import type { AppEnv } from '../env'
import { readJson } from '../http/body'
import { fieldError, codes, generalError, notFound } from '../http/errors'
import { FieldReader, isUuid } from '../http/fields'
import { pathUuid } from '../http/path'
import { emptyOk } from '../http/responses'
import { requireGlobalScope } from '../http/scope'
import { forgetSigningKey } from '../store/signing-key-cache'
import { isUniqueViolation } from './admin-common'

const RSA_LENGTHS = [2048, 3072, 4096]

export const keyRoutes = new Hono<AppEnv>()

keyRoutes.use('/api/key/*', requireGlobalScope)

keyRoutes.get('/api/key', async (c) => c.json({ keys: await Promise.all((await c.var.data.signingKeys.listPublic()).map(toKeyResponse)) }))

keyRoutes.get('/api/key/:id', async (c) => {
  const key = await c.var.data.signingKeys.getPublic(pathUuid(c))
  if (key === null) throw notFound()
  return c.json({ key: await toKeyResponse(key) })
})

keyRoutes.post('/api/key/generate', (c) => generate(c, crypto.randomUUID()))
keyRoutes.post('/api/key/generate/:id', (c) => generate(c, pathUuid(c)))

keyRoutes.put('/api/key/:id', async (c) => {
  const id = pathUuid(c)
  const store = c.var.data.signingKeys
  if ((await store.getPublic(id)) === null) throw notFound()
  const reader = FieldReader.body(await readJson(c)).object('key')
  const name = reader.requiredString('name')
  reader.errors.throwIfAny()
  if (name === undefined || !(await store.rename(id, name.trim()))) throw notFound()
  const key = await store.getPublic(id)
  if (key === null) throw notFound()
  return c.json({ key: await toKeyResponse(key) })
})

keyRoutes.delete('/api/key/:id', async (c) => {
  const id = pathUuid(c)
  if ((await c.var.data.signingKeys.getPublic(id)) === null) throw notFound()
  // A key still named by a tenant or application would leave it unable to sign.
  if ((await c.var.data.tenants.usesSigningKey(id)) || (await c.var.data.applications.usesSigningKey(id))) {
    throw generalError('[KeyInUse]', 'The key is used by a tenant or an application. Point their jwtConfiguration at another key first.')
  }
  if (await c.var.data.webhooks.usesKey(id)) {
    throw generalError(
      '[KeyInUse]',
      'The key is used by a webhook. Point its signatureConfiguration or sslCertificateKeyId at another key first.',
    )
  }
  if (!(await c.var.data.signingKeys.delete(id))) throw notFound()
  forgetSigningKey(id)
  return emptyOk(c)
})

async function generate(c: Context<AppEnv>, id: string): Promise<Response> {
  const reader = FieldReader.body(await readJson(c)).object('key')
  const errors = reader.errors
  const algorithm = reader.requiredString('algorithm')
  if (algorithm !== undefined && !isSigningAlgorithm(algorithm)) {
    errors.field('key.algorithm', '[invalid]key.algorithm', `The [key.algorithm] property must be one of ${SIGNING_ALGORITHMS.join(', ')}.`)
  }
  const name = reader.requiredString('name')?.trim()
  const length = reader.integer('length')
  const isRsa = isSigningAlgorithm(algorithm) && keyTypeOf(algorithm) === 'RSA'
  // Only RSA sizes are a choice; HMAC and EC sizes follow the algorithm, so a length there is ignored.
  if (isRsa && length !== undefined && !RSA_LENGTHS.includes(length)) {
    errors.field('key.length', '[invalid]key.length', `The [key.length] property must be one of ${RSA_LENGTHS.join(', ')} for RSA keys.`)
  }
  const store = c.var.data.signingKeys
  const existing = await store.listPublic()
  if (existing.some((key) => key.id === id)) errors.field('key.id', '[duplicate]key.id', `A Key with Id [${id}] already exists.`)
  if (name !== undefined && existing.some((key) => key.name.toLowerCase() === name.toLowerCase())) {
    errors.field('key.name', '[duplicate]key.name', `A Key with name [${name}] already exists.`)
  }
  errors.throwIfAny()
  if (!isSigningAlgorithm(algorithm) || name === undefined) throw new Error('unreachable: algorithm and name were validated')
  const material = await generateSigningKey({ algorithm, name, id, length: isRsa ? length : undefined })
  try {
    await store.create(material, c.get('nowMillis'))
  } catch (error) {
    if (isUniqueViolation(error)) throw fieldError('key.id', codes.duplicate('key.id', `A Key with Id [${id}] already exists.`))
    throw error
  }
  // Built field by field so the secret and private halves cannot slip into the response.
  const view: KeyView = { id: material.id, kid: material.kid, algorithm, name, insertInstant: c.get('nowMillis') }
  if (material.publicKeyPem !== undefined) view.publicKeyPem = material.publicKeyPem
  return c.json({ key: await toKeyResponse(view) })
}

// Public endpoints: no API key (the official client calls them anonymously).

keyRoutes.get('/api/jwt/public-key', async (c) => {
  const kid = c.req.query('kid')
  const applicationId = c.req.query('applicationId')
  const all = (await c.var.data.signingKeys.listPublic()).filter((key) => key.publicKeyPem !== undefined)
  if (kid !== undefined) {
    const key = all.find((k) => k.kid === kid)
    if (key?.publicKeyPem === undefined) throw notFound()
    return c.json({ publicKey: key.publicKeyPem })
  }
  if (applicationId !== undefined) {
    if (!isUuid(applicationId)) throw notFound()
    const found = await c.var.data.applications.getWithTenant(applicationId.toLowerCase())
    if (found === null) throw notFound()
    const keyId = effectiveJwtConfiguration(found.tenant, found.application).accessTokenKeyId
    // An HMAC-signed application has no public key to give out.
    const key = all.find((k) => k.id === keyId)
    if (key?.publicKeyPem === undefined) throw notFound()
    return c.json({ publicKey: key.publicKeyPem })
  }
  return c.json(publicKeysByKid(all))
})

keyRoutes.get('/.well-known/jwks.json', async (c) => {
  return c.json(await jsonWebKeySet(await c.var.data.signingKeys.listPublic()))
})
