#!/usr/bin/env node
// `npm start [-- wrangler dev args]`: writes local secrets on first run, applies the local D1 migrations quietly,
// starts `wrangler dev` on FusionAuth's port 9011 and, once it answers, prints the URL, the superuser API key and a
// curl that works. SIGINT and SIGTERM stop wrangler and its workerd children with it.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ensureDevVars } from './lib/dev-vars.mjs'
import { portInUse } from './lib/ports.mjs'
import { ROOT, WRANGLER, childEnv, runWrangler, stopGroup, waitUntilServing } from './lib/wrangler-process.mjs'

const DEFAULT_PORT = 9011
const STARTUP_TIMEOUT_MS = 120_000
const args = process.argv.slice(2)

// `--kickstart FILE` is ours, not wrangler's: FusionAuth runs a kickstart.json at startup, on an empty instance, and
// creates its default tenant with the file's `variables.defaultTenantId`.
const kickstartAt = args.findIndex((arg) => arg === '--kickstart' || arg.startsWith('--kickstart='))
const kickstartFile =
  kickstartAt < 0 ? undefined : args[kickstartAt].includes('=') ? args[kickstartAt].slice('--kickstart='.length) : args[kickstartAt + 1]
if (kickstartAt >= 0) args.splice(kickstartAt, args[kickstartAt].includes('=') ? 1 : 2)

/** The value of `--flag value` or `--flag=value` among the arguments for wrangler dev. */
function flagValue(flag) {
  const index = args.indexOf(flag)
  if (index >= 0) return args[index + 1]
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1)
}

/** A `--var NAME:value` given on the command line wins over .dev.vars, as it does for wrangler dev. */
function varOverride(name) {
  let value
  args.forEach((arg, i) => {
    const pair = arg === '--var' ? args[i + 1] : arg.startsWith('--var=') ? arg.slice('--var='.length) : undefined
    if (pair?.startsWith(`${name}:`)) value = pair.slice(name.length + 1)
  })
  return value
}

function fail(message) {
  console.error(`npm start: ${message}`)
  process.exit(1)
}

const { vars, wrote } = ensureDevVars(path.join(ROOT, '.dev.vars'))
if (wrote) console.log('Wrote new local secrets to .dev.vars (kept on later runs).')

const port = Number(flagValue('--port') ?? DEFAULT_PORT)
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port must be a TCP port, not ${flagValue('--port')}.`)
const ip = flagValue('--ip') ?? '127.0.0.1'
if (await portInUse(port, ip)) fail(`port ${port} is already in use. Stop what listens there, or choose another: npm start -- --port 9012`)

const persistTo = flagValue('--persist-to')
const stateDir = persistTo ?? path.join(ROOT, '.wrangler', 'state')
const shownStateDir = stateDir.startsWith(ROOT) ? path.relative(ROOT, stateDir) : stateDir
const hadState = existsSync(path.join(stateDir, 'v3', 'd1'))
try {
  // Migration output is noise on a good day; on a bad one it is the whole story, so it is shown only then.
  await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...(persistTo ? ['--persist-to', persistTo] : [])])
} catch (error) {
  fail(`applying the local D1 migrations failed.\n${error instanceof Error ? error.message : String(error)}`)
}

const devArgs = ['dev', ...(flagValue('--port') ? [] : ['--port', String(DEFAULT_PORT)]), ...args]
if (kickstartFile !== undefined) {
  let defaultTenantId
  try {
    defaultTenantId = JSON.parse(readFileSync(path.resolve(kickstartFile), 'utf8')).variables?.defaultTenantId
  } catch (error) {
    fail(`cannot read the kickstart file ${kickstartFile}: ${error instanceof Error ? error.message : String(error)}`)
  }
  // Used by the Worker only when it seeds an empty database; a second start keeps the tenant it has.
  if (typeof defaultTenantId === 'string') devArgs.push('--var', `DEFAULT_TENANT_ID:${defaultTenantId}`)
}
// detached: wrangler leads its own process group, so a stop reaches workerd too, not only wrangler.
const dev = spawn(process.execPath, [WRANGLER, ...devArgs], {
  cwd: ROOT,
  env: { ...childEnv, CI: process.env.CI ?? '', NO_COLOR: process.env.NO_COLOR ?? '', FORCE_COLOR: process.env.FORCE_COLOR ?? '' },
  stdio: ['inherit', 'pipe', 'pipe'],
  detached: true,
})
let output = ''
const forward = (target) => (chunk) => {
  output = (output + chunk.toString('utf8')).slice(-20_000)
  target.write(chunk)
}
dev.stdout.on('data', forward(process.stdout))
dev.stderr.on('data', forward(process.stderr))

let stopping = false
async function stop(signal) {
  if (stopping) return
  stopping = true
  await stopGroup(dev.pid)
  process.exit(signal === 'SIGINT' ? 130 : 143)
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(signal))
// A process manager that kills only the npm process leaves this one orphaned (its parent becomes another
// process): stop then too, so no wrangler or workerd outlives `npm start`.
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) void stop('SIGTERM')
}, 500).unref()
dev.on('exit', (code, signal) => {
  if (!stopping) process.exit(code ?? (signal ? 1 : 0))
})

const anyAddress = ip === '0.0.0.0' || ip === '::'
const url = `http://${anyAddress || ip === '127.0.0.1' ? 'localhost' : ip}:${port}`
try {
  await waitUntilServing(`http://${anyAddress ? '127.0.0.1' : ip}:${port}/.well-known/jwks.json`, dev, () => output, STARTUP_TIMEOUT_MS)
} catch (error) {
  if (stopping) await new Promise(() => {})
  await stopGroup(dev.pid)
  fail(error instanceof Error ? error.message : String(error))
}

const apiKey = varOverride('BOOTSTRAP_API_KEY') ?? vars.BOOTSTRAP_API_KEY
console.log(
  [
    '',
    `edge-login-api is ready at ${url}`,
    hadState
      ? `Kept the local data in ${shownStateDir} (delete that folder to start empty).`
      : `Created a new local database in ${shownStateDir}.`,
    `Superuser API key (the raw Authorization header): ${apiKey}`,
    'Try it:',
    `  curl -s ${url}/api/tenant -H 'Authorization: ${apiKey}'`,
    kickstartFile === undefined
      ? 'Seed users and an application: npm run kickstart -- kickstart.example.json   (docs/getting-started.md)'
      : `Kickstart: ${kickstartFile}`,
    '',
  ].join('\n'),
)

if (kickstartFile !== undefined) {
  // The kickstart script refuses (exit 3) an instance that already holds data: a second start keeps what it has.
  // Asynchronous, so wrangler's output keeps flowing while the kickstart's requests are served.
  const seeding = spawn(process.execPath, [path.join(ROOT, 'scripts', 'kickstart.mjs'), kickstartFile, '--url', url, '--key', apiKey], {
    stdio: 'inherit',
  })
  const status = await new Promise((resolve) => seeding.on('exit', (code) => resolve(code)))
  if (status === 3) console.log('Kickstart skipped: the instance already holds data.')
  else if (status !== 0) console.error(`npm start: the kickstart failed (exit ${status}); the server keeps running.`)
}
