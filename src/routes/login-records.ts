/**
 * `/api/system/login-record/search` and `/export`, GET (query) and POST (JSON). Global endpoints: a tenant-locked
 * key or an X-FusionAuth-TenantId header is 401, as FusionAuth's `api-no-tenant` scheme answers.
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import type { LoginRecordSearch } from '../domain/login-record'
import {
  type LoginRecordExportInput,
  readExportBody,
  readExportQuery,
  readSearchBody,
  readSearchQuery,
} from '../domain/login-record-criteria'
import { attachmentDisposition, exportCsvChunks, exportFileName, resolveExportFormat } from '../domain/login-record-export'
import { LOGIN_RECORD_CSV_HEADER } from '../domain/export/csv'
import { zipCsvStream } from '../domain/export/zip-stream'
import type { AppEnv } from '../env'
import { requireApiKey } from '../http/auth'
import { readJson } from '../http/body'
import { ApiError, Errors } from '../http/errors'
import { replicaReads } from '../http/read-placement'

const SEARCH = '/api/system/login-record/search'
const EXPORT = '/api/system/login-record/export'

export const loginRecordRoutes = new Hono<AppEnv>()

loginRecordRoutes.use(SEARCH, replicaReads, requireApiKey('global'))
loginRecordRoutes.use(EXPORT, replicaReads, requireApiKey('global'))

const queryOf = (c: Context<AppEnv>): URLSearchParams => new URL(c.req.url).searchParams

loginRecordRoutes.get(SEARCH, async (c) => {
  const errors = new Errors()
  const search = readSearchQuery(queryOf(c), errors)
  errors.throwIfAny()
  return respondWithSearch(c, search)
})

loginRecordRoutes.post(SEARCH, async (c) => {
  const errors = new Errors()
  const search = readSearchBody(await readJson(c), errors)
  errors.throwIfAny()
  return respondWithSearch(c, search)
})

loginRecordRoutes.get(EXPORT, async (c) => {
  const errors = new Errors()
  const input = readExportQuery(queryOf(c), errors)
  return respondWithExport(c, input, errors)
})

loginRecordRoutes.post(EXPORT, async (c) => {
  const errors = new Errors()
  const input = readExportBody(await readJson(c), errors)
  return respondWithExport(c, input, errors)
})

async function respondWithSearch(c: Context<AppEnv>, search: LoginRecordSearch): Promise<Response> {
  const { page } = search
  const result = await c.var.data.loginRecords.search(search.criteria, {
    limit: page.numberOfResults,
    offset: page.startRow,
    retrieveTotal: page.retrieveTotal,
  })
  return c.json(result)
}

/** Validates the pattern and zone, then streams the zip: D1 pages -> CSV -> deflate -> response, one page at a time. */
async function respondWithExport(c: Context<AppEnv>, input: LoginRecordExportInput, errors: Errors): Promise<Response> {
  const reportTimezone = input.zoneId === undefined ? await reportTimezoneOf(c) : ''
  const format = resolveExportFormat(input, reportTimezone, errors)
  errors.throwIfAny()
  if (format === null) throw new ApiError(500)

  const nowMillis = c.get('nowMillis')
  const chunks = exportCsvChunks(c.var.data, input.criteria, format)
  const body = zipCsvStream(chunks, { header: LOGIN_RECORD_CSV_HEADER, modifiedMillis: nowMillis })
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': attachmentDisposition(exportFileName(nowMillis, format)),
      'Cache-Control': 'no-store',
    },
  })
}

async function reportTimezoneOf(c: Context<AppEnv>): Promise<string> {
  const row = await c.var.data.systemConfiguration.get()
  // The bootstrap middleware creates the row before any route runs; its absence is a server fault.
  if (row === null) throw new ApiError(500)
  return row.configuration.reportTimezone
}
