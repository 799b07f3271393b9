import type { Context } from 'hono'
import type { LoginOutcome } from '../domain/login/outcome'
import type { JsonObject } from './fields'
import { ApiError, notFound } from './errors'
import { TRUST_COOKIE, clearCookie, setAccessTokenCookie, setRefreshTokenCookie, setTrustCookie } from './cookies'
import { fusionJson } from './responses'

type Challenge = Extract<LoginOutcome, { kind: 'twoFactorRequired' }>

/** The 242 body, in FusionAuth's key order. */
const twoFactorChallenge = (outcome: Challenge): JsonObject => ({
  ...(outcome.configurableMethods === undefined ? {} : { configurableMethods: outcome.configurableMethods }),
  methods: outcome.methods,
  twoFactorId: outcome.twoFactorId,
})

/**
 * The one place a login outcome becomes FusionAuth's response: status, body and cookies.
 * Shared by POST /api/login, POST /api/two-factor/login and the refresh exchange.
 */
export function renderLoginOutcome(c: Context, outcome: LoginOutcome): Response {
  switch (outcome.kind) {
    case 'notFound':
      throw notFound()
    case 'locked':
      throw new ApiError(423)
    case 'expired':
      throw new ApiError(410)
    case 'prevented':
      throw new ApiError(409, { actions: outcome.actions })
    case 'twoFactorRequired':
      // A challenge clears any trust cookie the browser held: it did not satisfy this login.
      clearCookie(c, TRUST_COOKIE)
      return fusionJson(c, twoFactorChallenge(outcome), 242)
    case 'changePasswordRequired':
      return fusionJson(c, { changePasswordId: outcome.changePasswordId, changePasswordReason: outcome.changePasswordReason }, 203)
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
      return fusionJson(c, body, outcome.status)
    }
  }
}
