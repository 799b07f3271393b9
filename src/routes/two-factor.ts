import { Hono } from 'hono/tiny'
import type { Context } from 'hono'
import type { Application } from '../domain/application'
import { type PendingTwoFactorLogin, findPendingLogin } from '../domain/login/two-factor-gate'
import { completeTwoFactorLogin, completionNeedsApiKey } from '../domain/two-factor-login/complete-two-factor-login'
import type { CodeAttemptLedger } from '../domain/two-factor-login/guess-cap'
import { disableTwoFactor, enableTwoFactor, regenerateRecoveryCodes } from '../domain/two-factor-login/manage-methods'
import { type SendOutcome, sendLoginCode, sendUserCode } from '../domain/two-factor-login/send-codes'
import { isMethodId } from '../domain/two-factor/methods'
import { generateTwoFactorSecret, secretFromRequest } from '../domain/two-factor/secret'
import type { User } from '../domain/user'
import type { AppEnv } from '../env'
import { authenticateApiKey, requireApiKey, tenantHeader } from '../http/auth'
import { readJson, readOptionalJson } from '../http/body'
import { clientIp } from '../http/client-ip'
import { requestEventSource, requestUserAgent } from '../http/event-info'
import { ApiError, codes, fieldError, generalError, notFound, unauthorized } from '../http/errors'
import { FieldReader, isObject, isUuid } from '../http/fields'
import { loginEnvironment, readDevice } from '../http/login-request'
import { renderLoginOutcome } from '../http/login-response'
import { pathUuid } from '../http/path'
import { queryParam } from '../http/query'
import { decideFresh, replicaReads } from '../http/read-placement'
import { emptyOk, fusionJson } from '../http/responses'
import { assertSameTenant } from '../http/tenant'

/** Two-factor login, code delivery and method management (FusionAuth's wire format). */
export const twoFactorRoutes = new Hono<AppEnv>()

/** The user a management call names, hidden (404) when unknown or in another tenant than the request's. */
async function pathUser(c: Context<AppEnv>): Promise<User> {
  const record = await c.var.data.users.get(pathUuid(c, 'userId'))
  if (record === null) throw notFound()
  assertSameTenant(c, record.user.tenantId)
  return record.user
}

twoFactorRoutes.post('/api/two-factor/login', replicaReads, async (c) => {
  const body = FieldReader.body(await readJson(c))
  const twoFactorId = body.requiredString('twoFactorId')
  const code = body.requiredString('code')
  const trustComputer = body.boolean('trustComputer') ?? false
  const noJWT = body.boolean('noJWT')
  const ipAddress = clientIp(c, body.string('ipAddress'))
  const device = readDevice(body)
  const env = loginEnvironment(c)

  // The pending login and the named application are read at once (neither needs the other).
  const requested = body.source.applicationId
  const named = requested !== undefined && requested !== null
  const [pending, found] = await Promise.all([
    twoFactorId === undefined ? null : findPendingLogin(env, twoFactorId),
    named && isUuid(requested) ? env.applications.get(requested.toLowerCase()) : null,
  ])
  // An unknown or expired twoFactorId is 404 before any validation error counts, as in FusionAuth.
  if (twoFactorId !== undefined && pending === null) throw notFound()
  const scoped = tenantHeader(c)
  if (pending !== null && scoped !== null && scoped !== pending.tenantId) throw notFound()

  let application: Application | null | undefined
  if (named) {
    if (found === null || (pending !== null && found.tenantId !== pending.tenantId)) {
      body.errors.field(
        'applicationId',
        '[invalid]applicationId',
        `The [applicationId] property is not valid. No application exists with Id [${String(requested)}].`,
      )
    }
    application = found
  }
  body.errors.throwIfAny()
  if (pending === null || twoFactorId === undefined || code === undefined) throw notFound()
  // Completing into another application than the password step's: it must have been reachable from a login,
  // so one that requires authentication needs an API key of this tenant here too (401 otherwise, as /api/login).
  if (completionNeedsApiKey(pending, application)) {
    const principal = await authenticateApiKey(c)
    if (principal === null || (principal.tenantId !== null && principal.tenantId !== pending.tenantId)) throw unauthorized()
  }

  // One ledger for both runs: a retry at the primary does not count the attempt again.
  const ledger: CodeAttemptLedger = {}
  const outcome = await decideFresh(env, (data) =>
    completeTwoFactorLogin(data, {
      twoFactorId,
      pending,
      code,
      trustComputer,
      ...(application === undefined ? {} : { application }),
      ipAddress,
      device,
      userAgent: requestUserAgent(c),
      noJWT,
      ledger,
    }),
  )
  if (outcome.kind === 'invalidCode') throw new ApiError(421)
  return renderLoginOutcome(c, outcome)
})

/** A send's answer: 200 empty; 400 [invalid]methodId; 429 empty when the tenant's sendTwoFactor limit refused it. */
function renderSendOutcome(c: Context<AppEnv>, sent: SendOutcome): Response {
  switch (sent.kind) {
    case 'sent':
      return emptyOk(c)
    case 'invalidMethod':
      throw fieldError('methodId', codes.invalid('methodId'))
    case 'rateLimited':
      throw new ApiError(429)
  }
}

twoFactorRoutes.post('/api/two-factor/send/:twoFactorId', async (c) => {
  // The deprecated client call sends an empty text/plain body; the current one sends JSON {methodId}.
  const body = FieldReader.body(await readOptionalJson(c))
  const methodId = body.string('methodId')
  body.errors.throwIfAny()
  const env = loginEnvironment(c)
  const twoFactorId = c.req.param('twoFactorId')
  const pending = await findPendingLogin(env, twoFactorId)
  if (pending === null) throw notFound()
  const tenant = await c.var.data.tenants.get(pending.tenantId)
  if (tenant === null) throw notFound()
  return renderSendOutcome(c, await sendLoginCode(env, { twoFactorId, pending, tenant, methodId: methodId ?? null }))
})

twoFactorRoutes.post('/api/two-factor/send', requireApiKey('tenant'), async (c) => {
  const body = FieldReader.body(await readJson(c))
  const userId = body.uuid('userId')
  const methodId = body.string('methodId')
  if (userId === undefined && !body.errors.has('userId'))
    body.errors.field('userId', codes.blank('userId').code, codes.blank('userId').message)
  let email: string | undefined
  if (methodId === undefined) {
    const method = body.requiredString('method')
    // SMS and voice need a provider this service does not have; only email codes can be sent.
    if (method !== undefined && method !== 'email')
      body.errors.field('method', codes.invalid('method').code, codes.invalid('method').message)
    email = body.requiredString('email')
  }
  body.errors.throwIfAny()

  const record = await c.var.data.users.get(userId ?? '')
  if (record === null) throw notFound()
  assertSameTenant(c, record.user.tenantId)
  const tenant = await c.var.data.tenants.get(record.user.tenantId)
  if (tenant === null) throw notFound()
  const request = methodId !== undefined ? { kind: 'disable' as const, methodId } : { kind: 'enable' as const, email: email ?? '' }
  return renderSendOutcome(c, await sendUserCode(loginEnvironment(c), record.user, tenant, request))
})

twoFactorRoutes.get('/api/two-factor/secret', requireApiKey('tenant'), (c) => fusionJson(c, generateTwoFactorSecret()))

twoFactorRoutes.post('/api/user/two-factor/:userId', requireApiKey('tenant'), async (c) => {
  const user = await pathUser(c)
  const body = FieldReader.body(await readJson(c))
  const method = body.requiredString('method')
  const code = body.requiredString('code')
  const name = body.string('name')
  const twoFactorIdField = body.string('twoFactorId')
  const tenant = await c.var.data.tenants.get(user.tenantId)
  if (tenant === null) throw notFound()
  const enabledOnTenant = (kind: string): boolean => {
    const entry = tenant.multiFactorConfiguration[kind]
    return isObject(entry) && entry.enabled === true
  }
  if (method !== undefined && !((method === 'authenticator' || method === 'email') && enabledOnTenant(method))) {
    body.errors.field('method', codes.invalid('method').code, codes.invalid('method').message)
  }
  let keyBytes: Uint8Array | undefined
  if (method === 'authenticator') {
    const secret = secretFromRequest({ secret: body.string('secret'), secretBase32Encoded: body.string('secretBase32Encoded') })
    if (secret.ok) keyBytes = secret.keyBytes
    else
      body.errors.field(
        secret.field,
        `[${secret.reason}]${secret.field}`,
        secret.reason === 'blank' ? codes.blank(secret.field).message : codes.invalid(secret.field).message,
      )
  }
  const email = method === 'email' ? body.requiredString('email') : undefined
  const env = loginEnvironment(c)
  let required: { twoFactorId: string; pending: PendingTwoFactorLogin } | undefined
  if (twoFactorIdField !== undefined && twoFactorIdField !== '') {
    const pending = await findPendingLogin(env, twoFactorIdField)
    if (pending === null || pending.userId !== user.id)
      body.errors.field('twoFactorId', codes.invalid('twoFactorId').code, codes.invalid('twoFactorId').message)
    else required = { twoFactorId: twoFactorIdField, pending }
  }
  body.errors.throwIfAny()

  const request =
    method === 'authenticator'
      ? { method: 'authenticator' as const, keyBytes: keyBytes ?? new Uint8Array(), code: code ?? '', name }
      : { method: 'email' as const, email: email ?? '', code: code ?? '', name }
  const outcome = await enableTwoFactor(env, user, request, { tenant, source: requestEventSource(c) }, required)
  if (outcome.kind === 'invalidCode') throw new ApiError(421)
  if (outcome.kind === 'duplicateEmail') {
    throw fieldError('email', codes.duplicate('email', `The [email] two-factor method is already enabled for [${email ?? ''}].`))
  }
  const response = {
    ...(outcome.code === undefined ? {} : { code: outcome.code }),
    ...(outcome.recoveryCodes === undefined ? {} : { recoveryCodes: outcome.recoveryCodes }),
  }
  return Object.keys(response).length > 0 ? fusionJson(c, response) : emptyOk(c)
})

twoFactorRoutes.delete('/api/user/two-factor/:userId', requireApiKey('tenant'), async (c) => {
  const user = await pathUser(c)
  // disableTwoFactor sends ?methodId=&code=; disableTwoFactorWithRequest sends them as JSON on the DELETE.
  const body = FieldReader.body(await readOptionalJson(c))
  const methodId = queryParam(c, 'methodId') ?? body.string('methodId')
  const code = queryParam(c, 'code') ?? body.string('code')
  const errors = body.errors
  if (code === undefined || code.trim() === '') errors.field('code', codes.blank('code').code, codes.blank('code').message)
  if (methodId !== undefined && !isMethodId(methodId))
    errors.field('methodId', codes.invalid('methodId').code, codes.invalid('methodId').message)
  errors.throwIfAny()

  const tenant = await c.var.data.tenants.get(user.tenantId)
  if (tenant === null) throw notFound()
  const outcome = await disableTwoFactor(loginEnvironment(c), user, methodId ?? null, code ?? '', { tenant, source: requestEventSource(c) })
  if (outcome.kind === 'unknownMethod') throw fieldError('methodId', codes.invalid('methodId'))
  if (outcome.kind === 'invalidCode') throw new ApiError(421)
  return emptyOk(c)
})

twoFactorRoutes.post('/api/user/two-factor/recovery-code/:userId', requireApiKey('tenant'), async (c) => {
  const user = await pathUser(c)
  if ((user.twoFactor?.methods ?? []).length === 0) {
    throw generalError('[TwoFactorNotEnabled]', 'Two-factor authentication is not enabled for this user.')
  }
  return fusionJson(c, { recoveryCodes: await regenerateRecoveryCodes(loginEnvironment(c), user.id) })
})
