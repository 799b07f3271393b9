import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { oneTimePasswordLogin } from '../domain/login/one-time-password-login'
import { passwordLogin } from '../domain/login/password-login'
import type { Tenant } from '../domain/tenant'
import type { ApiKeyPrincipal, AppEnv } from '../env'
import { authenticateApiKey, requestTenantId } from '../http/auth'
import { readJson } from '../http/body'
import { clientIp } from '../http/client-ip'
import { requestUserAgent } from '../http/event-info'
import { TRUST_COOKIE, readCookie } from '../http/cookies'
import { codes, fieldError, tenantIdRequired, unauthorized } from '../http/errors'
import { FieldReader, isUuid } from '../http/fields'
import { loginEnvironment, readDevice } from '../http/login-request'
import { renderLoginOutcome } from '../http/login-response'
import type { ApplicationContext, LoginSubject } from '../store/login-store'
import { decideFresh, replicaReads } from '../http/read-placement'

export const loginRoutes = new Hono<AppEnv>()

/** What POST /api/login reads before deciding: the named application, the API key and (prefetched) the user. */
interface LoginReads {
  /** The application with its tenant, null when none is named, `invalid` for an unknown or malformed id. */
  found: ApplicationContext | null | 'invalid'
  apiKey: ApiKeyPrincipal | null
  /** The user the login id names in the application's tenant, when it could be read in the same round trip. */
  subject?: LoginSubject | null
}

/**
 * Reads the application (with its tenant and, for a password login, the user) in one D1 batch while the API key
 * is looked up beside it: the common login reads D1 once, concurrently, before its one write.
 * An unknown application needs no API key, and validation then answers [invalid]applicationId.
 */
async function readForLogin(c: Context<AppEnv>, body: FieldReader): Promise<LoginReads> {
  const applicationId = body.source.applicationId
  if (applicationId === undefined || applicationId === null) return { found: null, apiKey: await authenticateApiKey(c) }
  if (!isUuid(applicationId)) return { found: 'invalid', apiKey: await authenticateApiKey(c) }
  const loginId = body.source.loginId
  const data = c.var.data
  if (typeof loginId === 'string' && !body.has('oneTimePassword')) {
    const [read, apiKey] = await Promise.all([
      data.logins.findForApplication(applicationId.toLowerCase(), loginId, c.get('nowMillis')),
      authenticateApiKey(c),
    ])
    return { found: read.context ?? 'invalid', apiKey, subject: read.subject }
  }
  const [context, apiKey] = await Promise.all([data.applications.getWithTenant(applicationId.toLowerCase()), authenticateApiKey(c)])
  return { found: context ?? 'invalid', apiKey }
}

/** The tenant of a login without an application: named by header or key, else the only one. */
async function findTenant(c: Context<AppEnv>): Promise<Tenant | null> {
  const tenants = c.var.data.tenants
  const named = requestTenantId(c)
  if (named !== null) return tenants.get(named)
  return tenants.soleTenant()
}

loginRoutes.post('/api/login', replicaReads, async (c) => {
  const raw = await readJson(c)
  const body = FieldReader.body(raw)
  const { found, apiKey, subject } = await readForLogin(c, body)
  c.set('apiKey', apiKey)

  // Whether a key is required comes from the application, else the tenant; an unknown application needs none.
  const tenant = found === 'invalid' ? null : found === null ? await findTenant(c) : found.tenant
  const application = found === 'invalid' || found === null ? null : found.application
  const requireKey =
    application !== null ? application.loginConfiguration.requireAuthentication : (tenant?.loginConfiguration.requireAuthentication ?? true)
  if (found !== 'invalid' && requireKey && c.get('apiKey') === null) throw unauthorized()

  // A request scoped to one tenant cannot log in to another tenant's application.
  const scoped = requestTenantId(c)
  const invalidApplication = found === 'invalid' || (application !== null && scoped !== null && scoped !== application.tenantId)
  if (invalidApplication) {
    body.errors.field(
      'applicationId',
      codes.invalid('applicationId').code,
      `The [applicationId] property is not valid. No application exists with Id [${String(body.source.applicationId)}].`,
    )
  }

  const env = loginEnvironment(c)
  const ipAddress = clientIp(c, body.string('ipAddress'))
  const device = readDevice(body)
  const userAgent = requestUserAgent(c)
  const noJWT = body.boolean('noJWT') ?? false

  if (body.has('oneTimePassword')) {
    const oneTimePassword = body.requiredString('oneTimePassword')
    body.errors.throwIfAny()
    const outcome = await decideFresh(env, (data) =>
      oneTimePasswordLogin(data, {
        tenant: application !== null ? tenant : scoped !== null ? tenant : null,
        application,
        oneTimePassword: oneTimePassword ?? '',
        ipAddress,
        device,
        userAgent,
        noJWT,
      }),
    )
    if (outcome.kind === 'invalidOneTimePassword') throw fieldError('oneTimePassword', codes.invalid('oneTimePassword'))
    return renderLoginOutcome(c, outcome)
  }

  const loginId = body.requiredString('loginId')
  const password = body.requiredString('password')
  const trustFromBody = body.string('twoFactorTrustId')
  body.errors.throwIfAny()
  if (tenant === null) throw tenantIdRequired()

  const outcome = await decideFresh(env, (data) =>
    passwordLogin(data, {
      tenant,
      application,
      loginId: loginId ?? '',
      password: password ?? '',
      ipAddress,
      device,
      userAgent,
      noJWT,
      // The cookie wins over the body, as FusionAuth reads them.
      twoFactorTrustId: readCookie(c, TRUST_COOKIE) ?? trustFromBody ?? null,
      // Read with the application: valid for the application's tenant, which is the login's tenant. A retry at the
      // primary reads the user again.
      subject: data === env ? subject : undefined,
    }),
  )
  return renderLoginOutcome(c, outcome)
})
