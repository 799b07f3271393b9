/**
 * `POST /api/user/change-password[/{changePasswordId}]` in its three forms (change-password id, no auth;
 * API key + loginId; JWT) and `POST /api/user/forgot-password`, in FusionAuth's wire format.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import {
  applyPasswordChange,
  applyPasswordChangeById,
  checkNewPassword,
  grantIsStale,
  isForgotPasswordGrant,
  issueChangePasswordId,
  readChangePasswordGrant,
} from '../domain/change-password'
import { countRequest } from '../domain/rate-limit'
import type { Tenant } from '../domain/tenant'
import { verifyTenantPassword } from '../domain/user-password'
import type { AppEnv } from '../env'
import { authenticateApiKey, requestTenantId } from '../http/auth'
import { readJson } from '../http/body'
import { REFRESH_TOKEN_COOKIE, readCookie } from '../http/cookies'
import { ApiError, codes, fieldError, notFound, unauthorized } from '../http/errors'
import { FieldReader } from '../http/fields'
import { authenticateJwt, presentedJwt } from '../http/jwt-auth'
import { loginEnvironment } from '../http/login-request'
import { userEvent } from '../domain/events/user-events'
import { requestEventSource } from '../http/event-info'
import { emptyOk } from '../http/responses'
import { resolveTenantId } from '../http/tenant'
import type { LoginIdType } from '../store/user-store'

export const changePasswordRoutes = new Hono<AppEnv>()

changePasswordRoutes.post('/api/user/change-password/:changePasswordId', (c) => changePassword(c, c.req.param('changePasswordId')))
changePasswordRoutes.post('/api/user/change-password', (c) => changePassword(c, undefined))

/** Which form a request takes: an id (body over path) needs no auth; else an API key wins over a JWT. */
async function changePassword(c: Context<AppEnv>, pathId: string | undefined): Promise<Response> {
  const body = FieldReader.body(await readJson(c))
  const bodyId = body.string('changePasswordId')
  const changePasswordId = bodyId !== undefined && bodyId !== '' ? bodyId : pathId
  if (changePasswordId !== undefined) return byChangePasswordId(c, body, changePasswordId)

  const principal = await authenticateApiKey(c)
  if (principal !== null) {
    c.set('apiKey', principal)
    return byLoginId(c, body)
  }
  if (presentedJwt(c) !== null) return byJwt(c, body)
  throw unauthorized()
}

async function loadTenant(c: Context<AppEnv>, tenantId: string): Promise<Tenant> {
  const tenant = await c.var.data.tenants.get(tenantId)
  if (tenant === null) throw notFound()
  return tenant
}

/** The tenant a loginId names a user in: the application's when one is given (400 when unknown), else the request's. */
async function tenantOf(c: Context<AppEnv>, applicationId: string | undefined): Promise<Tenant> {
  if (applicationId === undefined) return loadTenant(c, await resolveTenantId(c))
  const application = await c.var.data.applications.get(applicationId)
  const scoped = requestTenantId(c)
  if (application === null || (scoped !== null && scoped !== application.tenantId)) {
    throw fieldError(
      'applicationId',
      codes.invalid('applicationId', `The [applicationId] property is not valid. No application exists with Id [${applicationId}].`),
    )
  }
  return loadTenant(c, application.tenantId)
}

/**
 * The anonymous form: the id is redeemed (once, in D1) only after the request has validated, in the change's own
 * batch after the transactional webhooks answered, so neither a 400 nor a 504 spends it.
 */
async function byChangePasswordId(c: Context<AppEnv>, body: FieldReader, id: string): Promise<Response> {
  const env = loginEnvironment(c)
  const grant = await readChangePasswordGrant(env, id)
  const scoped = requestTenantId(c)
  if (grant === null || (scoped !== null && scoped !== grant.tenantId)) throw notFound()
  const record = await c.var.data.users.get(grant.userId)
  if (record === null || record.user.tenantId !== grant.tenantId || grantIsStale(grant, record.user)) throw notFound()
  const tenant = await loadTenant(c, grant.tenantId)

  const password = body.requiredString('password')
  const currentPassword = body.string('currentPassword')
  body.uuid('applicationId')
  checkNewPassword(tenant, record.user, password, body.errors, { nowMillis: env.nowMillis, enforceMinimumAge: false })
  body.errors.throwIfAny()
  // FusionAuth answers a wrong currentPassword without an API key with 404, so it reveals nothing.
  if (currentPassword !== undefined && !(await verifyTenantPassword(tenant, record.password, currentPassword))) throw notFound()

  const changed = await applyPasswordChangeById(env, id, {
    tenant,
    user: record.user,
    password: password ?? '',
    oneTimePassword: { issueJWT: true, issueRefreshToken: true, state: grant.state },
    source: requestEventSource(c),
    completesReset: isForgotPasswordGrant(grant),
  })
  // Another request spent the id first.
  if (changed === null) throw notFound()
  return c.json({ oneTimePassword: changed.oneTimePassword, ...(grant.state === undefined ? {} : { state: grant.state }) })
}

const LOGIN_ID_TYPES: readonly LoginIdType[] = ['email', 'username']

/** The body's loginIdTypes (unknown types dropped), defaulting to email then username as FusionAuth does. */
function readLoginIdTypes(body: FieldReader): readonly LoginIdType[] {
  const named = body.stringArray('loginIdTypes')?.filter((t): t is LoginIdType => (LOGIN_ID_TYPES as readonly string[]).includes(t))
  return named === undefined || named.length === 0 ? LOGIN_ID_TYPES : named
}

/** The API-key form: loginId + currentPassword (optional) + password; 200 with no body. */
async function byLoginId(c: Context<AppEnv>, body: FieldReader): Promise<Response> {
  if (!body.has('loginId'))
    throw new ApiError(400, body.errors.general('[invalid]', 'You must specify a changePasswordId, a loginId, or a JWT.'))
  const loginId = body.requiredString('loginId')
  const types = readLoginIdTypes(body)
  const applicationId = body.uuid('applicationId')
  const password = body.requiredString('password')
  const currentPassword = body.string('currentPassword')
  body.errors.throwIfAny()

  const tenant = await tenantOf(c, applicationId)
  const record = await c.var.data.users.findByIdentity(tenant.id, loginId ?? '', types)
  if (record === null)
    throw fieldError('loginId', codes.invalid('loginId', 'Invalid [loginId] property. No user exists with that login Id.'))

  checkNewPassword(tenant, record.user, password, body.errors, { nowMillis: c.get('nowMillis'), enforceMinimumAge: true })
  body.errors.throwIfAny()
  // With an API key FusionAuth says which part was wrong (since 1.43.0).
  if (currentPassword !== undefined && !(await verifyTenantPassword(tenant, record.password, currentPassword))) {
    throw fieldError(
      'currentPassword',
      codes.invalid('currentPassword', 'The [currentPassword] property does not match the current password.'),
    )
  }
  await applyPasswordChange(loginEnvironment(c), {
    tenant,
    user: record.user,
    password: password ?? '',
    oneTimePassword: null,
    source: requestEventSource(c),
    completesReset: false,
  })
  return emptyOk(c)
}

/**
 * The JWT form: the user changes their own password. The one-time password keeps the JWT's expiry and may
 * issue a refresh token only when the caller showed one of the user's live refresh tokens (cookie over body).
 */
async function byJwt(c: Context<AppEnv>, body: FieldReader): Promise<Response> {
  const verified = await authenticateJwt(c)
  if (verified === null) throw unauthorized()
  const { claims, tenant } = verified
  const env = loginEnvironment(c)
  // authenticateJwt bound the token to the request's tenant; its user must live in that tenant too.
  const record = await c.var.data.users.get(claims.sub)
  if (record === null || record.user.tenantId !== tenant.id) throw notFound()

  const password = body.requiredString('password')
  const currentPassword = body.requiredString('currentPassword')
  const bodyRefreshToken = body.string('refreshToken')
  checkNewPassword(tenant, record.user, password, body.errors, { nowMillis: env.nowMillis, enforceMinimumAge: true })
  body.errors.throwIfAny()
  if (!(await verifyTenantPassword(tenant, record.password, currentPassword ?? ''))) throw notFound()

  const refreshToken = readCookie(c, REFRESH_TOKEN_COOKIE) ?? bodyRefreshToken
  const presented = refreshToken === undefined ? null : await env.refreshTokens.findByToken(refreshToken)
  const issueRefreshToken = presented !== null && presented.userId === record.user.id && presented.expirationInstant > env.nowMillis

  const { oneTimePassword } = await applyPasswordChange(env, {
    tenant,
    user: record.user,
    password: password ?? '',
    oneTimePassword: { issueJWT: true, jwtExpirationInstant: claims.exp * 1000, issueRefreshToken },
    source: requestEventSource(c),
    completesReset: false,
  })
  return c.json({ oneTimePassword })
}

/**
 * `POST /api/user/forgot-password`: with an API key, issues a changePasswordId and returns it. Without one
 * FusionAuth would email the user; this service sends no forgot-password email, so the feature answers as
 * FusionAuth does when its forgot-password template is disabled: 403.
 */
changePasswordRoutes.post('/api/user/forgot-password', async (c) => {
  const principal = await authenticateApiKey(c)
  if (principal === null) throw new ApiError(403)
  c.set('apiKey', principal)
  const body = FieldReader.body(await readJson(c))
  const loginId = body.requiredString('loginId')
  const types = readLoginIdTypes(body)
  const applicationId = body.uuid('applicationId')
  const chosenId = body.string('changePasswordId')
  const state = body.rawObject('state')
  body.boolean('sendForgotPasswordEmail')
  body.boolean('sendForgotPasswordMessage')
  body.errors.throwIfAny()

  const tenant = await tenantOf(c, applicationId)
  const record = await c.var.data.users.findByIdentity(tenant.id, loginId ?? '', types)
  // The tenant's forgotPassword limit counts the user, or the login id when it names none (as FusionAuth does),
  // so a 429 does not tell a known login id from an unknown one; counted before an id is issued.
  const subject = record === null ? { loginId: loginId ?? '' } : { userId: record.user.id }
  if ((await countRequest(loginEnvironment(c), tenant, 'forgotPassword', subject)).limited) throw new ApiError(429)
  if (record === null) throw notFound()

  const data = c.var.data
  // The reset flow starts here (user.password.reset.start); no email is sent, so never user.password.reset.send.
  const started = userEvent('user.password.reset.start', record.user, requestEventSource(c))
  const changePasswordId = await data.events.around(tenant, [started], () =>
    issueChangePasswordId(
      data,
      tenant,
      {
        userId: record.user.id,
        tenantId: tenant.id,
        applicationId: applicationId ?? null,
        reason: 'Administrative',
        issuedInstant: data.nowMillis,
        ...(state === undefined ? {} : { state }),
      },
      chosenId === undefined || chosenId.trim() === '' ? undefined : chosenId,
    ),
  )
  return c.json({ changePasswordId })
})
