/**
 * `GET /api/dev/outbox?email=`: the development outbox, for local tools and the end-to-end suite, listing the
 * messages "sent" to an address. It holds every tenant's two-factor codes, so it exists only when ENVIRONMENT is
 * `test` or `development` (404 otherwise, like any unknown path, checked before the key so production reveals
 * nothing) and answers only a global key: a tenant-locked key or a tenant header is 401 (http/scope.ts).
 */
import type { MiddlewareHandler } from 'hono'
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../env'
import { codes, fieldError, notFound } from '../http/errors'
import { fusionJson } from '../http/responses'
import { requireGlobalScope } from '../http/scope'
import { usesDevOutbox } from '../mail/mailer'

const devOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!usesDevOutbox(c.env.ENVIRONMENT)) throw notFound()
  await next()
}

export const devOutboxRoutes = new Hono<AppEnv>()

devOutboxRoutes.get('/api/dev/outbox', devOnly, requireGlobalScope, async (c) => {
  const email = c.req.query('email')
  if (email === undefined || email === '') throw fieldError('email', codes.blank('email'))
  return fusionJson(c, { messages: await c.var.data.devOutbox.read(email) })
})
