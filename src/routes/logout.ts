import { Hono } from 'hono/tiny'
import type { AppEnv } from '../env'
import { readOptionalJson } from '../http/body'
import { ACCESS_TOKEN_COOKIE, REFRESH_TOKEN_COOKIE, clearCookie, readCookie } from '../http/cookies'
import { FieldReader } from '../http/fields'
import { requestLoginSource } from '../http/event-info'
import { revokeRefreshToken, revokeUserRefreshTokens } from '../domain/refresh-token-revocation'

export const logoutRoutes = new Hono<AppEnv>()

const truthy = (value: string | undefined): boolean => value?.toLowerCase() === 'true'

/**
 * POST /api/logout (no auth): clears the cookies and revokes the refresh token named by the JSON body,
 * else the query, else the refresh_token cookie; `global` revokes all of that token's owner's tokens.
 * An unknown token is ignored, and the answer is always 200 with no body, as FusionAuth's.
 */
logoutRoutes.post('/api/logout', async (c) => {
  const body = FieldReader.body(await readOptionalJson(c))
  const refreshToken = body.string('refreshToken') ?? c.req.query('refreshToken') ?? readCookie(c, REFRESH_TOKEN_COOKIE)
  const global = body.boolean('global') ?? truthy(c.req.query('global'))
  body.errors.throwIfAny()

  if (refreshToken !== undefined && refreshToken !== '') {
    const data = c.var.data
    // The token with its tenant, whose eventConfiguration decides whether jwt.refresh-token.revoke is sent.
    const found = await data.eventSubjects.tokenWithTenant({ token: refreshToken })
    const request = requestLoginSource(c)
    if (found !== null && global) await revokeUserRefreshTokens(data, found.tenant, { userId: found.token.userId }, undefined, request)
    else if (found !== null) await revokeRefreshToken(data, found, request)
  }
  clearCookie(c, ACCESS_TOKEN_COOKIE)
  clearCookie(c, REFRESH_TOKEN_COOKIE)
  return c.body(null, 200)
})
