import type { Context } from 'hono'
import type { LoginOutcome } from '../domain/login/outcome'
import type { JsonObject } from './fields'
import { ApiError } from './errors'
import { TRUST_COOKIE, clearCookie, setAccessTokenCookie, setRefreshTokenCookie, setTrustCookie } from './cookies'

const json = (c: Context, status: number, body: JsonObject): Response => {
  c.header('Content-Type', 'application/json;charset=UTF-8')
  return c.body(JSON.stringify(body), status as 200)
}

/**
 * The one place a login outcome becomes FusionAuth's response: status, body and cookies.
 * Shared by POST /api/login, POST /api/two-factor/login and the refresh exchange.
 */
export function renderLoginOutcome(c: Context, outcome: LoginOutcome): Response {
  switch (outcome.kind) {
    case 'notFound':
      throw new ApiError(404)
    case 'locked':
      throw new ApiError(423)
    case 'expired':
      throw new ApiError(410)
    case 'prevented':
      throw new ApiError(409, { actions: outcome.actions })
    case 'twoFactorRequired':
      // A challenge clears any trust cookie the browser held: it did not satisfy this login.
      clearCookie(c, TRUST_COOKIE)
      return json(c, 242, {
        ...(outcome.configurableMethods === undefined ? {} : { configurableMethods: outcome.configurableMethods }),
        methods: outcome.methods,
        twoFactorId: outcome.twoFactorId,
      })
    case 'changePasswordRequired':
      return json(c, 203, { changePasswordId: outcome.changePasswordId, changePasswordReason: outcome.changePasswordReason })
    case 'completed': {
      const body: JsonObject = {}
      const tokens = outcome.tokens
      if (tokens !== null) {
        if (tokens.refreshToken !== undefined) {
          body.refreshToken = tokens.refreshToken
          body.refreshTokenId = tokens.refreshTokenId
          setRefreshTokenCookie(c, tokens.refreshToken, tokens.refreshTokenTtlSeconds ?? 0)
        }
        body.token = tokens.token
        body.tokenExpirationInstant = tokens.tokenExpirationInstant
        setAccessTokenCookie(c, tokens.token)
      }
      if (outcome.state !== undefined) body.state = outcome.state
      if (outcome.twoFactorTrust !== undefined) {
        body.twoFactorTrustId = outcome.twoFactorTrust.trustId
        setTrustCookie(c, outcome.twoFactorTrust.trustId, outcome.twoFactorTrust.ttlSeconds)
      }
      body.user = outcome.user
      return json(c, outcome.status, body)
    }
  }
}
