/**
 * Running `wrangler dev` and other wrangler commands as child processes, for the end-to-end suite and the benchmarks:
 * free ports, output kept for error messages, readiness polling, and stopping a dev server's whole process group
 * (wrangler plus its workerd children) so nothing outlives the run.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** wrangler's own entry, run with the current Node (no npx wrapper between us and the process group). */
export const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
const STOP_TIMEOUT_MS = 10_000
const KEPT_OUTPUT_CHARS = 20_000

/** Non-interactive, quiet wrangler: CI=true stops every prompt, even without a TTY. */
export const childEnv = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' }

/** A port nobody listens on right now: bind :0 on loopback, read the port, release it. */
export async function freePort() {
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

/** Keeps the child's last output for error messages and hands every chunk to the listeners in `listeners`. */
export function captureOutput(child, listeners = new Set()) {
  let output = ''
  const keep = (chunk) => {
    const text = chunk.toString('utf8')
    output = (output + text).slice(-KEPT_OUTPUT_CHARS)
    for (const listener of listeners) listener(text)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return () => output
}

/** Runs a wrangler command to completion; rejects with its output when it fails, else resolves with it. */
export async function runWrangler(args) {
  const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  const output = captureOutput(child)
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  if (code !== 0) throw new Error(`wrangler ${args.join(' ')} exited with ${String(code)}:\n${output()}`)
  return output()
}

export function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal)
  } catch {
    // The group is already gone.
  }
}

/** True while any process of the group still exists (signal 0 only checks). */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** SIGTERM to the whole group, then SIGKILL whatever outlives the grace period. */
export async function stopGroup(pgid) {
  signalGroup(pgid, 'SIGTERM')
  const deadline = Date.now() + STOP_TIMEOUT_MS
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL')
}

/** Polls a route until the Worker answers with any HTTP status, the child dies, or `timeoutMillis` runs out. */
export async function waitUntilServing(url, child, output, timeoutMillis) {
  const deadline = Date.now() + timeoutMillis
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
  throw new Error(`wrangler dev did not answer ${url} within ${timeoutMillis} ms:\n${output()}`)
}
