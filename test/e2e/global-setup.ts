import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import {
  ROOT,
  WRANGLER,
  captureOutput,
  childEnv,
  freePort,
  runWrangler,
  signalGroup,
  stopGroup,
  waitUntilServing,
} from '../../scripts/lib/wrangler-process.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the running Worker, as the FusionAuth client docs write it (`http://localhost:<port>`). */
    fusionAuthHost: string
    /** The superuser API key the Worker was started with (BOOTSTRAP_API_KEY). */
    superuserApiKey: string
  }
}

const STARTUP_TIMEOUT_MS = 90_000

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
    const devArgs = [
      'dev',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persistTo,
    ]
    const vars = { BOOTSTRAP_API_KEY: apiKey, ENCRYPTION_KEY: encryptionKey, ENVIRONMENT: 'development' }
    for (const [name, value] of Object.entries(vars)) devArgs.push('--var', `${name}:${value}`)
    devArgs.push('--show-interactive-dev-session=false', '--log-level', 'warn')
    // detached: wrangler leads its own process group, so the teardown can stop workerd along with it.
    child = spawn(process.execPath, [WRANGLER, ...devArgs], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const output = captureOutput(child)
    await waitUntilServing(`http://127.0.0.1:${port}/.well-known/jwks.json`, child, output, STARTUP_TIMEOUT_MS)

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
