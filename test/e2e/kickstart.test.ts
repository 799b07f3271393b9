import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FusionAuthClient } from '@fusionauth/typescript-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestProject } from 'vitest/node'
import startWorker from './global-setup'
import { NO_ID, client, host, ok, rejection, superuserKey, unique } from './support'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SCRIPT = path.join(ROOT, 'scripts', 'kickstart.mjs')
const EXAMPLE = path.join(ROOT, 'kickstart.example.json')
/** The example's (and the official client tests') API key and Pied Piper application. */
const EXAMPLE_KEY = 'bf69486b-4733-4470-a592-f1bfce7af580'
const PIED_PIPER = '85a03867-dccf-4882-adde-1a79aeec50df'
const FUSIONAUTH_APPLICATION = '3c219e58-ed0e-4b18-ad48-f4f92793ae32'
/** A port nothing listens on: the file checks must fail before any request is attempted. */
const NOWHERE = 'http://127.0.0.1:9'

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `node scripts/kickstart.mjs ...args` to completion. */
async function kickstart(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  return { code, stdout, stderr }
}

/**
 * A second, fresh `wrangler dev` for a test that needs an empty instance: the suite's global setup, called
 * directly. It only uses `provide`, so a stand-in project carries the values back (cast: it is not a real TestProject).
 */
async function freshInstance(): Promise<{ host: string; key: string; stop: () => Promise<void> }> {
  const provided = new Map<string, string>()
  const project = { provide: (name: string, value: string) => provided.set(name, value) } as unknown as TestProject
  const stop = await startWorker(project)
  return { host: provided.get('fusionAuthHost') ?? '', key: provided.get('superuserApiKey') ?? '', stop }
}

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kickstart-e2e-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function kickstartFile(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

describe('npm run kickstart: file checks (nothing is sent)', () => {
  it('rejects bad files with exit code 1 and a message naming the problem', async () => {
    const key = { key: `k-${unique()}` }
    const cases: [unknown, string][] = [
      ['{"apiKeys": [', 'not valid JSON'],
      [{ requests: [] }, '"apiKeys" must list at least one API key'],
      [{ apiKeys: [{ ...key, tenantId: crypto.randomUUID() }] }, 'apiKeys[0] must be global and unrestricted'],
      [{ apiKeys: [{ ...key, permissions: { endpoints: { '/api/user': ['GET'] } } }] }, 'apiKeys[0] must be global and unrestricted'],
      [{ apiKeys: [key], requests: [{ method: 'DELETE', url: '/api/user/x' }] }, 'requests[0].method must be one of POST, PUT, PATCH'],
      [{ apiKeys: [key], requests: [{ method: 'POST', url: 'http://elsewhere/api/user' }] }, 'requests[0].url must be a relative URL'],
      [{ apiKeys: [{ key: '#{missing}' }] }, '#{missing} is not a defined variable'],
      [{ variables: { a: '#{b}', b: '#{a}' }, apiKeys: [key] }, 'refers to itself'],
      [{ variables: { a: '#{ENV.KICKSTART_E2E_UNSET}' }, apiKeys: [key] }, 'environment variable KICKSTART_E2E_UNSET is not set'],
      [{ apiKeys: [key], requests: [{ method: 'POST', url: '/api/tenant', body: '&{missing.json}' }] }, 'cannot read'],
    ]
    for (const [content, message] of cases) {
      const run = await kickstart([await kickstartFile(`bad-${unique()}.json`, content), '--url', NOWHERE, '--key', 'k'])
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: expect.stringContaining(message) })
    }
  })

  it('answers usage errors with exit code 2', async () => {
    expect((await kickstart(['--bogus', '--key', 'k'])).code).toBe(2)
    expect((await kickstart(['a.json', 'b.json', '--key', 'k'])).code).toBe(2)
    expect((await kickstart(['a.json', '--url'])).code).toBe(2)
  })
})

describe('npm run kickstart against a used instance', () => {
  it('refuses with exit code 3 and sends nothing: the file\'s key never exists', async () => {
    await ok(client().createAPIKey(NO_ID, { apiKey: { metaData: { attributes: { description: `kickstart e2e ${unique()}` } } } }))
    const fileKey = `kickstart-${unique()}-${unique()}`
    const file = await kickstartFile(`used-${unique()}.json`, { apiKeys: [{ key: fileKey }], requests: [{ method: 'POST', url: '/api/tenant', body: { tenant: { name: `never-${unique()}` } } }] })
    const run = await kickstart([file, '--url', host(), '--key', superuserKey()])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('the instance is not empty')
    expect((await rejection(new FusionAuthClient(fileKey, host()).retrieveTenants())).statusCode).toBe(401)
  })

  it('names a refused bootstrap key', async () => {
    const file = await kickstartFile(`refused-${unique()}.json`, { apiKeys: [{ key: `k-${unique()}` }] })
    const run = await kickstart([file, '--url', host(), '--key', 'not-the-key'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('refused the API key')
  })
})

describe('npm run kickstart on a fresh instance', () => {
  it('seeds kickstart.example.json; the official client logs in as its admin; a second run refuses', async () => {
    const instance = await freshInstance()
    try {
      const run = await kickstart([EXAMPLE, '--url', instance.host, '--key', instance.key])
      expect(run.stderr).toContain('#{defaultTenantId} resolves to it')
      expect(run.code).toBe(0)
      const api = new FusionAuthClient(EXAMPLE_KEY, instance.host)
      const login = await ok(api.login({ loginId: 'admin@fusionauth.io', password: 'password', applicationId: PIED_PIPER }))
      expect(login.token).toBeTypeOf('string')
      expect(login.refreshToken).toBeTypeOf('string')
      const jian = await ok(api.retrieveUserByEmail('jian@fusionauth.io'))
      expect(jian.user?.id).toBe('00000000-0000-0000-0000-000000000008')
      expect(jian.user?.registrations?.map((r) => [r.applicationId, r.roles])).toEqual([[FUSIONAUTH_APPLICATION, ['admin']]])
      const tenants = await ok(api.retrieveTenants())
      expect(tenants.tenants?.map((t) => t.passwordEncryptionConfiguration?.encryptionSchemeFactor)).toEqual([24_000])
      expect((await kickstart([EXAMPLE, '--url', instance.host, '--key', instance.key])).code).toBe(3)
    } finally {
      await instance.stop()
    }
  })

  it('applies variables, ENV, UUID(), text and JSON includes, escapes and per-request tenantId', async () => {
    const instance = await freshInstance()
    try {
      const key = `templated-${unique()}-${unique()}`
      await kickstartFile('templated/notes/welcome.txt', 'line one\n"quoted" line two\n')
      await kickstartFile('templated/json/app.json', { application: { name: 'App in #{tenantName}', data: { note: '\\#{literal}' } } })
      await kickstartFile('templated/requests/tenant.json', { method: 'POST', url: '/api/tenant/#{secondTenantId}', body: { tenant: { name: '#{tenantName}' } } })
      const file = await kickstartFile('templated/kickstart.json', {
        variables: { apiKey: '#{ENV.KICKSTART_E2E_KEY}', secondTenantId: '#{UUID()}', tenantName: 'Aviato #{suffix}', suffix: 'Labs' },
        apiKeys: [{ key: '#{apiKey}', description: 'primary' }, { description: 'generated, tenant-locked', tenantId: '#{FUSIONAUTH_TENANT_ID}' }],
        requests: [
          '&{requests/tenant.json}',
          { method: 'POST', url: '/api/application', tenantId: '#{secondTenantId}', body: '&{json/app.json}' },
          { method: 'POST', url: '/api/user', tenantId: '#{secondTenantId}', body: { user: { email: 'aviato@example.com', password: 'password', data: { welcome: '@{notes/welcome.txt}', id: '#{UUID()}' } } } },
        ],
      })
      const run = await kickstart([file, '--url', instance.host, '--key', instance.key], { KICKSTART_E2E_KEY: key })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)

      const api = new FusionAuthClient(key, instance.host)
      const aviato = (await ok(api.retrieveTenants())).tenants?.find((t) => t.name === 'Aviato Labs')
      expect(aviato?.id).toMatch(/^[0-9a-f-]{36}$/)
      api.setTenantId(aviato?.id ?? '')
      const apps = await ok(api.retrieveApplications())
      expect(apps.applications?.map((a) => [a.name, a.data])).toEqual([['App in Aviato Labs', { note: '#{literal}' }]])
      const user = await ok(api.retrieveUserByEmail('aviato@example.com'))
      expect(user.user?.data?.welcome).toBe('line one\n"quoted" line two\n')
      expect(user.user?.data?.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(user.user?.data?.id).not.toBe(aviato?.id)
      // Both keys exist; the second was generated by the server and locked to the default tenant.
      const listed = await fetch(`${instance.host}/api/api-key`, { headers: { Authorization: instance.key } })
      const body = (await listed.json()) as { apiKeys: { tenantId?: string; metaData?: { attributes?: { description?: string } } }[] }
      const defaultTenant = (await ok(new FusionAuthClient(instance.key, instance.host).retrieveTenants())).tenants?.find((t) => t.name === 'Default')
      expect(body.apiKeys.map((k) => k.tenantId ?? null).sort()).toEqual([defaultTenant?.id, null])
    } finally {
      await instance.stop()
    }
  })
})
