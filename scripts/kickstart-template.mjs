// FusionAuth kickstart.json templating and shape checks, without any network: JSON includes (`&{file}`), text
// includes (`@{file}`), variables (`#{name}`), environment variables (`#{ENV.NAME}`) and `#{UUID()}`, and the
// API keys and requests as FusionAuth reads them. Used by scripts/kickstart.mjs. Includes are read relative to
// the kickstart file, as FusionAuth reads them.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'

/** An error in the kickstart file itself (exit code 1, nothing sent). */
export class KickstartError extends Error {}

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
 * so every use of the variable sees the same UUID), other variables and built-ins (`builtIn(name)` answers
 * a built-in's value, undefined for other names). Cycles and unknown names fail.
 */
export function resolveVariables(variables, env, builtIn) {
  if (variables === undefined) return {}
  if (!isPlainObject(variables)) throw new KickstartError('"variables" must be an object')
  const resolved = {}
  const resolving = new Set()
  const resolve = (name) => {
    if (Object.hasOwn(resolved, name)) return resolved[name]
    const raw = variables[name]
    if (typeof raw !== 'string') throw new KickstartError(`variable "${name}" must be a string`)
    if (resolving.has(name)) throw new KickstartError(`variable "${name}" refers to itself`)
    resolving.add(name)
    resolved[name] = substituteText(
      raw,
      (token) => {
        if (token === 'UUID()') return randomUUID()
        if (token.startsWith('ENV.')) return environmentValue(env, token.slice(4))
        if (Object.hasOwn(variables, token)) return resolve(token)
        const value = builtIn(token)
        if (value !== undefined) return value
        throw new KickstartError(`variable "${name}" uses #{${token}}, which is not defined`)
      },
      null,
    )
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
    if (depth >= MAX_INCLUDE_DEPTH)
      throw new KickstartError(`JSON includes nest deeper than ${MAX_INCLUDE_DEPTH} (a loop?) at &{${include[1]}}`)
    return applyTemplate(readJsonFile(path.resolve(baseDir, include[1].trim())), lookup, baseDir, depth + 1)
  }
  if (Array.isArray(value)) return value.map((item) => applyTemplate(item, lookup, baseDir, depth))
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, applyTemplate(item, lookup, baseDir, depth)]))
  return value
}

/** A lookup over resolved variables and built-ins; `UUID()` outside the variables section is fresh each time. */
export function lookupFor(variables, builtIn, env) {
  return (token) => {
    if (token === 'UUID()') return randomUUID()
    if (token.startsWith('ENV.')) return environmentValue(env, token.slice(4))
    if (Object.hasOwn(variables, token)) return variables[token]
    const value = builtIn(token)
    if (value !== undefined) return value
    throw new KickstartError(`#{${token}} is not a defined variable`)
  }
}

const METHODS = ['POST', 'PUT', 'PATCH']
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i

/**
 * Checks the templated API keys: at least one, the first global and unrestricted (it makes every request).
 * An `ipAccessControlListId` cannot be honoured here (no IP access control lists): on the first key that is an
 * error, on another key `skip(i, reason)` is called, since creating the key without it would widen it.
 */
export function checkApiKeys(apiKeys, skip) {
  if (!Array.isArray(apiKeys) || apiKeys.length === 0)
    throw new KickstartError('"apiKeys" must list at least one API key (the first is used for every request)')
  apiKeys.forEach((key, i) => {
    if (!isPlainObject(key)) throw new KickstartError(`apiKeys[${i}] must be an object`)
    if (key.key !== undefined && (typeof key.key !== 'string' || key.key.trim() === ''))
      throw new KickstartError(`apiKeys[${i}].key must be a non-empty string`)
  })
  const first = apiKeys[0]
  const endpoints = first.permissions?.endpoints
  if (first.tenantId !== undefined || (isPlainObject(endpoints) && Object.keys(endpoints).length > 0)) {
    throw new KickstartError('apiKeys[0] must be global and unrestricted (no tenantId, no permissions): it makes every request')
  }
  const aclReason =
    'it names an IP access control list (ipAccessControlListId), which this product does not implement; without it the key would be wider than the file asks'
  if (first.ipAccessControlListId !== undefined) throw new KickstartError(`apiKeys[0] cannot be created: ${aclReason}`)
  apiKeys.forEach((key, i) => {
    if (i > 0 && key.ipAccessControlListId !== undefined) skip(i, aclReason)
  })
}

/**
 * Makes a request's URL one this server routes as FusionAuth routes it: FusionAuth joins the base URL and a
 * relative URL with exactly one `/` (so `api/user` and `/api/user` are the same request) and its router ignores
 * trailing slashes (`/api/user/registration/` is `/api/user/registration`).
 */
export function normalizeUrl(url) {
  const withSlash = url.startsWith('/') ? url : `/${url}`
  const split = withSlash.search(/[?#]/)
  const [path, rest] = split < 0 ? [withSlash, ''] : [withSlash.slice(0, split), withSlash.slice(split)]
  return `${path.length > 1 ? path.replace(/\/+$/, '') || '/' : path}${rest}`
}

/**
 * Reads `requests[i]`: a JSON include (`"&{requests/x.json}"`) of the whole request is read first, then the
 * request's own fields are templated and checked. The body is left as it is in the file (templated later,
 * and only for a request that is sent, so a skipped request's includes need not exist).
 */
export function readRequest(item, i, lookup, baseDir) {
  let request = item
  for (let depth = 0; typeof request === 'string'; depth++) {
    const include = JSON_INCLUDE.exec(request.trim())
    if (include === null)
      throw new KickstartError(`requests[${i}] must be an object or a JSON include such as "&{requests/create-user.json}"`)
    if (depth >= MAX_INCLUDE_DEPTH)
      throw new KickstartError(`JSON includes nest deeper than ${MAX_INCLUDE_DEPTH} (a loop?) at &{${include[1]}}`)
    request = readJsonFile(path.resolve(baseDir, include[1].trim()))
  }
  if (!isPlainObject(request)) throw new KickstartError(`requests[${i}] must be an object`)
  const { body, ...fields } = request
  const { method, url, tenantId, contentType } = applyTemplate(fields, lookup, baseDir)
  if (!METHODS.includes(method)) throw new KickstartError(`requests[${i}].method must be one of ${METHODS.join(', ')}`)
  if (typeof url !== 'string' || url.trim() === '' || ABSOLUTE_URL.test(url) || url.startsWith('//')) {
    throw new KickstartError(`requests[${i}].url must be a relative URL such as /api/user/registration`)
  }
  if (tenantId !== undefined && typeof tenantId !== 'string') throw new KickstartError(`requests[${i}].tenantId must be a string`)
  if (contentType !== undefined && typeof contentType !== 'string') throw new KickstartError(`requests[${i}].contentType must be a string`)
  return { method, url: normalizeUrl(url.trim()), tenantId, contentType, body }
}
