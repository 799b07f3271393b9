import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import type { Application } from '../domain/application'
import type { Tenant } from '../domain/tenant'
import { pingLogin } from '../domain/login/ping'
import type { AppEnv } from '../env'
import { authenticateApiKey, requestTenantId } from '../http/auth'
import { clientIp } from '../http/client-ip'
import { requestUserAgent } from '../http/event-info'
import { codes, fieldError, notFound, unauthorized } from '../http/errors'
import { FieldReader, isUuid } from '../http/fields'
import { readOptionalJson } from '../http/body'
import { authenticateJwt } from '../http/jwt-auth'
import { loginEnvironment } from '../http/login-request'
import { replicaReads } from '../http/read-placement'

export const pingRoutes = new Hono<AppEnv>()

/** The application a ping names: unknown, malformed or another tenant's is [invalid]applicationId. */
async function pingApplication(
  c: Context<AppEnv>,
  applicationId: string | undefined,
  scopedTenantId: string | null,
): Promise<Application | null> {
  if (applicationId === undefined || applicationId === '') return null
  const application = isUuid(applicationId) ? await c.var.data.applications.get(applicationId.toLowerCase()) : null
  if (application === null || (scopedTenantId !== null && scopedTenantId !== application.tenantId)) {
    throw fieldError(
      'applicationId',
      codes.invalid('applicationId', `The [applicationId] property is not valid. No application exists with Id [${applicationId}].`),
    )
  }
  return application
}

interface PingTarget {
  application: Application | null
  scopedTenantId: string | null
  tenant?: Tenant
  /** The request body's ipAddress (the JSON form); else the query's. */
  ipAddress?: string
}

async function ping(c: Context<AppEnv>, userId: string, target: PingTarget): Promise<Response> {
  // A malformed user id cannot name a user.
  if (!isUuid(userId)) throw notFound()
  const outcome = await pingLogin(loginEnvironment(c), {
    userId: userId.toLowerCase(),
    ...target,
    ipAddress: clientIp(c, target.ipAddress ?? c.req.query('ipAddress')),
    userAgent: requestUserAgent(c),
  })
  if (outcome.kind === 'notFound') throw notFound()
  // FusionAuth's ping has no response body for any status.
  return new Response(null, { status: outcome.status })
}

/** The API-key forms: the application comes from the path, the scope from the header or the key's lock. */
async function keyPing(c: Context<AppEnv>, userId: string, applicationId: string | undefined, ipAddress?: string): Promise<Response> {
  const scopedTenantId = requestTenantId(c)
  const application = await pingApplication(c, applicationId, scopedTenantId)
  return ping(c, userId, { application, scopedTenantId, ipAddress })
}

/** API-key ping. The official client sends `?ipAddress=undefined` without an address: clientIp ignores it. */
pingRoutes.put('/api/login/:userId/:applicationId', replicaReads, async (c) => {
  const principal = await authenticateApiKey(c)
  if (principal === null) throw unauthorized()
  c.set('apiKey', principal)
  return keyPing(c, c.req.param('userId'), c.req.param('applicationId'))
})

pingRoutes.put('/api/login/:userId', replicaReads, async (c) => {
  const principal = await authenticateApiKey(c)
  if (principal === null) throw unauthorized()
  c.set('apiKey', principal)
  return keyPing(c, c.req.param('userId'), undefined)
})

/**
 * PUT /api/login has two forms. With an API key and a body, the official client's loginPingWithRequest: the user,
 * application and IP in a JSON LoginPingRequest body. Without one, the JWT ping: the user and application come from the token's
 * `sub` and `applicationId` claims, checked (with the token's tenant) by authenticateJwt, so neither is read again.
 */
pingRoutes.put('/api/login', replicaReads, async (c) => {
  const principal = await authenticateApiKey(c)
  // The body decides the form: a key beside an access_token cookie and no body is the JWT form, the key only scoping it.
  const json = principal === null ? undefined : await readOptionalJson(c)
  if (principal !== null && json !== undefined) {
    c.set('apiKey', principal)
    const body = FieldReader.body(json)
    const userId = body.requiredString('userId')
    const applicationId = body.string('applicationId')
    const ipAddress = body.string('ipAddress')
    body.errors.throwIfAny()
    return keyPing(c, userId ?? '', applicationId, ipAddress)
  }
  const verified = await authenticateJwt(c)
  if (verified === null) throw unauthorized()
  const { claims, tenant } = verified
  // `applicationId` is written only for a registered user; `aud` alone names no application to ping.
  const application = typeof claims.applicationId === 'string' ? verified.application : null
  return ping(c, claims.sub, {
    application,
    scopedTenantId: tenant.id,
    tenant,
  })
})
