#!/usr/bin/env node
// `npm start [-- wrangler dev args]`: writes local secrets on first run, applies the local D1 migrations quietly,
// starts `wrangler dev` on FusionAuth's port 9011 and, once it answers, prints the URL, the superuser API key and a
// curl that works. SIGINT and SIGTERM stop wrangler and its workerd children with it, once the local queues have had
// time to hand their messages to the consumer (a second signal stops at once).
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ensureDevVars } from './lib/dev-vars.mjs'
import { portInUse } from './lib/ports.mjs'
import { ROOT, WRANGLER, childEnv, runWrangler, signalGroup, stopGroup, waitUntilServing } from './lib/wrangler-process.mjs'

const DEFAULT_PORT = 9011
const STARTUP_TIMEOUT_MS = 120_000
/** Miniflare's default max_batch_timeout (seconds), for a consumer that names none. */
const LOCAL_DEFAULT_BATCH_TIMEOUT_SECONDS = 1
/** npm passes on the Ctrl-C the terminal also sent this process: a signal this soon after the first is that echo. */
const SIGNAL_ECHO_MS = 500
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

/**
 * How long a stop waits for the local queues: twice the longest max_batch_timeout among wrangler.toml's consumers.
 * Miniflare's queue broker keeps messages in memory (production Queues are durable), so stopping wrangler loses the
 * login records its consumer has not taken yet. No exact "backlog empty" signal reaches this process cheaply: the
 * broker's metrics are only behind the Worker's own binding, and their backlog leaves out a batch in flight and
 * messages waiting for a retry. A message waits at most one batch timeout before its batch is handed over, so twice
 * that covers it and the consumer's write; a retry after a failed batch (retry_delay) is not covered.
 */
function drainGraceMillis() {
  let toml
  try {
    toml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8')
  } catch {
    return 0
  }
  const consumers = toml.split(/^\s*\[\[queues\.consumers\]\]\s*$/m).slice(1)
  const timeouts = consumers.map((section) => {
    const own = section.split(/^\s*\[/m)[0]
    const value = /^\s*max_batch_timeout\s*=\s*([0-9.]+)/m.exec(own)?.[1]
    return value === undefined ? LOCAL_DEFAULT_BATCH_TIMEOUT_SECONDS : Number(value)
  })
  return 2 * Math.max(0, ...timeouts.filter(Number.isFinite)) * 1000
}

let ready = false
let stopping = false
let firstSignalAt = 0
let endGrace = () => {}
let exitCode = 143
async function stop(signal, { fromSignal = true } = {}) {
  if (stopping) {
    // A second signal (not the echo of the first, not the orphan check): stop now.
    if (fromSignal && Date.now() - firstSignalAt > SIGNAL_ECHO_MS) {
      endGrace()
      signalGroup(dev.pid, 'SIGKILL')
    }
    return
  }
  stopping = true
  firstSignalAt = Date.now()
  exitCode = signal === 'SIGINT' ? 130 : 143
  const grace = drainGraceMillis()
  // Before the ready line nothing was served, so nothing is queued.
  if (ready && grace > 0 && dev.exitCode === null && dev.signalCode === null) {
    console.log(
      `\nnpm start: stopping; waiting ${grace / 1000} s for the local queues to hand their messages (login records) to the consumer. Stop again to quit now.`,
    )
    await new Promise((resolve) => {
      endGrace = resolve
      setTimeout(resolve, grace)
      dev.once('exit', resolve)
    })
  }
  await stopGroup(dev.pid)
  process.exit(exitCode)
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(signal))
// A process manager that kills only the npm process leaves this one orphaned (its parent becomes another
// process): stop then too, so no wrangler or workerd outlives `npm start`.
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) void stop('SIGTERM', { fromSignal: false })
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
ready = true

const apiKey = varOverride('BOOTSTRAP_API_KEY') ?? vars.BOOTSTRAP_API_KEY
console.log(
  [
    '',
    `edge-login-api is ready at ${url}`,
    hadState
      ? `Kept the local data in ${shownStateDir} (delete that folder to start empty).`
      : `Created a new local database in ${shownStateDir}.`,
    `Superuser API key (the raw Authorization header): ${apiKey}`,
    `Console (needs a console admin, see the README's Console section): ${url}/console/`,
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
