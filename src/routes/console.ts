/**
 * `/console/api/*`: the JSON the console's pages (public/console/, served as static assets) call. Signing in goes
 * through the Login API itself; POST /console/api/session trades the access token it returned for the
 * console_session cookie. Everything else needs that session (http/console-guard.ts); the logic is in domain/console.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import { loadActivity } from '../domain/console/activity'
import { startConsoleSession, endConsoleSession, type ConsoleSession } from '../domain/console/console-session'
import { exportDownload } from '../domain/console/export'
import { decodeCursor, recordPage } from '../domain/console/records'
import { type ControlOutcome, findUsers, lockUser, revokeRefreshTokens, setActive, unlockUser, userDetails } from '../domain/console/users'
import { QueryReader, readExportQuery } from '../domain/login-record-criteria'
import type { ExportCursor } from '../domain/login-record'
import { attachmentDisposition } from '../domain/login-record-export'
import { readJson, readOptionalJson } from '../http/body'
import { type ConsoleEnv, consoleOn, presentedSessionId, requireConsoleSession, requireSameOrigin } from '../http/console-guard'
import { clearConsoleSessionCookie, setConsoleSessionCookie } from '../http/cookies'
import { requestEventSource } from '../http/event-info'
import { ApiError, codes, Errors, fieldError, generalError, notFound, unauthorized } from '../http/errors'
import { FieldReader } from '../http/fields'
import { pathUuid } from '../http/path'
import { replicaReads } from '../http/read-placement'

const API = '/console/api'

export const consoleRoutes = new Hono<ConsoleEnv>()

// Reads that tolerate a replica's lag of a second or two go there; the session check reads KV and the user.
consoleRoutes.use(`${API}/activity`, replicaReads)
consoleRoutes.use(`${API}/records`, replicaReads)
consoleRoutes.use(`${API}/records/*`, replicaReads)
consoleRoutes.use(`${API}/*`, consoleOn)

/** Whether the console is on, and the application id the sign-in form logs in to. Needs no session. */
consoleRoutes.get(`${API}/config`, (c) => c.json({ applicationId: c.var.consoleApplicationId }))

consoleRoutes.post(`${API}/session`, async (c) => {
  // No session yet, so no CSRF token: the Origin check alone stops another site signing a victim in as someone else.
  requireSameOrigin(c)
  const body = FieldReader.body(await readJson(c))
  const token = body.requiredString('token')
  body.errors.throwIfAny()
  const started = await startConsoleSession(c.var.data, token ?? '', c.var.consoleApplicationId)
  if (started.kind === 'refused') throw unauthorized()
  setConsoleSessionCookie(c, started.sessionId, started.maxAgeSeconds)
  return c.json(sessionView(started.session))
})

// Everything below needs a session (and, unless GET, the same origin and the CSRF token).
consoleRoutes.use(`${API}/session`, async (c, next) => (c.req.method === 'POST' ? next() : requireConsoleSession(c, next)))
consoleRoutes.use(`${API}/activity`, requireConsoleSession)
consoleRoutes.use(`${API}/applications`, requireConsoleSession)
consoleRoutes.use(`${API}/records`, requireConsoleSession)
consoleRoutes.use(`${API}/records/*`, requireConsoleSession)
consoleRoutes.use(`${API}/users`, requireConsoleSession)
consoleRoutes.use(`${API}/users/*`, requireConsoleSession)

consoleRoutes.get(`${API}/session`, (c) => c.json(sessionView(c.var.consoleSession)))

consoleRoutes.delete(`${API}/session`, async (c) => {
  const sessionId = presentedSessionId(c)
  if (sessionId !== undefined) await endConsoleSession(c.var.data, sessionId)
  clearConsoleSessionCookie(c)
  return c.body(null, 204)
})

function sessionView(session: ConsoleSession) {
  return {
    user: { id: session.userId, tenantId: session.tenantId, loginId: session.loginId },
    roles: session.roles,
    csrfToken: session.csrfToken,
    expiresInstant: session.expiresMillis,
  }
}

consoleRoutes.get(`${API}/activity`, async (c) => {
  const configuration = await c.var.data.systemConfiguration.getCached(c.get('nowMillis'))
  return c.json(await loadActivity(c.var.data, configuration.reportTimezone))
})

consoleRoutes.get(`${API}/applications`, async (c) => {
  const applications = await c.var.data.applications.list(null)
  return c.json({
    applications: applications
      .map((application) => ({ id: application.id, name: application.name, tenantId: application.tenantId }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  })
})

/** `?userId&applicationId&start&end&after`: one page of records, newest first, and the cursor of the next. */
consoleRoutes.get(`${API}/records`, async (c) => {
  const query = new URL(c.req.url).searchParams
  const errors = new Errors()
  const criteria = readExportQuery(query, errors).criteria
  const after = cursorOf(new QueryReader(query, errors).string('after'), errors)
  errors.throwIfAny()
  return c.json(await recordPage(c.var.data, criteria, after))
})

function cursorOf(text: string | undefined, errors: Errors): ExportCursor | null {
  if (text === undefined) return null
  const cursor = decodeCursor(text)
  if (cursor === null) errors.field('after', codes.invalid('after').code, 'The [after] cursor is not one this console gave out.')
  return cursor
}

/** The export API's query (filters, dateTimeSecondsFormat, zoneId) as a zip download. */
consoleRoutes.get(`${API}/records/export`, async (c) => {
  const errors = new Errors()
  const input = readExportQuery(new URL(c.req.url).searchParams, errors)
  errors.throwIfAny()
  const download = await exportDownload(c.var.data, input, errors)
  errors.throwIfAny()
  if (download === null) throw new ApiError(500)
  return new Response(download.body, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': attachmentDisposition(download.fileName),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
})

consoleRoutes.get(`${API}/users`, async (c) => {
  const query = c.req.query('q') ?? ''
  if (query.trim() === '') throw fieldError('q', codes.blank('q'))
  return c.json(await findUsers(c.var.data, query))
})

consoleRoutes.get(`${API}/users/:id`, async (c) => {
  const details = await userDetails(c.var.data, pathUuid(c))
  if (details === null) throw notFound()
  return c.json(details)
})

function controlled(c: Context<ConsoleEnv>, outcome: ControlOutcome): Response {
  switch (outcome.kind) {
    case 'done':
      return c.json(outcome.details)
    case 'notFound':
      throw notFound()
    case 'self':
      throw generalError('[ConsoleSelf]', 'You cannot lock or deactivate the user you are signed in as.')
  }
}

consoleRoutes.post(`${API}/users/:id/lock`, async (c) => {
  const body = FieldReader.body(await readOptionalJson(c))
  const comment = body.string('comment')
  body.errors.throwIfAny()
  return controlled(c, await lockUser(c.var.data, pathUuid(c), c.var.consoleSession.userId, comment, requestEventSource(c)))
})
consoleRoutes.post(`${API}/users/:id/unlock`, async (c) =>
  controlled(c, await unlockUser(c.var.data, pathUuid(c), c.var.consoleSession.userId, requestEventSource(c))),
)
consoleRoutes.post(`${API}/users/:id/deactivate`, async (c) =>
  controlled(c, await setActive(c.var.data, pathUuid(c), false, c.var.consoleSession.userId, requestEventSource(c))),
)
consoleRoutes.post(`${API}/users/:id/reactivate`, async (c) =>
  controlled(c, await setActive(c.var.data, pathUuid(c), true, c.var.consoleSession.userId, requestEventSource(c))),
)
consoleRoutes.post(`${API}/users/:id/revoke-refresh-tokens`, async (c) => {
  const revoked = await revokeRefreshTokens(c.var.data, pathUuid(c), requestEventSource(c))
  if (revoked === null) throw notFound()
  return c.json({ revoked })
})
