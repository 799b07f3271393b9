#!/usr/bin/env node
// `npm run kickstart -- [kickstart.json] [--url http://localhost:9011] [--key <bootstrap key>] [--strict]`
//
// Seeds an EMPTY instance from a FusionAuth kickstart.json, as FusionAuth's FUSIONAUTH_APP_KICKSTART_FILE does:
// creates the file's first API key with the bootstrap key, sends the requests in order with it, then creates the
// other API keys (FusionAuth's order, so a key may be locked to a tenant the requests create). Requests to APIs this
// product does not serve are skipped, one line each and a summary at the end (--strict refuses the file instead,
// before anything is sent). The whole file is templated and checked before the server is touched.
// Empty means: no API keys, only the default tenant, no applications.
// Exit codes: 0 done, 1 bad file, --strict refusal or a failed request, 2 usage, 3 the instance is not empty (nothing sent).
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  FUSIONAUTH_APPLICATION_ID,
  FUSIONAUTH_APPLICATION_ROLES,
  SHADOW_KEYS,
  TENANT_MANAGER_ROLES,
  builtInValue,
  isBuiltInVariable,
} from './kickstart-builtins.mjs'
import { classify, pathOf } from './kickstart-endpoints.mjs'
import {
  KickstartError,
  applyTemplate,
  checkApiKeys,
  lookupFor,
  readJsonFile,
  readRequest,
  resolveVariables,
} from './kickstart-template.mjs'
import { readDevVars } from './lib/dev-vars.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
/** Built-ins are templated as these markers and replaced once the server has told us their values. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL cannot occur in a kickstart file's JSON text, so it delimits the markers safely.
const MARKER = /\u0000builtin:([^\u0000]+)\u0000/g
const marker = (name) => `\u0000builtin:${name}\u0000`
/** Stands in for every built-in while a request is classified (a route may want a UUID in that place). */
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000'
const USAGE = 'usage: npm run kickstart -- [kickstart.json] [--url http://localhost:9011] [--key <bootstrap API key>] [--strict]'

class UsageError extends Error {}
class NotEmptyError extends Error {}

function parseArguments(argv) {
  const options = { file: undefined, url: 'http://localhost:9011', key: undefined, strict: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (flag === '--url' || flag === '--key') {
      const value = inline ?? argv[++i]
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`)
      options[flag.slice(2)] = value
    } else if (flag === '--strict' && inline === undefined) {
      options.strict = true
    } else if (flag === '--help' || flag === '-h') {
      throw new UsageError('')
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`)
    } else if (options.file === undefined) {
      options.file = arg
    } else {
      throw new UsageError(`unexpected argument ${arg}`)
    }
  }
  options.file ??= 'kickstart.json'
  options.key ??= process.env.BOOTSTRAP_API_KEY ?? readDevVars(path.join(ROOT, '.dev.vars')).BOOTSTRAP_API_KEY
  if (options.key === undefined)
    throw new UsageError('no API key: pass --key, set BOOTSTRAP_API_KEY, or run `npm start` once to write .dev.vars')
  return options
}

const isPlainObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Every string in a JSON value passed through `change` (object keys are left alone). */
function mapStrings(value, change) {
  if (typeof value === 'string') return change(value)
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, change))
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, change)]))
  return value
}

/** `[3/9] POST /api/user/registration`, built-ins not yet known shown as the file writes them. */
const label = (request, total) => `[${request.index + 1}/${total}] ${request.method} ${request.url.replace(MARKER, '#{$1}')}`

/**
 * Templates the whole file with built-ins as markers, so every mistake is found before the server is touched,
 * and decides which requests are skipped. Skipped requests keep their body untemplated: it is never sent.
 */
function templateFile(raw, baseDir, env) {
  const builtIn = (name) => (isBuiltInVariable(name) ? marker(name) : undefined)
  const variables = resolveVariables(raw.variables, env, builtIn)
  for (const name of ['defaultTenantId', 'tenantManagerApplicationId']) {
    if (variables[name] !== undefined && !UUID.test(variables[name]))
      throw new KickstartError(`variable "${name}" must be a UUID, not "${variables[name]}"`)
  }
  const lookup = lookupFor(variables, builtIn, env)
  const apiKeys = applyTemplate(raw.apiKeys, lookup, baseDir)
  const keySkips = new Map()
  checkApiKeys(apiKeys, (i, reason) => keySkips.set(i, reason))
  if (raw.requests !== undefined && !Array.isArray(raw.requests)) throw new KickstartError('"requests" must be an array')
  const requests = (raw.requests ?? []).map((item, index) => {
    const request = readRequest(item, index, lookup, baseDir)
    const verdict = classify(request.method, request.url.replace(MARKER, PLACEHOLDER_ID))
    if (!verdict.served) return { ...request, index, body: undefined, skip: verdict }
    const body = request.body === undefined ? undefined : applyTemplate(request.body, lookup, baseDir)
    return { ...request, index, body, global: verdict.global }
  })
  return { variables, apiKeys, keySkips, requests }
}

/** A JSON API call; resolves to { status, body }. Network failures and timeouts throw with the URL named. */
async function send(base, { method, url, key, body, tenantId, contentType, timeoutMs }) {
  const headers = { Authorization: key }
  if (tenantId !== undefined) headers['X-FusionAuth-TenantId'] = tenantId
  let payload
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body)
    headers['Content-Type'] = contentType ?? 'application/json'
  }
  let response
  try {
    response = await fetch(new URL(url, base), { method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    throw new KickstartError(
      `${method} ${url} failed: ${error.cause?.code ?? error.cause?.message ?? error.message} (is the server running at ${base}?)`,
    )
  }
  const text = await response.text()
  let parsed = text
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    // Not JSON: keep the text for the message.
  }
  return { status: response.status, body: parsed }
}

/** GET with the bootstrap key, which must be accepted. */
async function read(base, key, url, timeoutMs) {
  const result = await send(base, { method: 'GET', url, key, timeoutMs })
  if (result.status === 401)
    throw new KickstartError(`the server refused the API key (401 on GET ${url}); pass the instance's BOOTSTRAP_API_KEY with --key`)
  if (result.status !== 200) throw new KickstartError(`GET ${url} answered ${result.status}`)
  return result.body
}

/** Refuses a used instance, as FusionAuth does, and learns the default tenant and its signing key. */
async function inspectInstance(base, key, timeoutMs) {
  const [apiKeys, tenants, active, inactive, keys] = await Promise.all([
    read(base, key, '/api/api-key', timeoutMs),
    read(base, key, '/api/tenant', timeoutMs),
    read(base, key, '/api/application', timeoutMs),
    read(base, key, '/api/application?inactive=true', timeoutMs),
    read(base, key, '/api/key', timeoutMs),
  ])
  const problems = []
  if ((apiKeys.apiKeys ?? []).length > 0) problems.push(`${apiKeys.apiKeys.length} API key(s) exist`)
  if ((tenants.tenants ?? []).length !== 1) problems.push(`${(tenants.tenants ?? []).length} tenants exist (only the default is allowed)`)
  const applications = [...(active.applications ?? []), ...(inactive.applications ?? [])]
  if (applications.length > 0) problems.push(`${applications.length} application(s) exist`)
  if (problems.length > 0)
    throw new NotEmptyError(
      `the instance is not empty (${problems.join('; ')}); kickstart only runs on a fresh instance. Nothing was changed.`,
    )
  const tenant = tenants.tenants[0]
  const signingKeyId = tenant.jwtConfiguration?.accessTokenKeyId
  const signingKey = (keys.keys ?? []).find((k) => k.id === signingKeyId)
  return { tenantId: tenant.id, signingKeyId, signingKeyAlgorithm: signingKey?.algorithm }
}

/**
 * Puts the instance's values in: built-ins, and FusionAuth's fixed ids that the file names without creating them
 * (its shadow keys, the default tenant's id from `defaultTenantId`). Decides which of FusionAuth's built-in objects
 * must be created first, and adapts bodies FusionAuth accepts but this server reads differently.
 */
function resolveForInstance(kickstart, instance) {
  const warnings = []
  const ids = new Map()
  const requested = kickstart.variables.defaultTenantId?.toLowerCase()
  if (requested !== undefined && requested !== instance.tenantId) {
    // FusionAuth gives its default tenant this id; this server cannot change a tenant's id (see README, Seeding: kickstart).
    warnings.push(
      `the default tenant's id is ${instance.tenantId} and cannot be changed to defaultTenantId ${requested}; #{defaultTenantId}, #{FUSIONAUTH_TENANT_ID} and ${requested} written out in the file resolve to it`,
    )
    ids.set(requested, instance.tenantId)
  }
  const sent = kickstart.requests.filter((r) => r.skip === undefined)
  // Ids the file creates itself are the file's, not FusionAuth's built-ins.
  const created = new Set(
    sent
      .filter((r) => r.method === 'POST')
      .map((r) => /^\/api\/(?:application|key\/generate|tenant)\/([^/]+)$/.exec(pathOf(r.url))?.[1]?.toLowerCase())
      .filter(Boolean),
  )
  const named = JSON.stringify([kickstart.apiKeys, sent]).toLowerCase()
  const generatedKeys = []
  for (const { id, algorithm } of SHADOW_KEYS) {
    if (created.has(id) || !named.includes(id)) continue
    const shadow = `${id} is FusionAuth's ${algorithm} OpenID Connect shadow key (HMAC with the application's client secret, which this product does not have)`
    if (algorithm === instance.signingKeyAlgorithm) {
      ids.set(id, instance.signingKeyId)
      warnings.push(`${shadow}; it resolves to the default signing key ${instance.signingKeyId} (${algorithm})`)
    } else {
      const target = randomUUID()
      ids.set(id, target)
      generatedKeys.push({ id: target, algorithm, name: `OpenID Connect compliant HMAC using SHA-${algorithm.slice(2)}` })
      warnings.push(`${shadow}; it resolves to a new ${algorithm} key ${target}`)
    }
  }

  const unmatched = new Map()
  const values = {
    tenantId: instance.tenantId,
    signingKeyId: instance.signingKeyId ?? '',
    tenantManagerApplicationId: kickstart.variables.tenantManagerApplicationId?.toLowerCase() ?? randomUUID(),
    unmatched: (name, what) => {
      if (!unmatched.has(name)) unmatched.set(name, { id: randomUUID(), what })
      return unmatched.get(name).id
    },
  }
  const substitute = (text) =>
    text.replace(MARKER, (_, name) => builtInValue(name, values)).replace(UUIDS, (id) => ids.get(id.toLowerCase()) ?? id)

  const apiKeys = mapStrings(kickstart.apiKeys, substitute)
  const requests = kickstart.requests.map((request) => {
    if (request.skip !== undefined) return request
    const resolved = {
      ...request,
      url: substitute(request.url),
      tenantId: request.tenantId === undefined ? undefined : substitute(request.tenantId),
      body: mapStrings(request.body, substitute),
    }
    if (resolved.global && resolved.tenantId !== undefined) {
      // FusionAuth (since issue #3452) and this server refuse a tenant on a global API with a 401. Files written
      // before that send one anyway; it never meant anything there, so it is dropped rather than failing the run.
      warnings.push(`${label(resolved, kickstart.requests.length)}: a global API takes no tenant; its "tenantId" is not sent`)
      resolved.tenantId = undefined
    }
    const roles = resolved.body?.application?.roles
    if (/^\/api\/application(\/[^/]+)?$/.test(pathOf(resolved.url)) && Array.isArray(roles)) {
      // FusionAuth reads a role given as a string as a role of that name (ApplicationRole has a String constructor).
      resolved.body = {
        ...resolved.body,
        application: { ...resolved.body.application, roles: roles.map((role) => (typeof role === 'string' ? { name: role } : role)) },
      }
    }
    return resolved
  })
  for (const [name, { what }] of unmatched) warnings.push(`#{${name}} names ${what}; it resolves to an id no object has`)

  const text = JSON.stringify([apiKeys, requests.filter((r) => r.skip === undefined)]).toLowerCase()
  const builtIns = []
  for (const key of generatedKeys) {
    builtIns.push({
      what: `${key.algorithm} key ${key.id} for FusionAuth's ${key.algorithm} OpenID Connect shadow key`,
      method: 'POST',
      url: `/api/key/generate/${key.id}`,
      body: { key: { algorithm: key.algorithm, name: key.name } },
    })
  }
  const applications = [
    { id: FUSIONAUTH_APPLICATION_ID, name: 'FusionAuth', roles: FUSIONAUTH_APPLICATION_ROLES, what: "FusionAuth's admin application" },
    {
      id: values.tenantManagerApplicationId,
      name: 'Tenant Manager',
      roles: TENANT_MANAGER_ROLES,
      what: "FusionAuth's Tenant Manager application",
    },
  ]
  for (const app of applications) {
    if (created.has(app.id) || !text.includes(app.id)) continue
    builtIns.push({
      what: `${app.what} ${app.id}`,
      method: 'POST',
      url: `/api/application/${app.id}`,
      tenantId: instance.tenantId,
      body: { application: { name: app.name, roles: app.roles } },
    })
  }

  // A request that names an object a skipped POST would have created (the id its URL ends with) is worth a word.
  const skippedIds = new Map()
  for (const request of requests.filter((r) => r.skip !== undefined && r.method === 'POST')) {
    const id = pathOf(request.url).split('/').at(-1).toLowerCase()
    if (UUID.test(id) && !skippedIds.has(id)) skippedIds.set(id, request)
  }
  for (const request of requests.filter((r) => r.skip === undefined)) {
    const mentioned = JSON.stringify([request.url, request.tenantId, request.body]).toLowerCase()
    request.notes = [...skippedIds]
      .filter(([id]) => mentioned.includes(id))
      .map(([id, by]) => `refers to ${id}, which the skipped ${label(by, kickstart.requests.length)} would have created`)
  }
  return { apiKeys, requests, builtIns, warnings }
}

/** One skipped request's line: which request, and why. */
const skipLine = (request, total) => `${label(request, total)} skipped: ${request.skip.reason}`

/** The body FusionAuth's kickstart builds from an `apiKeys[]` entry (its `description` is metadata). */
function apiKeyBody({ id, description, ...apiKey }) {
  return {
    url: typeof id === 'string' ? `/api/api-key/${id}` : '/api/api-key',
    body: { apiKey: description === undefined ? apiKey : { ...apiKey, metaData: { attributes: { description } } } },
  }
}

class StoppedError extends Error {}

function startOverAdvice(applied) {
  return (
    `kickstart stopped after changing the instance (${applied}), so it is no longer empty and kickstart will not run on it again. ` +
    'To start over, stop the server and give it an empty database: delete .wrangler/state (the folder `npm start` keeps its data in) ' +
    'or start it on a new folder with `npm start -- --persist-to <new folder>`; for a deployed Worker, use a new D1 database. Then fix the file and run kickstart again.'
  )
}

async function main() {
  const options = parseArguments(process.argv.slice(2))
  const file = path.resolve(options.file)
  const baseDir = path.dirname(file)
  const raw = readJsonFile(file)
  if (!isPlainObject(raw)) throw new KickstartError('the kickstart file must hold a JSON object')
  const timeoutMs = Number(raw.settings?.connectTimeout ?? 5_000) + Number(raw.settings?.readTimeout ?? 25_000)

  const kickstart = templateFile(raw, baseDir, process.env)
  const total = kickstart.requests.length
  const skipped = kickstart.requests.filter((r) => r.skip !== undefined)
  if (options.strict && (skipped.length > 0 || kickstart.keySkips.size > 0)) {
    for (const request of skipped) console.error(`kickstart: ${skipLine(request, total)}`)
    for (const [i, reason] of kickstart.keySkips) console.error(`kickstart: apiKeys[${i}] skipped: ${reason}`)
    throw new KickstartError(
      `--strict: ${skipped.length} request(s) and ${kickstart.keySkips.size} API key(s) would be skipped (above); nothing was sent`,
    )
  }
  if (raw.licenseId !== undefined || raw.license !== undefined)
    console.warn('kickstart: licenseId/license are ignored (no licensed features here)')

  const instance = await inspectInstance(options.url, options.key, timeoutMs)
  const { apiKeys, requests, builtIns, warnings } = resolveForInstance(kickstart, instance)
  for (const warning of warnings) console.warn(`kickstart: ${warning}`)

  const done = { keys: 0, requests: 0 }
  const applied = () => `${done.keys} API key(s) and ${done.requests} request(s) were applied`
  const call = async (what, request, key) => {
    let result
    try {
      result = await send(options.url, { ...request, key, timeoutMs })
    } catch (error) {
      if (done.keys === 0) throw error
      throw new StoppedError(`${error.message}\n${startOverAdvice(applied())}`)
    }
    if (result.status >= 200 && result.status < 300) return result
    const detail = result.body === undefined ? '' : `: ${typeof result.body === 'string' ? result.body : JSON.stringify(result.body)}`
    const message = `${what} answered ${result.status}${detail}`
    if (done.keys === 0) throw new KickstartError(message)
    throw new StoppedError(`${message}\n${startOverAdvice(applied())}`)
  }

  const first = apiKeyBody(apiKeys[0])
  const created = await call(`apiKeys[0] (POST ${first.url})`, { method: 'POST', ...first }, options.key)
  const requestKey = created.body.apiKey.key
  done.keys++
  console.log(`kickstart: created API key ${created.body.apiKey.id}${apiKeys[0].description ? ` (${apiKeys[0].description})` : ''}`)
  for (const builtIn of builtIns) {
    await call(`${builtIn.method} ${builtIn.url}`, builtIn, requestKey)
    console.log(`kickstart: created ${builtIn.what}, which the file names`)
  }
  for (const request of requests) {
    if (request.skip !== undefined) {
      console.warn(`kickstart: ${skipLine(request, total)}`)
      continue
    }
    for (const note of request.notes) console.warn(`kickstart: ${label(request, total)} ${note}`)
    const result = await call(label(request, total), request, requestKey)
    done.requests++
    console.log(`kickstart: ${label(request, total)} -> ${result.status}`)
  }
  let keysSkipped = 0
  for (const [i, apiKey] of apiKeys.entries()) {
    if (i === 0) continue
    if (kickstart.keySkips.has(i)) {
      console.warn(`kickstart: apiKeys[${i}] skipped: ${kickstart.keySkips.get(i)}`)
      keysSkipped++
      continue
    }
    const { url, body } = apiKeyBody(apiKey)
    const result = await call(`apiKeys[${i}] (POST ${url})`, { method: 'POST', url, body }, options.key)
    done.keys++
    console.log(`kickstart: created API key ${result.body.apiKey.id}${apiKey.description ? ` (${apiKey.description})` : ''}`)
  }

  const summary = [`${done.requests} of ${total} request(s) applied`, `${skipped.length} skipped`, `${done.keys} API key(s) created`]
  if (keysSkipped > 0) summary.push(`${keysSkipped} API key(s) skipped`)
  console.log(`kickstart: done: ${summary.join(', ')}`)
  if (skipped.length > 0) {
    const families = new Map()
    for (const request of skipped) {
      const family = families.get(request.skip.family) ?? { count: 0, reason: request.skip.reason }
      family.count++
      families.set(request.skip.family, family)
    }
    console.log('kickstart: skipped, as this product does not serve them (--strict refuses such a file):')
    for (const [family, { count, reason }] of families) console.log(`  ${count} x ${family}: ${reason}`)
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    if (error instanceof UsageError) {
      if (error.message !== '') console.error(`kickstart: ${error.message}`)
      console.error(USAGE)
      process.exit(2)
    }
    const known = error instanceof KickstartError || error instanceof NotEmptyError || error instanceof StoppedError
    console.error(`kickstart: ${known ? error.message : error.stack}`)
    process.exit(error instanceof NotEmptyError ? 3 : 1)
  },
)
