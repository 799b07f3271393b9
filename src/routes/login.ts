import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Application } from '../domain/application'
import type { LoginEnvironment } from '../domain/login/complete-login'
import { oneTimePasswordLogin } from '../domain/login/one-time-password-login'
import { passwordLogin } from '../domain/login/password-login'
import type { Tenant } from '../domain/tenant'
import type { AppEnv } from '../env'
import { authenticateApiKey, requestTenantId } from '../http/auth'
import { readJson } from '../http/body'
import { clientIp } from '../http/client-ip'
import { TRUST_COOKIE, readCookie } from '../http/cookies'
import { ApiError, codes, fieldError, tenantIdRequired } from '../http/errors'
import { FieldReader, isUuid } from '../http/fields'
import { renderLoginOutcome } from '../http/login-response'
import { ApplicationStore } from '../store/application-store'
import { TenantStore } from '../store/tenant-store'

export const loginRoutes = new Hono<AppEnv>()

/** Device metadata FusionAuth stores on the refresh token: string values only. */
function readDevice(body: FieldReader): Record<string, string> | undefined {
  const device = body.object('metaData').object('device')
  const fields: Record<string, string> = {}
  for (const name of ['description', 'lastAccessedAddress', 'name', 'type']) {
    const value = device.string(name)
    if (value !== undefined) fields[name] = value
  }
  return Object.keys(fields).length > 0 ? fields : undefined
}

/**
 * The application (with its tenant) a login names, or null when none is named. An unknown or
 * malformed id is `invalid`: no API key is then required, and validation answers [invalid]applicationId.
 */
async function findApplication(c: Context<AppEnv>, applicationId: unknown): Promise<{ application: Application; tenant: Tenant } | null | 'invalid'> {
  if (applicationId === undefined || applicationId === null) return null
  if (!isUuid(applicationId)) return 'invalid'
  return (await new ApplicationStore(c.env.DB).getWithTenant(applicationId.toLowerCase())) ?? 'invalid'
}

/** The tenant of a login without an application: named by header or key, else the only one. */
async function findTenant(c: Context<AppEnv>): Promise<Tenant | null> {
  const tenants = new TenantStore(c.env.DB)
  const named = requestTenantId(c)
  if (named !== null) return tenants.get(named)
  const sole = await tenants.soleTenantId()
  return sole === null ? null : tenants.get(sole)
}

loginRoutes.post('/api/login', async (c) => {
  const raw = await readJson(c)
  const body = FieldReader.body(raw)
  const found = await findApplication(c, body.source.applicationId)
  c.set('apiKey', await authenticateApiKey(c))

  // Whether a key is required comes from the application, else the tenant; an unknown application needs none.
  const tenant = found === 'invalid' ? null : found === null ? await findTenant(c) : found.tenant
  const application = found === 'invalid' || found === null ? null : found.application
  const requireKey = application !== null ? application.loginConfiguration.requireAuthentication : (tenant?.loginConfiguration.requireAuthentication ?? true)
  if (found !== 'invalid' && requireKey && c.get('apiKey') === null) throw new ApiError(401)

  // A request scoped to one tenant cannot log in to another tenant's application.
  const scoped = requestTenantId(c)
  const invalidApplication = found === 'invalid' || (application !== null && scoped !== null && scoped !== application.tenantId)
  if (invalidApplication) {
    body.errors.field('applicationId', codes.invalid('applicationId').code, `The [applicationId] property is not valid. No application exists with Id [${String(body.source.applicationId)}].`)
  }

  const env: LoginEnvironment = { db: c.env.DB, kv: c.env.KV, encryptionKey: c.env.ENCRYPTION_KEY, nowMillis: c.get('nowMillis') }
  const ipAddress = clientIp(c, body.string('ipAddress'))
  const device = readDevice(body)
  const noJWT = body.boolean('noJWT') ?? false

  if (body.has('oneTimePassword')) {
    const oneTimePassword = body.requiredString('oneTimePassword')
    body.errors.throwIfAny()
    const outcome = await oneTimePasswordLogin(env, {
      tenant: application !== null ? tenant : scoped !== null ? tenant : null,
      application,
      oneTimePassword: oneTimePassword ?? '',
      ipAddress,
      device,
      noJWT,
      loadTenant: (id) => new TenantStore(c.env.DB).get(id),
    })
    if (outcome.kind === 'invalidOneTimePassword') throw fieldError('oneTimePassword', codes.invalid('oneTimePassword'))
    return renderLoginOutcome(c, outcome)
  }

  const loginId = body.requiredString('loginId')
  const password = body.requiredString('password')
  const trustFromBody = body.string('twoFactorTrustId')
  body.errors.throwIfAny()
  if (tenant === null) throw tenantIdRequired()

  const outcome = await passwordLogin(env, {
    tenant,
    application,
    loginId: loginId ?? '',
    password: password ?? '',
    ipAddress,
    device,
    noJWT,
    // The cookie wins over the body, as FusionAuth reads them.
    twoFactorTrustId: readCookie(c, TRUST_COOKIE) ?? trustFromBody ?? null,
  })
  return renderLoginOutcome(c, outcome)
})
