import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { readOptionalJson } from '../http/body'
import { ACCESS_TOKEN_COOKIE, REFRESH_TOKEN_COOKIE, clearCookie, readCookie } from '../http/cookies'
import { FieldReader } from '../http/fields'

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
    const tokens = c.var.data.refreshTokens
    const revoked = await tokens.revokeByToken(refreshToken)
    if (revoked !== null && global) await tokens.revokeAllForUser(revoked.userId)
  }
  clearCookie(c, ACCESS_TOKEN_COOKIE)
  clearCookie(c, REFRESH_TOKEN_COOKIE)
  return c.body(null, 200)
})
