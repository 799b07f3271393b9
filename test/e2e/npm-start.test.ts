/**
 * `npm start` as a user runs it: the banner after the ready line with a curl that works, state kept across
 * restarts, a clear refusal of a port in use, and nothing left listening or running after SIGTERM.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, freePort } from '../../scripts/lib/wrangler-process.mjs'

const BANNER_TIMEOUT_MS = 120_000

interface Started {
  child: ChildProcess
  output: () => string
}

/** `npm start -- <args>` with its own port, inspector port and state folder, as a user would pass them. */
function npmStart(args: string[]): Started {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  return { child, output: () => text }
}

async function waitFor(started: Started, marker: string): Promise<void> {
  const deadline = Date.now() + BANNER_TIMEOUT_MS
  while (!started.output().includes(marker)) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited early:\n${started.output()}`)
    if (Date.now() > deadline) throw new Error(`no "${marker}" within ${BANNER_TIMEOUT_MS} ms:\n${started.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)))

/** Processes whose command line names `needle` (our state folder is unique, so this finds wrangler and workerd). */
function processesNaming(needle: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (command.includes(needle)) found.push(`${pid}: ${command}`)
    } catch {
      // The process ended while we looked.
    }
  }
  return found
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(true))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)))
  })
}

describe('npm start', () => {
  let stateDir: string
  let port: number
  let inspectorPort: number
  const args = (): string[] => ['--port', String(port), '--inspector-port', String(inspectorPort), '--persist-to', stateDir]

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'edge-login-start-'))
    port = await freePort()
    inspectorPort = await freePort()
  })
  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true })
  })

  it('prints the URL, the key and a curl that works after the ready line, and SIGTERM leaves nothing running', async () => {
    const started = npmStart(args())
    await waitFor(started, 'Seed users')
    const output = started.output()
    expect(output.indexOf('is ready at')).toBeGreaterThan(output.indexOf('Ready on'))
    expect(output).toContain(`edge-login-api is ready at http://localhost:${port}`)
    expect(output).toContain('Created a new local database')
    expect(output).not.toMatch(/Migrations to be applied|migrations apply/i)

    const curl = /^ {2}(curl .*)$/m.exec(output)?.[1]
    expect(curl).toBeDefined()
    const { stdout } = await promisify(execFile)('sh', ['-c', `${curl ?? ''} -w '\\n%{http_code}'`])
    const [body, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)]
    expect(status).toBe('200')
    expect(JSON.parse(body)).toHaveProperty('tenants')

    started.child.kill('SIGTERM')
    await exited(started.child)
    // workerd may take a moment after wrangler; the script waits for the group, so by now it must be gone.
    expect(processesNaming(stateDir)).toEqual([])
    expect(await listening(port)).toBe(false)
  })

  it('keeps the local data on a second start and says so; SIGINT stops it too', async () => {
    const started = npmStart(args())
    await waitFor(started, 'Seed users')
    expect(started.output()).toContain(`Kept the local data in ${stateDir}`)
    started.child.kill('SIGINT')
    await exited(started.child)
    expect(processesNaming(stateDir)).toEqual([])
    expect(await listening(port)).toBe(false)
  })

  it('a stop right after the last 200 loses no login record: the local queue drains before wrangler stops', async () => {
    const logins = 20
    const started = npmStart(args())
    await waitFor(started, 'Seed users')
    const key = /Superuser API key \(the raw Authorization header\): (\S+)/.exec(started.output())?.[1] ?? ''
    const api = (route: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${route}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { Authorization: key, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    const records = async (userId: string): Promise<number> => {
      const response = await api(`/api/system/login-record/search?userId=${userId}&retrieveTotal=true`)
      expect(response.status).toBe(200)
      return ((await response.json()) as { total: number }).total
    }
    const application = (await (await api('/api/application', { application: { name: `drain-${Date.now()}` } })).json()) as {
      application: { id: string }
    }
    const email = `drain-${Date.now()}@example.com`
    const password = 'correct horse battery'
    const registered = await api('/api/user/registration', {
      user: { email, password },
      registration: { applicationId: application.application.id },
    })
    expect(registered.status).toBe(200)
    const userId = ((await registered.json()) as { user: { id: string } }).user.id
    // Whatever the registration itself recorded has been consumed after two batch timeouts.
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    const before = await records(userId)

    const statuses = await Promise.all(
      Array.from({ length: logins }, async () => {
        const response = await api('/api/login', { loginId: email, password, applicationId: application.application.id })
        await response.arrayBuffer()
        return response.status
      }),
    )
    started.child.kill('SIGTERM')
    expect(statuses).toEqual(Array.from({ length: logins }, () => 200))
    await exited(started.child)
    expect(processesNaming(stateDir)).toEqual([])

    const again = npmStart(args())
    try {
      await waitFor(again, 'Seed users')
      expect(await records(userId)).toBe(before + logins)
      expect(started.output()).toMatch(/waiting \d+(\.\d+)? s for the local queues/)
    } finally {
      again.child.kill('SIGTERM')
      await exited(again.child)
    }
  }, 300_000)

  it('refuses a port in use with one clear line and a non-zero exit', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const started = npmStart(args())
      const code = await exited(started.child)
      expect(code).not.toBe(0)
      expect(started.output()).toContain(`npm start: port ${port} is already in use.`)
      expect(started.output()).not.toMatch(/\n\s+at /)
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  it("with --kickstart seeds an empty instance at startup, its default tenant taking the file's defaultTenantId", async () => {
    const kickstartState = await mkdtemp(path.join(tmpdir(), 'edge-login-start-kickstart-'))
    const kickstartPort = await freePort()
    const started = npmStart([
      '--port',
      String(kickstartPort),
      '--inspector-port',
      String(await freePort()),
      '--persist-to',
      kickstartState,
      '--kickstart',
      'kickstart.example.json',
    ])
    try {
      await waitFor(started, 'kickstart: done')
      const example = JSON.parse(readFileSync(path.join(ROOT, 'kickstart.example.json'), 'utf8')) as {
        variables: { defaultTenantId: string }
      }
      const key = JSON.parse(readFileSync(path.join(ROOT, 'kickstart.example.json'), 'utf8')).apiKeys[0].key as string
      // The default tenant is the one kickstart's FUSIONAUTH_TENANT_ID resolved to: the file's defaultTenantId.
      const tenant = await fetch(`http://127.0.0.1:${kickstartPort}/api/tenant/${example.variables.defaultTenantId}`, {
        headers: { Authorization: key },
      })
      expect(tenant.status).toBe(200)
      expect(started.output()).not.toContain('cannot be changed to defaultTenantId')
    } finally {
      started.child.kill('SIGTERM')
      await exited(started.child)
      await rm(kickstartState, { recursive: true, force: true })
    }
  })
})
