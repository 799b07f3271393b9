#!/usr/bin/env node
// `npm run kickstart -- [kickstart.json] [--url http://localhost:9011] [--key <bootstrap key>]`
//
// Seeds an EMPTY instance from a FusionAuth kickstart.json, as FusionAuth's FUSIONAUTH_APP_KICKSTART_FILE does:
// creates the file's API keys with the bootstrap key, then sends its requests in order with the first of them.
// Empty means: no API keys, only the default tenant, no applications (this API has no user search, so users
// in the default tenant cannot be seen; a request creating one that exists fails with [duplicate]).
// Exit codes: 0 done, 1 bad file or a failed request, 2 usage, 3 the instance is not empty (nothing sent).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILT_INS, KickstartError, applyTemplate, checkShape, lookupFor, readJsonFile, resolveVariables } from './kickstart-template.mjs'
import { readDevVars } from './lib/dev-vars.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** FusionAuth's fixed id for its own admin application, which kickstart files register admins to. */
const FUSIONAUTH_APPLICATION_ID = '3c219e58-ed0e-4b18-ad48-f4f92793ae32'
/** The roles of FusionAuth's admin application that kickstart files commonly grant. */
const FUSIONAUTH_APPLICATION_ROLES = [
  'admin', 'api_key_manager', 'application_deleter', 'application_manager', 'audit_log_viewer', 'email_template_manager',
  'event_log_viewer', 'group_deleter', 'group_manager', 'key_manager', 'lambda_manager', 'report_viewer', 'system_manager',
  'tenant_deleter', 'tenant_manager', 'theme_manager', 'user_action_deleter', 'user_action_manager', 'user_deleter',
  'user_manager', 'user_support_manager', 'user_support_viewer', 'webhook_manager',
]

class UsageError extends Error {}
class NotEmptyError extends Error {}

function parseArguments(argv) {
  const options = { file: undefined, url: 'http://localhost:9011', key: undefined }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (flag === '--url' || flag === '--key') {
      const value = inline ?? argv[++i]
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`)
      options[flag.slice(2)] = value
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
  if (options.key === undefined) throw new UsageError('no API key: pass --key, set BOOTSTRAP_API_KEY, or run `npm start` once to write .dev.vars')
  return options
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
    throw new KickstartError(`${method} ${url} failed: ${error.cause?.code ?? error.message}`)
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
  if (result.status === 401) throw new KickstartError(`the server refused the API key (401 on GET ${url}); pass the instance's BOOTSTRAP_API_KEY with --key`)
  if (result.status !== 200) throw new KickstartError(`GET ${url} answered ${result.status}`)
  return result.body
}

/** Refuses a used instance, as FusionAuth does, and learns the default tenant and its signing key. */
async function inspectInstance(base, key, timeoutMs) {
  const [apiKeys, tenants, active, inactive] = await Promise.all([
    read(base, key, '/api/api-key', timeoutMs),
    read(base, key, '/api/tenant', timeoutMs),
    read(base, key, '/api/application', timeoutMs),
    read(base, key, '/api/application?inactive=true', timeoutMs),
  ])
  const problems = []
  if ((apiKeys.apiKeys ?? []).length > 0) problems.push(`${apiKeys.apiKeys.length} API key(s) exist`)
  if ((tenants.tenants ?? []).length !== 1) problems.push(`${(tenants.tenants ?? []).length} tenants exist (only the default is allowed)`)
  const applications = [...(active.applications ?? []), ...(inactive.applications ?? [])]
  if (applications.length > 0) problems.push(`${applications.length} application(s) exist`)
  if (problems.length > 0) throw new NotEmptyError(`the instance is not empty (${problems.join('; ')}); kickstart only runs on a fresh instance. Nothing was changed.`)
  const tenant = tenants.tenants[0]
  return { tenantId: tenant.id, signingKeyId: tenant.jwtConfiguration?.accessTokenKeyId }
}

async function expectOk(label, result) {
  if (result.status >= 200 && result.status < 300) return
  const detail = result.body === undefined ? '' : `: ${typeof result.body === 'string' ? result.body : JSON.stringify(result.body)}`
  throw new KickstartError(`${label} answered ${result.status}${detail}`)
}

async function main() {
  const options = parseArguments(process.argv.slice(2))
  const file = path.resolve(options.file)
  const baseDir = path.dirname(file)
  const raw = readJsonFile(file)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new KickstartError('the kickstart file must hold a JSON object')
  const { variables: rawVariables, ...rest } = raw
  const variables = resolveVariables(rawVariables, process.env)
  const timeoutMs = (raw.settings?.connectTimeout ?? 5_000) + (raw.settings?.readTimeout ?? 25_000)

  // A dry run with placeholder built-ins finds every bad name, include and shape before the server is touched.
  const placeholders = Object.fromEntries(BUILT_INS.map((name) => [name, '00000000-0000-0000-0000-000000000000']))
  const usesAdminApplication = JSON.stringify(rest).includes('FUSIONAUTH_APPLICATION_ID')
  checkShape(applyTemplate(rest, lookupFor(variables, placeholders, process.env), baseDir))
  if (raw.licenseId !== undefined || raw.license !== undefined) console.warn('kickstart: licenseId/license are ignored (no licensed features here)')

  const instance = await inspectInstance(options.url, options.key, timeoutMs)
  if (variables.defaultTenantId !== undefined && variables.defaultTenantId.toLowerCase() !== instance.tenantId) {
    // FusionAuth renames its default tenant; this server cannot, so the variable names the real one.
    console.warn(`kickstart: the default tenant's id is ${instance.tenantId} and cannot be changed; #{defaultTenantId} resolves to it`)
    variables.defaultTenantId = instance.tenantId
  }
  const builtIns = {
    FUSIONAUTH_TENANT_ID: instance.tenantId,
    FUSIONAUTH_APPLICATION_ID,
    FUSIONAUTH_DEFAULT_SIGNING_KEY_ID: instance.signingKeyId ?? '',
  }
  const { apiKeys, requests } = checkShape(applyTemplate(rest, lookupFor(variables, builtIns, process.env), baseDir))

  let requestKey
  for (const [i, { id, ...apiKey }] of apiKeys.entries()) {
    const url = typeof id === 'string' ? `/api/api-key/${id}` : '/api/api-key'
    const result = await send(options.url, { method: 'POST', url, key: options.key, body: { apiKey }, timeoutMs })
    await expectOk(`apiKeys[${i}] (POST ${url})`, result)
    requestKey ??= result.body.apiKey.key
    console.log(`kickstart: created API key ${result.body.apiKey.id}${apiKey.description ? ` (${apiKey.description})` : ''}`)
  }
  if (usesAdminApplication) {
    // FusionAuth always has its admin application; kickstart files register administrators to it.
    const body = { application: { name: 'FusionAuth', tenantId: instance.tenantId, roles: FUSIONAUTH_APPLICATION_ROLES.map((name) => ({ name })) } }
    const url = `/api/application/${FUSIONAUTH_APPLICATION_ID}`
    await expectOk(`POST ${url}`, await send(options.url, { method: 'POST', url, key: requestKey, body, tenantId: instance.tenantId, timeoutMs }))
    console.log('kickstart: created the FusionAuth application for #{FUSIONAUTH_APPLICATION_ID}')
  }
  for (const [i, request] of requests.entries()) {
    const label = `[${i + 1}/${requests.length}] ${request.method} ${request.url}`
    const result = await send(options.url, { ...request, key: requestKey, timeoutMs })
    await expectOk(label, result)
    console.log(`kickstart: ${label} -> ${result.status}`)
  }
  console.log(`kickstart: done (${apiKeys.length} API key(s), ${requests.length} request(s))`)
}

main().then(
  () => process.exit(0),
  (error) => {
    if (error instanceof UsageError) {
      if (error.message !== '') console.error(`kickstart: ${error.message}`)
      console.error('usage: npm run kickstart -- [kickstart.json] [--url http://localhost:9011] [--key <bootstrap API key>]')
      process.exit(2)
    }
    console.error(`kickstart: ${error instanceof KickstartError || error instanceof NotEmptyError ? error.message : error.stack}`)
    process.exit(error instanceof NotEmptyError ? 3 : 1)
  },
)
