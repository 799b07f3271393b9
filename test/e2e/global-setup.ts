import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the running Worker, as the FusionAuth client docs write it (`http://localhost:<port>`). */
    fusionAuthHost: string
    /** The superuser API key the Worker was started with (BOOTSTRAP_API_KEY). */
    superuserApiKey: string
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
const STARTUP_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 10_000
const KEPT_OUTPUT_CHARS = 20_000

/** Non-interactive, quiet wrangler: CI=true stops every prompt, even without a TTY. */
const childEnv = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' }

/** A port nobody listens on right now: bind :0 on loopback, read the port, release it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))))
    })
  })
}

/** The child's combined stdout and stderr, last KEPT_OUTPUT_CHARS characters, for failure messages. */
function captureOutput(child: ChildProcess): () => string {
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return () => output
}

/** Runs a wrangler command to completion; rejects with its output when it fails. */
async function runWrangler(args: string[]): Promise<void> {
  const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  const output = captureOutput(child)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  if (code !== 0) throw new Error(`wrangler ${args.join(' ')} exited with ${String(code)}:\n${output()}`)
}

/** True while any process of the group still exists (signal 0 only checks). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM to the whole group (node wrangler + workerd), then SIGKILL whatever outlives the grace period. */
async function stopGroup(pgid: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM')
  const deadline = Date.now() + STOP_TIMEOUT_MS
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL')
}

/** Polls a route until the Worker answers with any HTTP status, the child dies, or time runs out. */
async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited early (${String(child.exitCode ?? child.signalCode)}):\n${output()}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) })
      await response.arrayBuffer()
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  throw new Error(`wrangler dev did not answer ${url} within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`)
}

/**
 * Starts one `wrangler dev` on a fresh persistence directory with migrated D1, random secrets and a free
 * port, and hands the host and superuser key to the tests. The teardown stops the process group and
 * removes the directory, so nothing outlives the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const persistTo = await mkdtemp(path.join(tmpdir(), 'edge-login-e2e-'))
  const apiKey = randomBytes(32).toString('base64url')
  const encryptionKey = randomBytes(32).toString('base64')
  let child: ChildProcess | undefined
  const stop = async (): Promise<void> => {
    if (child?.pid !== undefined) await stopGroup(child.pid)
    await rm(persistTo, { recursive: true, force: true })
  }
  // Last resort when the runner exits without calling the teardown (Ctrl-C): no wrangler, workerd or
  // temp directory left behind. Only synchronous work runs in an 'exit' listener.
  const killOnExit = (): void => {
    if (child?.pid !== undefined) signalGroup(child.pid, 'SIGKILL')
    rmSync(persistTo, { recursive: true, force: true })
  }
  process.once('exit', killOnExit)

  try {
    await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo])
    const port = await freePort()
    const inspectorPort = await freePort()
    const devArgs = ['dev', '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(inspectorPort), '--persist-to', persistTo]
    const vars = { BOOTSTRAP_API_KEY: apiKey, ENCRYPTION_KEY: encryptionKey, ENVIRONMENT: 'development' }
    for (const [name, value] of Object.entries(vars)) devArgs.push('--var', `${name}:${value}`)
    devArgs.push('--show-interactive-dev-session=false', '--log-level', 'warn')
    // detached: wrangler leads its own process group, so the teardown can stop workerd along with it.
    child = spawn(process.execPath, [WRANGLER, ...devArgs], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const output = captureOutput(child)
    await waitUntilServing(`http://127.0.0.1:${port}/.well-known/jwks.json`, child, output)

    project.provide('fusionAuthHost', `http://localhost:${port}`)
    project.provide('superuserApiKey', apiKey)
  } catch (error) {
    await stop()
    process.removeListener('exit', killOnExit)
    throw error
  }

  return async () => {
    await stop()
    process.removeListener('exit', killOnExit)
  }
}
