/**
 * `/api/jwt/refresh` (exchange, retrieve, revoke) and `/api/jwt/validate`, in FusionAuth's wire format.
 * The public-key and JWKS endpoints live in keys.ts.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { exchangeRefreshToken } from '../domain/refresh-token-exchange'
import { revokeApplicationRefreshTokens, revokeRefreshToken, revokeUserRefreshTokens } from '../domain/refresh-token-revocation'
import type { AppEnv } from '../env'
import { authenticateApiKey, requestTenantId, requireApiKey } from '../http/auth'
import { readOptionalJson } from '../http/body'
import { clientIp } from '../http/client-ip'
import { requestLoginSource, requestUserAgent } from '../http/event-info'
import { REFRESH_TOKEN_COOKIE, readCookie, setAccessTokenCookie, setRefreshTokenCookie } from '../http/cookies'
import { codes, fieldError, generalError, notFound, unauthorized } from '../http/errors'
import { FieldReader, isUuid } from '../http/fields'
import { authenticateJwt } from '../http/jwt-auth'
import { loginEnvironment } from '../http/login-request'
import { pathUuid } from '../http/path'
import { queryParam, uuidParam } from '../http/query'
import { emptyOk } from '../http/responses'
import type { RefreshTokenRecord } from '../store/refresh-token-store'
import { replicaReads } from '../http/read-placement'

export const jwtRoutes = new Hono<AppEnv>()

const visibleTo = (c: Context<AppEnv>, record: RefreshTokenRecord): boolean => {
  const scoped = requestTenantId(c)
  return scoped === null || scoped === record.tenantId
}

jwtRoutes.post('/api/jwt/refresh', replicaReads, async (c) => {
  const body = FieldReader.body(await readOptionalJson(c))
  const fromBody = body.string('refreshToken')
  const original = body.string('token')
  const ttl = body.integer('timeToLiveInSeconds')
  if (ttl !== undefined && ttl <= 0)
    body.errors.field('timeToLiveInSeconds', '[invalid]timeToLiveInSeconds', 'The [timeToLiveInSeconds] property must be greater than 0.')
  // The cookie wins over the body, as FusionAuth reads them.
  const refreshToken = readCookie(c, REFRESH_TOKEN_COOKIE) ?? fromBody
  if (refreshToken === undefined || refreshToken.trim() === '')
    body.errors.field('refreshToken', codes.blank('refreshToken').code, codes.blank('refreshToken').message)
  body.errors.throwIfAny()

  const env = loginEnvironment(c)
  const outcome = await exchangeRefreshToken(env, {
    refreshToken: refreshToken ?? '',
    scopedTenantId: requestTenantId(c),
    timeToLiveInSeconds: ttl,
    ipAddress: clientIp(c, null),
    userAgent: requestUserAgent(c),
    original,
  })
  switch (outcome.kind) {
    case 'invalid':
      throw fieldError('refreshToken', codes.invalid('refreshToken', 'The [refreshToken] is expired, was not found, or has been revoked.'))
    case 'ttlTooLong':
      throw fieldError(
        'timeToLiveInSeconds',
        codes.invalid('timeToLiveInSeconds', 'The [timeToLiveInSeconds] property is greater than the allowed time to live.'),
      )
    case 'userMissing':
      throw notFound()
    case 'exchanged':
      setAccessTokenCookie(c, outcome.token)
      setRefreshTokenCookie(c, outcome.refreshToken, outcome.refreshTokenTtlSeconds)
      return c.json({ refreshToken: outcome.refreshToken, refreshTokenId: outcome.refreshTokenId, token: outcome.token })
  }
})

jwtRoutes.get('/api/jwt/refresh', requireApiKey(), async (c) => {
  const userId = uuidParam('userId', queryParam(c, 'userId'))
  if (userId === undefined) throw fieldError('userId', codes.missing('userId'))
  const now = c.get('nowMillis')
  const records = await c.var.data.refreshTokens.listForUser(userId)
  return c.json({ refreshTokens: records.filter((r) => r.expirationInstant > now && visibleTo(c, r)) })
})

jwtRoutes.get('/api/jwt/refresh/:tokenId', requireApiKey(), async (c) => {
  const record = await c.var.data.refreshTokens.get(pathUuid(c, 'tokenId'))
  if (record === null || record.expirationInstant <= c.get('nowMillis') || !visibleTo(c, record)) throw notFound()
  return c.json({ refreshToken: record })
})

jwtRoutes.delete('/api/jwt/refresh', (c) => revoke(c, undefined))
jwtRoutes.delete('/api/jwt/refresh/:tokenId', (c) => revoke(c, c.req.param('tokenId')))

/**
 * Revocation by token id, token value, user, application, or user and application. An API key may do all;
 * a JWT may revoke only one of its owner's own tokens (by id or value), as FusionAuth allows.
 */
async function revoke(c: Context<AppEnv>, tokenId: string | undefined): Promise<Response> {
  const principal = await authenticateApiKey(c)
  const claims = principal === null ? ((await authenticateJwt(c))?.claims ?? null) : null
  if (principal === null && claims === null) throw unauthorized()
  c.set('apiKey', principal)

  const body = FieldReader.body(await readOptionalJson(c))
  const token = queryParam(c, 'token') ?? body.string('token')
  const userId = uuidParam('userId', queryParam(c, 'userId') ?? body.source.userId)
  const applicationId = uuidParam('applicationId', queryParam(c, 'applicationId') ?? body.source.applicationId)
  body.errors.throwIfAny()
  const data = c.var.data
  const request = requestLoginSource(c)

  if (tokenId !== undefined || token !== undefined) {
    // With its tenant, in the same query: whether the revocation's event is sent.
    const found =
      tokenId !== undefined
        ? isUuid(tokenId)
          ? await data.eventSubjects.tokenWithTenant({ id: tokenId.toLowerCase() })
          : null
        : await data.eventSubjects.tokenWithTenant({ token: token ?? '' })
    if (found === null || !visibleTo(c, found.token)) throw notFound()
    if (claims !== null && claims.sub !== found.token.userId) throw notFound()
    await revokeRefreshToken(data, found, request)
    return emptyOk(c)
  }
  if (claims !== null) throw unauthorized()
  if (userId === undefined && applicationId === undefined)
    throw generalError('[invalid]', 'You must specify a token, tokenId, userId or applicationId.')

  const scoped = requestTenantId(c)
  const [owner, application] = await Promise.all([
    userId === undefined ? null : data.users.get(userId),
    applicationId === undefined ? null : data.applications.get(applicationId),
  ])
  if (userId !== undefined && (owner === null || (scoped !== null && owner.user.tenantId !== scoped))) throw notFound()
  if (applicationId !== undefined && (application === null || (scoped !== null && application.tenantId !== scoped))) throw notFound()
  const tenantId = owner?.user.tenantId ?? application?.tenantId
  const tenant = tenantId === undefined ? null : await data.tenants.get(tenantId)
  if (tenant === null) throw notFound()
  if (owner !== null) await revokeUserRefreshTokens(data, tenant, { userId: owner.user.id, user: owner.user }, applicationId, request)
  else if (application !== null) await revokeApplicationRefreshTokens(data, tenant, application, request)
  return emptyOk(c)
}

jwtRoutes.get('/api/jwt/validate', replicaReads, async (c) => {
  const verified = await authenticateJwt(c)
  if (verified === null) throw unauthorized()
  return c.json({ jwt: verified.claims })
})
