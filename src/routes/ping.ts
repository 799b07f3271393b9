import { type Context, Hono } from 'hono'
import type { Application } from '../domain/application'
import { pingLogin } from '../domain/login/ping'
import type { AppEnv } from '../env'
import { authenticateApiKey, requestTenantId } from '../http/auth'
import { clientIp } from '../http/client-ip'
import { codes, fieldError, notFound, unauthorized } from '../http/errors'
import { isUuid } from '../http/fields'
import { authenticateJwt } from '../http/jwt-auth'
import { loginEnvironment } from '../http/login-request'
import { ApplicationStore } from '../store/application-store'
import { TenantStore } from '../store/tenant-store'

export const pingRoutes = new Hono<AppEnv>()

/** The application a ping names: unknown, malformed or another tenant's is [invalid]applicationId. */
async function pingApplication(c: Context<AppEnv>, applicationId: string | undefined, scopedTenantId: string | null): Promise<Application | null> {
  if (applicationId === undefined || applicationId === '') return null
  const application = isUuid(applicationId) ? await new ApplicationStore(c.env.DB).get(applicationId.toLowerCase()) : null
  if (application === null || (scopedTenantId !== null && scopedTenantId !== application.tenantId)) {
    throw fieldError('applicationId', codes.invalid('applicationId', `The [applicationId] property is not valid. No application exists with Id [${applicationId}].`))
  }
  return application
}

async function ping(c: Context<AppEnv>, userId: string, applicationId: string | undefined, scopedTenantId: string | null): Promise<Response> {
  const application = await pingApplication(c, applicationId, scopedTenantId)
  // A malformed user id cannot name a user.
  if (!isUuid(userId)) throw notFound()
  const outcome = await pingLogin(loginEnvironment(c), {
    userId: userId.toLowerCase(),
    scopedTenantId,
    application,
    tenantOf: (id) => new TenantStore(c.env.DB).get(id),
    ipAddress: clientIp(c, c.req.query('ipAddress')),
  })
  if (outcome.kind === 'notFound') throw notFound()
  // FusionAuth's ping has no response body for any status.
  return new Response(null, { status: outcome.status })
}

/** API-key ping. The official client sends `?ipAddress=undefined` without an address: clientIp ignores it. */
pingRoutes.put('/api/login/:userId/:applicationId', async (c) => {
  const principal = await authenticateApiKey(c)
  if (principal === null) throw unauthorized()
  c.set('apiKey', principal)
  return ping(c, c.req.param('userId'), c.req.param('applicationId'), requestTenantId(c))
})

pingRoutes.put('/api/login/:userId', async (c) => {
  const principal = await authenticateApiKey(c)
  if (principal === null) throw unauthorized()
  c.set('apiKey', principal)
  return ping(c, c.req.param('userId'), undefined, requestTenantId(c))
})

/** JWT ping: the user and application come from the token's `sub` and `applicationId` claims. */
pingRoutes.put('/api/login', async (c) => {
  const claims = await authenticateJwt(c)
  if (claims === null || typeof claims.sub !== 'string') throw unauthorized()
  const applicationId = typeof claims.applicationId === 'string' ? claims.applicationId : undefined
  const tenantId = typeof claims.tid === 'string' ? claims.tid : null
  return ping(c, claims.sub, applicationId, tenantId)
})
