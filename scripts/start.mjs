#!/usr/bin/env node
// `npm start [-- wrangler dev args]`: writes local secrets on first run, applies the local D1 migrations,
// then starts `wrangler dev` on FusionAuth's port 9011 and prints the superuser API key.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const devVarsPath = `${root}.dev.vars`
const args = process.argv.slice(2)

/** Reads .dev.vars as KEY=value lines. */
function readDevVars() {
  if (!existsSync(devVarsPath)) return {}
  const vars = {}
  for (const line of readFileSync(devVarsPath, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*"?([^"]*)"?\s*$/.exec(line)
    if (match) vars[match[1]] = match[2]
  }
  return vars
}

// Local secrets: generated once, kept across runs so the database's encrypted keys stay readable.
const vars = readDevVars()
const generated = {
  BOOTSTRAP_API_KEY: () => randomBytes(32).toString('base64url'),
  ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
  ENVIRONMENT: () => 'development',
}
let wrote = false
for (const [name, make] of Object.entries(generated)) {
  if (vars[name] === undefined) {
    vars[name] = make()
    wrote = true
  }
}
if (wrote) {
  const text = Object.entries(vars).map(([k, v]) => `${k}="${v}"`).join('\n')
  writeFileSync(devVarsPath, `# Local secrets for wrangler dev, written by npm start. Never commit this file.\n${text}\n`, { mode: 0o600 })
  console.log('Wrote local secrets to .dev.vars')
}

const valueOf = (flag) => {
  const index = args.indexOf(flag)
  if (index >= 0) return args[index + 1]
  const inline = args.find((a) => a.startsWith(`${flag}=`))
  return inline?.slice(flag.length + 1)
}
const persistTo = valueOf('--persist-to')
const port = valueOf('--port')
let apiKey = vars.BOOTSTRAP_API_KEY
args.forEach((arg, i) => {
  const value = arg === '--var' ? args[i + 1] : arg.startsWith('--var=') ? arg.slice(6) : undefined
  if (value?.startsWith('BOOTSTRAP_API_KEY:')) apiKey = value.slice('BOOTSTRAP_API_KEY:'.length)
})

const wrangler = ['wrangler']
const migrate = [...wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', ...(persistTo ? ['--persist-to', persistTo] : [])]
const applied = spawnSync('npx', migrate, { cwd: root, stdio: 'inherit', env: { WRANGLER_SEND_METRICS: 'false', ...process.env, CI: 'true' } })
if (applied.status !== 0) process.exit(applied.status ?? 1)

const devArgs = [...wrangler, 'dev', ...(port ? [] : ['--port', '9011']), ...args]
console.log(`\nSuperuser API key (send it as the raw Authorization header): ${apiKey}`)
console.log(`Listening on http://localhost:${port ?? 9011}\n`)
const dev = spawn('npx', devArgs, { cwd: root, stdio: 'inherit', env: { WRANGLER_SEND_METRICS: 'false', ...process.env } })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))
