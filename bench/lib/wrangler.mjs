/**
 * Starting and stopping `wrangler dev` for the benchmarks, the way the end-to-end setup does it: a temporary
 * `--persist-to`, local D1 migrations, free ports, secrets as `--var`. Every dev server leads its own process group
 * (wrangler plus its workerd children); the group is stopped on `stop()`, and any group still running when the
 * benchmark exits, fails or is interrupted is killed, so no process outlives `npm run bench`.
 */
import { spawn } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import {
  ROOT,
  WRANGLER,
  captureOutput,
  childEnv,
  freePort,
  runWrangler,
  signalGroup,
  stopGroup as stopProcessGroup,
  waitUntilServing,
} from '../../scripts/lib/wrangler-process.mjs'

export { ROOT, freePort, runWrangler }
const STARTUP_TIMEOUT_MS = 120_000

/**
 * The product's wrangler.toml inside a snapshot of the project (see snapshotProject), else the project's own.
 * wrangler dev rebuilds and reloads whenever a source file changes; a benchmark on a tree that others edit must
 * not be reloaded halfway (a reload cuts off a running export or purge), so it runs a copy taken at the start.
 */
let productConfig = path.join(ROOT, 'wrangler.toml')
let snapshotDir = null

/**
 * Copies src/, migrations/, public/ (static assets) and the project files into bench/.data/ (inside the repository, so node_modules still
 * resolves) and points startDev and migrate at the copy. Removed again when the process exits.
 */
export function snapshotProject() {
  snapshotDir = path.join(ROOT, 'bench', '.data', `snapshot-${process.pid}`)
  rmSync(snapshotDir, { recursive: true, force: true })
  mkdirSync(snapshotDir, { recursive: true })
  for (const dir of ['src', 'migrations', 'public']) cpSync(path.join(ROOT, dir), path.join(snapshotDir, dir), { recursive: true })
  for (const file of ['wrangler.toml', 'package.json', 'tsconfig.json']) copyFileSync(path.join(ROOT, file), path.join(snapshotDir, file))
  productConfig = path.join(snapshotDir, 'wrangler.toml')
}

/** Process-group ids of dev servers that are still running. */
const liveGroups = new Set()

/** Stops a dev server's process group and forgets it. */
export async function stopGroup(pgid) {
  await stopProcessGroup(pgid)
  liveGroups.delete(pgid)
}

/** Last resort on exit: SIGKILL every group this process started and has not stopped. */
function killAll() {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL')
  liveGroups.clear()
  if (snapshotDir === null) return
  rmSync(snapshotDir, { recursive: true, force: true })
  // bench/.data itself too, when nothing else is in it.
  if (readdirSync(path.dirname(snapshotDir)).length === 0) rmSync(path.dirname(snapshotDir), { recursive: true, force: true })
}

/** On an interrupt or an error nobody caught: stop every group (TERM, then KILL after the grace period), then exit. */
async function stopAllAndExit(code, reason) {
  if (reason !== undefined) console.error(reason)
  await Promise.all([...liveGroups].map((pgid) => stopGroup(pgid)))
  process.exit(code)
}
process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAllAndExit(130))
process.on('uncaughtException', (error) => stopAllAndExit(1, error))
process.on('unhandledRejection', (error) => stopAllAndExit(1, error))

/** Applies migrations/ to the local D1 database under `persistTo`. */
export async function migrate(persistTo) {
  await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo, '--config', productConfig])
}

/**
 * Starts `wrangler dev` and resolves once `readyPath` answers. Options: `config` (a wrangler.toml, default the
 * product's, from the snapshot when one was taken), `persistTo`, `vars` (name -> value, passed as --var), `args` (more wrangler dev arguments), `logLevel`.
 * Returns `{ url, pgid, output, nextLine, stop }`.
 */
export async function startDev({ config = productConfig, persistTo, vars = {}, args = [], readyPath = '/', logLevel = 'warn' }) {
  const port = await freePort()
  const inspectorPort = await freePort()
  const devArgs = ['dev', '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(inspectorPort)]
  devArgs.push('--config', config)
  if (persistTo !== undefined) devArgs.push('--persist-to', persistTo)
  for (const [name, value] of Object.entries(vars)) devArgs.push('--var', `${name}:${value}`)
  devArgs.push('--show-interactive-dev-session=false', '--log-level', logLevel, ...args)
  // detached: wrangler leads its own process group, so stopping the group stops workerd along with it.
  const child = spawn(process.execPath, [WRANGLER, ...devArgs], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const pgid = child.pid
  if (pgid === undefined) throw new Error('wrangler dev did not start')
  liveGroups.add(pgid)
  const listeners = new Set()
  const output = captureOutput(child, listeners)
  const url = `http://127.0.0.1:${port}`
  try {
    await waitUntilServing(url + readyPath, child, output, STARTUP_TIMEOUT_MS)
  } catch (error) {
    await stopGroup(pgid)
    throw error
  }
  /** Resolves with the first output line `pattern` matches from now on; rejects after `timeoutMs`. */
  const nextLine = (pattern, timeoutMs) =>
    new Promise((resolve, reject) => {
      let pending = ''
      const timer = setTimeout(() => {
        listeners.delete(listen)
        reject(new Error(`no output line matched ${pattern} within ${timeoutMs} ms:\n${output()}`))
      }, timeoutMs)
      const listen = (text) => {
        const lines = (pending + text).split('\n')
        pending = lines.pop() ?? ''
        const line = lines.find((candidate) => pattern.test(candidate))
        if (line === undefined) return
        clearTimeout(timer)
        listeners.delete(listen)
        resolve(line)
      }
      listeners.add(listen)
    })
  return { url, pgid, output, nextLine, stop: () => stopGroup(pgid) }
}

/** Pids of the `workerd` processes in process group `pgid` (read from /proc; Linux only). */
export function workerdPids(pgid) {
  const pids = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the parenthesised command: state, ppid, pgrp, ...
      const close = stat.lastIndexOf(')')
      const command = stat.slice(stat.indexOf('(') + 1, close)
      const pgrp = Number(stat.slice(close + 2).split(' ')[2])
      if (pgrp === pgid && command.startsWith('workerd')) pids.push(Number(entry))
    } catch {
      // The process ended while we looked.
    }
  }
  return pids
}

/**
 * The workerd process that runs the Worker itself (and its local D1 and KV) rather than wrangler's proxy: of the
 * group's workerd processes, the one not listening on the public port.
 */
export function workerPid(dev) {
  const port = new URL(dev.url).port
  const pids = workerdPids(dev.pgid)
  const worker = pids.find((pid) => !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`:${port}\0`))
  if (worker === undefined) throw new Error(`no Worker workerd among ${pids.join(', ')}`)
  return worker
}
