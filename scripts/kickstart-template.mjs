// FusionAuth kickstart.json templating, without any network: JSON includes (`&{file}`), text includes
// (`@{file}`), variables (`#{name}`), environment variables (`#{ENV.NAME}`) and `#{UUID()}`.
// Used by scripts/kickstart.mjs. Includes are read relative to the kickstart file, as FusionAuth reads them.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'

/** An error in the kickstart file itself (exit code 1, nothing sent). */
export class KickstartError extends Error {}

/** Built-in names FusionAuth provides; their values come from the server once it has been checked. */
export const BUILT_INS = ['FUSIONAUTH_TENANT_ID', 'FUSIONAUTH_APPLICATION_ID', 'FUSIONAUTH_DEFAULT_SIGNING_KEY_ID']

// One pass over a string, so replaced text is never scanned again: `\#{`, `\@{`, `\&{` escape a token.
const TOKEN = /\\([#@&]\{)|#\{([^}]*)\}|@\{([^}]*)\}/g
const JSON_INCLUDE = /^&\{([^}]+)\}$/
const MAX_INCLUDE_DEPTH = 10

/** Reads and parses a JSON file, naming the file in the error. */
export function readJsonFile(file) {
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new KickstartError(`cannot read ${file}: ${error.code ?? error.message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new KickstartError(`${file} is not valid JSON: ${error.message}`)
  }
}

const isPlainObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Resolves the `variables` map: each value may use `#{ENV.NAME}`, `#{UUID()}` (drawn once per variable,
 * so every use of the variable sees the same UUID) and other variables. Cycles and unknown names fail.
 */
export function resolveVariables(variables, env) {
  if (variables === undefined) return {}
  if (!isPlainObject(variables)) throw new KickstartError('"variables" must be an object')
  const resolved = {}
  const resolving = new Set()
  const resolve = (name) => {
    if (name in resolved) return resolved[name]
    const raw = variables[name]
    if (typeof raw !== 'string') throw new KickstartError(`variable "${name}" must be a string`)
    if (resolving.has(name)) throw new KickstartError(`variable "${name}" refers to itself`)
    resolving.add(name)
    resolved[name] = substituteText(raw, (token) => {
      if (token === 'UUID()') return randomUUID()
      if (token.startsWith('ENV.')) return environmentValue(env, token.slice(4))
      if (Object.hasOwn(variables, token)) return resolve(token)
      throw new KickstartError(`variable "${name}" uses #{${token}}, which is not defined`)
    }, null)
    resolving.delete(name)
    return resolved[name]
  }
  for (const name of Object.keys(variables)) resolve(name)
  return resolved
}

function environmentValue(env, name) {
  const value = env[name]
  if (value === undefined) throw new KickstartError(`environment variable ${name} is not set (used as #{ENV.${name}})`)
  return value
}

/**
 * Replaces the tokens of one string. `lookup(token)` answers `#{token}`; `@{file}` becomes the file's text
 * when `baseDir` is given (in the variables section it is not).
 */
function substituteText(text, lookup, baseDir) {
  return text.replace(TOKEN, (whole, escaped, variable, textFile) => {
    if (escaped !== undefined) return escaped
    if (variable !== undefined) return lookup(variable.trim())
    if (baseDir === null) return whole
    const file = path.resolve(baseDir, textFile.trim())
    try {
      return readFileSync(file, 'utf8')
    } catch (error) {
      throw new KickstartError(`cannot read text include ${textFile}: ${error.code ?? error.message}`)
    }
  })
}

/**
 * Applies includes and substitutions to every string of `value` (the kickstart without its variables).
 * A string that is exactly `&{file}` is replaced by that file's JSON, itself templated.
 * `lookup(token)` resolves `#{token}`; it throws for unknown names.
 */
export function applyTemplate(value, lookup, baseDir, depth = 0) {
  if (typeof value === 'string') {
    const include = JSON_INCLUDE.exec(value.trim())
    if (include === null) return substituteText(value, lookup, baseDir)
    if (depth >= MAX_INCLUDE_DEPTH) throw new KickstartError(`JSON includes nest deeper than ${MAX_INCLUDE_DEPTH} (a loop?) at &{${include[1]}}`)
    return applyTemplate(readJsonFile(path.resolve(baseDir, include[1].trim())), lookup, baseDir, depth + 1)
  }
  if (Array.isArray(value)) return value.map((item) => applyTemplate(item, lookup, baseDir, depth))
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, applyTemplate(item, lookup, baseDir, depth)]))
  return value
}

/** A lookup over resolved variables and built-ins; `UUID()` outside the variables section is fresh each time. */
export function lookupFor(variables, builtIns, env) {
  return (token) => {
    if (token === 'UUID()') return randomUUID()
    if (token.startsWith('ENV.')) return environmentValue(env, token.slice(4))
    if (Object.hasOwn(variables, token)) return variables[token]
    if (Object.hasOwn(builtIns, token)) return builtIns[token]
    throw new KickstartError(`#{${token}} is not a defined variable`)
  }
}

const METHODS = ['POST', 'PUT', 'PATCH']

/**
 * Checks the templated kickstart's shape: at least one API key, the first global and unrestricted
 * (it is used for every request), and requests of POST/PUT/PATCH on relative URLs.
 */
export function checkShape(kickstart) {
  if (!isPlainObject(kickstart)) throw new KickstartError('the kickstart file must hold a JSON object')
  const { apiKeys, requests = [] } = kickstart
  if (!Array.isArray(apiKeys) || apiKeys.length === 0) throw new KickstartError('"apiKeys" must list at least one API key (the first is used for every request)')
  apiKeys.forEach((key, i) => {
    if (!isPlainObject(key)) throw new KickstartError(`apiKeys[${i}] must be an object`)
    if (key.key !== undefined && (typeof key.key !== 'string' || key.key.trim() === '')) throw new KickstartError(`apiKeys[${i}].key must be a non-empty string`)
  })
  const first = apiKeys[0]
  const endpoints = first.permissions?.endpoints
  if (first.tenantId !== undefined || (isPlainObject(endpoints) && Object.keys(endpoints).length > 0)) {
    throw new KickstartError('apiKeys[0] must be global and unrestricted (no tenantId, no permissions): it makes every request')
  }
  if (!Array.isArray(requests)) throw new KickstartError('"requests" must be an array')
  requests.forEach((request, i) => {
    if (!isPlainObject(request)) throw new KickstartError(`requests[${i}] must be an object`)
    if (!METHODS.includes(request.method)) throw new KickstartError(`requests[${i}].method must be one of ${METHODS.join(', ')}`)
    if (typeof request.url !== 'string' || !request.url.startsWith('/')) throw new KickstartError(`requests[${i}].url must be a relative URL such as /api/user/registration`)
    if (request.tenantId !== undefined && typeof request.tenantId !== 'string') throw new KickstartError(`requests[${i}].tenantId must be a string`)
  })
  return { apiKeys, requests }
}
