import { Hono } from 'hono/tiny'
import type { AppEnv } from './env'
import { MisconfiguredError, requireUsableSecrets } from './configuration'
import { clock } from './http/clock'
import { corsFilter } from './http/cors'
import { requestLog } from './http/request-log'
import { ApiError, Errors } from './http/errors'
import { loginRoutes } from './routes/login'
import { loginRecordRoutes } from './routes/login-records'
import { adminRoutes } from './routes/admin'
import { registrationRoutes } from './routes/registrations'
import { userImportRoutes } from './routes/user-import'
import { userRoutes } from './routes/users'
import { userSearchRoutes } from './routes/user-search'
import { logoutRoutes } from './routes/logout'
import { pingRoutes } from './routes/ping'
import { changePasswordRoutes } from './routes/change-password'
import { jwtRoutes } from './routes/jwt'
import { userActionRoutes } from './routes/user-actions'
import { dataContextFor } from './store/data-context'
import { twoFactorRoutes } from './routes/two-factor'
import { devOutboxRoutes } from './routes/dev-outbox'
import { statusRoutes } from './routes/status'
import { webhookRoutes } from './routes/webhooks'
import { groupRoutes } from './routes/groups'
import { consoleRoutes } from './routes/console'

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.use(requestLog)
  app.use(clock)
  app.use(async (c, next) => {
    requireUsableSecrets(c.env)
    c.set('data', dataContextFor(c.env, c.get('nowMillis')))
    await next()
  })
  // Before the bootstrap check, so an unmigrated database gets the status endpoints' failure statuses.
  app.route('/', statusRoutes)
  app.use(async (c, next) => {
    await c.var.data.ensureBootstrapped()
    await next()
  })
  // Before every route: a preflight carries no API key, and a refused origin is answered before any work.
  app.use(corsFilter)

  // Route families are mounted here, one module each.
  app.route('/', loginRoutes)
  app.route('/', changePasswordRoutes)
  app.route('/', jwtRoutes)
  app.route('/', userActionRoutes)
  app.route('/', loginRecordRoutes)
  app.route('/', twoFactorRoutes)
  app.route('/', devOutboxRoutes)
  app.route('/', adminRoutes)
  app.route('/', webhookRoutes)
  app.route('/', groupRoutes)
  app.route('/', userSearchRoutes)
  app.route('/', new Hono<AppEnv>().route('/', userImportRoutes).route('/', registrationRoutes).route('/', userRoutes))
  app.route('/', pingRoutes)
  app.route('/', logoutRoutes)
  app.route('/', consoleRoutes)

  app.notFound(() => new Response(null, { status: 404 }))
  app.onError((error, c) => {
    if (error instanceof ApiError) return error.toResponse()
    if (error instanceof MisconfiguredError) {
      // One line an operator can search for; the caller learns only that the server, not the request, is at fault.
      console.error(JSON.stringify({ level: 'error', event: 'misconfigured', requestId: c.get('requestId'), problems: error.problems }))
      return new ApiError(
        500,
        new Errors().general(
          '[ServerMisconfigured]',
          `The server is misconfigured, so it cannot answer this request. Its operator finds the reason in the Worker's logs under request id [${c.get('requestId')}].`,
        ),
      ).toResponse()
    }
    // Unexpected: log with the request id, answer without detail.
    console.error(
      JSON.stringify({ requestId: c.get('requestId'), error: String(error), stack: error instanceof Error ? error.stack : undefined }),
    )
    return new ApiError(
      500,
      new Errors().general('[InternalError]', `An unexpected error occurred. Request id [${c.get('requestId')}].`),
    ).toResponse()
  })

  return app
}
