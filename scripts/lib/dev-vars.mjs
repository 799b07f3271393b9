/**
 * `.dev.vars`, the local secrets file wrangler dev reads: parsed by one reader for `npm start` and the kickstart
 * script, and written once by `npm start` with random secrets so the local database's encrypted keys stay readable.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

/** What `npm start` generates when .dev.vars lacks it. */
const GENERATED = {
  BOOTSTRAP_API_KEY: () => randomBytes(32).toString('base64url'),
  ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
  ENVIRONMENT: () => 'development',
}

/** KEY=value lines (values optionally double-quoted); other lines are ignored. */
export function readDevVars(file) {
  const vars = {}
  if (!existsSync(file)) return vars
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*"?([^"]*)"?\s*$/.exec(line)
    if (match) vars[match[1]] = match[2]
  }
  return vars
}

/** Reads .dev.vars, adds any generated secret it lacks and writes it back (mode 0600) only if it added one. */
export function ensureDevVars(file) {
  const vars = readDevVars(file)
  let wrote = false
  for (const [name, make] of Object.entries(GENERATED)) {
    if (vars[name] === undefined) {
      vars[name] = make()
      wrote = true
    }
  }
  if (wrote) {
    const text = Object.entries(vars)
      .map(([name, value]) => `${name}="${value}"`)
      .join('\n')
    writeFileSync(file, `# Local secrets for wrangler dev, written by npm start. Never commit this file.\n${text}\n`, { mode: 0o600 })
  }
  return { vars, wrote }
}
