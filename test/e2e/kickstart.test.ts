import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { FusionAuthClient } from '@fusionauth/typescript-client'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestProject } from 'vitest/node'
import { SERVED, classify } from '../../scripts/kickstart-endpoints.mjs'
import startWorker from './global-setup'
import { NO_ID, client, host, ok, rejection, superuserKey, unique } from './support'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SCRIPT = path.join(ROOT, 'scripts', 'kickstart.mjs')
const EXAMPLE = path.join(ROOT, 'kickstart.example.json')
/** Real kickstart files from FusionAuth's example repositories, copied unchanged (sources in the folder's README). */
const FIXTURES = path.join(ROOT, 'test', 'e2e', 'fixtures', 'kickstart')
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
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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

interface Instance {
  host: string
  key: string
}

/**
 * Runs `test` against a second, fresh `wrangler dev` (kickstart needs an empty instance): the suite's global setup,
 * called directly. It only uses `provide`, so a stand-in project carries the values back (cast: it is not a real TestProject).
 */
async function withFreshInstance(test: (instance: Instance) => Promise<void>): Promise<void> {
  const provided = new Map<string, string>()
  const project = { provide: (name: string, value: string) => provided.set(name, value) } as unknown as TestProject
  const stop = await startWorker(project)
  try {
    await test({ host: provided.get('fusionAuthHost') ?? '', key: provided.get('superuserApiKey') ?? '' })
  } finally {
    await stop()
  }
}

/** Logs in through the official client and returns the access token's roles. */
async function loginRoles(instance: Instance, apiKey: string, loginId: string, applicationId: string): Promise<unknown> {
  const login = await ok(new FusionAuthClient(apiKey, instance.host).login({ loginId, password: 'password', applicationId }))
  expect(login.token).toBeTypeOf('string')
  return decodeJwt(login.token ?? '').roles
}

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kickstart-e2e-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A Hono route path with each `:name` or `:name{pattern}` replaced by `replace(pattern)` (patterns may hold braces). */
function withParams(template: string, replace: (pattern: string | undefined) => string): string {
  let out = ''
  for (let i = 0; i < template.length; ) {
    if (template[i] !== ':') {
      out += template[i++]
      continue
    }
    let j = i + 1
    while (j < template.length && /\w/.test(template[j] ?? '')) j++
    let pattern: string | undefined
    if (template[j] === '{') {
      let depth = 0
      let k = j
      for (; k < template.length; k++) {
        if (template[k] === '{') depth++
        else if (template[k] === '}' && --depth === 0) break
      }
      pattern = template.slice(j + 1, k)
      j = k + 1
    }
    out += replace(pattern)
    i = j
  }
  return out
}

async function kickstartFile(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

describe('npm run kickstart: file checks (nothing is sent)', () => {
  it('rejects bad files with exit code 1 and a message naming the problem', async () => {
    const key = { key: `k-${unique()}` }
    const tenant = (name: string) => ({ method: 'POST', url: '/api/tenant', body: { tenant: { name } } })
    const cases: [unknown, string][] = [
      ['{"apiKeys": [', 'not valid JSON'],
      ['[]', 'must hold a JSON object'],
      [{ requests: [] }, '"apiKeys" must list at least one API key'],
      [{ apiKeys: [{ ...key, tenantId: crypto.randomUUID() }] }, 'apiKeys[0] must be global and unrestricted'],
      [{ apiKeys: [{ ...key, permissions: { endpoints: { '/api/user': ['GET'] } } }] }, 'apiKeys[0] must be global and unrestricted'],
      [
        { apiKeys: [{ ...key, ipAccessControlListId: crypto.randomUUID() }] },
        'apiKeys[0] cannot be created: it names an IP access control list',
      ],
      [{ apiKeys: [key], requests: {} }, '"requests" must be an array'],
      [{ apiKeys: [key], requests: ['POST /api/tenant'] }, 'requests[0] must be an object or a JSON include'],
      [{ apiKeys: [key], requests: [{ method: 'DELETE', url: '/api/user/x' }] }, 'requests[0].method must be one of POST, PUT, PATCH'],
      [{ apiKeys: [key], requests: [{ method: 'POST', url: 'http://elsewhere/api/user' }] }, 'requests[0].url must be a relative URL'],
      [{ apiKeys: [{ key: '#{missing}' }] }, '#{missing} is not a defined variable'],
      // Unknown variables anywhere a sent request reads them: the body, the URL, a variable.
      [{ apiKeys: [key], requests: [tenant('ok'), tenant('#{nope}')] }, '#{nope} is not a defined variable'],
      [{ apiKeys: [key], requests: [{ method: 'PATCH', url: '/api/tenant/#{nope}', body: {} }] }, '#{nope} is not a defined variable'],
      [{ variables: { name: 'x #{nope}' }, apiKeys: [key] }, 'variable "name" uses #{nope}, which is not defined'],
      [{ variables: { a: '#{b}', b: '#{a}' }, apiKeys: [key] }, 'refers to itself'],
      [{ variables: { a: '#{ENV.KICKSTART_E2E_UNSET}' }, apiKeys: [key] }, 'environment variable KICKSTART_E2E_UNSET is not set'],
      [{ variables: { defaultTenantId: 'not-a-uuid' }, apiKeys: [key] }, 'variable "defaultTenantId" must be a UUID'],
      [{ apiKeys: [key], requests: [{ method: 'POST', url: '/api/tenant', body: '&{missing.json}' }] }, 'cannot read'],
      [{ apiKeys: [key], requests: ['&{missing-request.json}'] }, 'cannot read'],
    ]
    for (const [content, message] of cases) {
      const run = await kickstart([await kickstartFile(`bad-${unique()}.json`, content), '--url', NOWHERE, '--key', 'k'])
      expect({ content, code: run.code, stderr: run.stderr }).toEqual({ content, code: 1, stderr: expect.stringContaining(message) })
    }
  })

  it('--strict refuses a file that uses endpoints this product does not serve, listing each, before sending anything', async () => {
    const themeId = crypto.randomUUID()
    const file = await kickstartFile(`strict-${unique()}.json`, {
      apiKeys: [{ key: `k-${unique()}` }, { key: `k-${unique()}`, ipAccessControlListId: crypto.randomUUID() }],
      requests: [
        { method: 'POST', url: '/api/tenant', body: { tenant: { name: 'fine' } } },
        { method: 'POST', url: `/api/theme/${themeId}`, body: { theme: { name: 'skipped' } } },
        { method: 'POST', url: 'api/lambda', body: { lambda: { name: 'skipped' } } },
      ],
    })
    const run = await kickstart([file, '--strict', '--url', NOWHERE, '--key', 'k'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`[2/3] POST /api/theme/${themeId} skipped: themes:`)
    expect(run.stderr).toContain('[3/3] POST /api/lambda skipped: lambdas are not implemented')
    expect(run.stderr).toContain('apiKeys[1] skipped: it names an IP access control list (ipAccessControlListId)')
    expect(run.stderr).toContain('--strict: 2 request(s) and 1 API key(s) would be skipped (above); nothing was sent')
    expect(run.stderr).not.toContain('failed') // no connection was attempted

    const real = await kickstart([path.join(FIXTURES, 'get-started', 'kickstart.json'), '--strict', '--url', NOWHERE, '--key', 'k'])
    expect(real.code).toBe(1)
    expect(real.stderr).toContain('--strict: 3 request(s)')
  })

  it('answers usage errors with exit code 2', async () => {
    expect((await kickstart(['--bogus', '--key', 'k'])).code).toBe(2)
    expect((await kickstart(['a.json', 'b.json', '--key', 'k'])).code).toBe(2)
    expect((await kickstart(['a.json', '--url'])).code).toBe(2)
    expect((await kickstart(['a.json', '--strict=yes', '--key', 'k'])).code).toBe(2)
  })
})

describe('the endpoint table the kickstart script skips by', () => {
  it("matches the Worker's own POST/PUT/PATCH routes, both ways", async () => {
    // Imported by URL so the Workers-typed source stays out of this Node-typed project's type check.
    const { createApp } = (await import(pathToFileURL(path.join(ROOT, 'src', 'app.ts')).href)) as {
      createApp: () => { routes: { method: string; path: string }[] }
    }
    const id = crypto.randomUUID()
    const routes = createApp().routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.path.startsWith('/api/'))
    expect(routes.length).toBeGreaterThan(40)
    const unlisted = routes
      .filter(
        (r) =>
          !classify(
            r.method,
            withParams(r.path, () => id),
          ).served,
      )
      .map((r) => `${r.method} ${r.path}`)
    expect(unlisted, 'routes the Worker serves that scripts/kickstart-endpoints.mjs would skip').toEqual([])

    const matchers = routes.map((r) => ({
      method: r.method,
      pattern: new RegExp(`^${withParams(r.path, (p) => (p === undefined ? '[^/]+' : `(?:${p})`))}$`),
    }))
    const phantom = SERVED.flatMap(([methods, template]) => methods.split(' ').map((method) => ({ method, template }))).filter(
      ({ method, template }) => {
        const url = template.replaceAll('{id}', id).replaceAll('{uuid}', id)
        return !matchers.some((m) => m.method === method && m.pattern.test(url))
      },
    )
    expect(phantom, 'entries in scripts/kickstart-endpoints.mjs the Worker does not route').toEqual([])
  })

  it('names the FusionAuth family and why for what it skips', () => {
    const id = crypto.randomUUID()
    expect(classify('POST', `/api/group/${id}`)).toEqual({ served: true, global: false })
    expect(classify('POST', '/api/group/member')).toEqual({ served: true, global: false })
    expect(classify('POST', '/api/lambda')).toEqual({ served: false, family: '/api/lambda', reason: 'lambdas are not implemented' })
    expect(classify('PATCH', `/api/theme/${id}`)).toMatchObject({ served: false, family: '/api/theme' })
    expect(classify('POST', `/api/application/${id}/scope`)).toMatchObject({ served: false, family: '/api/application/{id}/scope' })
    expect(classify('POST', '/api/user/family/x')).toMatchObject({ served: false, family: '/api/user/family' })
    expect(classify('PATCH', `/api/user-action/${id}`)).toMatchObject({
      served: false,
      reason: `this product serves /api/user-action/${id} with POST, PUT, not PATCH`,
    })
    expect(classify('POST', '/api/nothing-like-it')).toMatchObject({ served: false, reason: 'not an API this product serves' })
    expect(classify('POST', `/api/user/registration/${id}?sendSetPasswordEmail=false`)).toEqual({ served: true, global: false })
    expect(classify('POST', `/api/key/generate/${id}`)).toEqual({ served: true, global: true })
  })
})

describe('npm run kickstart against a used instance', () => {
  it("refuses with exit code 3 and sends nothing: the file's key never exists", async () => {
    await ok(client().createAPIKey(NO_ID, { apiKey: { metaData: { attributes: { description: `kickstart e2e ${unique()}` } } } }))
    const fileKey = `kickstart-${unique()}-${unique()}`
    const file = await kickstartFile(`used-${unique()}.json`, {
      apiKeys: [{ key: fileKey }],
      requests: [{ method: 'POST', url: '/api/tenant', body: { tenant: { name: `never-${unique()}` } } }],
    })
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
    await withFreshInstance(async (instance) => {
      const run = await kickstart([EXAMPLE, '--url', instance.host, '--key', instance.key])
      expect(run.stderr).toContain('cannot be changed to defaultTenantId 30663132-6464-6665-3032-326466613934')
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
      // FusionAuth's admin application, as every FusionAuth has it: its roles carry their fixed ids.
      const admin = await ok(api.retrieveApplication(FUSIONAUTH_APPLICATION))
      expect(admin.application?.roles?.find((r) => r.name === 'admin')).toMatchObject({
        id: '631ecd9d-8d40-4c13-8277-80cedb8236e2',
        isSuperRole: true,
      })
      expect(admin.application?.roles).toHaveLength(38)
      expect((await kickstart([EXAMPLE, '--url', instance.host, '--key', instance.key])).code).toBe(3)
    })
  })

  it('applies variables, ENV, UUID(), includes, escapes, per-request tenantId and every built-in variable', async () => {
    await withFreshInstance(async (instance) => {
      const key = `templated-${unique()}-${unique()}`
      const tenantManagerId = crypto.randomUUID()
      await kickstartFile('templated/notes/welcome.txt', 'line one\n"quoted" line two\n')
      await kickstartFile('templated/json/app.json', { application: { name: 'App in #{tenantName}', data: { note: '\\#{literal}' } } })
      await kickstartFile('templated/requests/tenant.json', {
        method: 'POST',
        url: '/api/tenant/#{secondTenantId}',
        body: { tenant: { name: '#{tenantName}' } },
      })
      const file = await kickstartFile('templated/kickstart.json', {
        variables: {
          apiKey: '#{ENV.KICKSTART_E2E_KEY}',
          secondTenantId: '#{UUID()}',
          tenantName: 'Aviato #{suffix}',
          suffix: 'Labs',
          tenantManagerApplicationId: tenantManagerId,
          home: '#{FUSIONAUTH_TENANT_ID}',
        },
        // The second key is locked to the tenant a request creates: FusionAuth creates it after the requests.
        apiKeys: [
          { key: '#{apiKey}', description: 'primary' },
          { description: 'generated, tenant-locked', tenantId: '#{secondTenantId}' },
        ],
        requests: [
          '&{requests/tenant.json}',
          { method: 'POST', url: '/api/application', tenantId: '#{secondTenantId}', body: '&{json/app.json}' },
          {
            method: 'POST',
            url: '/api/user',
            tenantId: '#{secondTenantId}',
            body: {
              user: {
                email: 'aviato@example.com',
                password: 'password',
                data: { welcome: '@{notes/welcome.txt}', id: '#{UUID()}', home: '#{home}' },
              },
            },
          },
          {
            method: 'POST',
            url: '/api/tenant',
            body: {
              tenant: {
                name: 'Built-ins',
                // FusionAuth's HS384 OpenID Connect shadow key and default lambda, neither of which exists here.
                jwtConfiguration: {
                  accessTokenKeyId: '#{FUSIONAUTH_DEFAULT_SIGNING_KEY_ID}',
                  idTokenKeyId: '4b8f1c06-518e-45bd-9ac5-d549686ae02a',
                },
                lambdaConfiguration: { loginValidationId: '#{FUSIONAUTH_LAMBDA[GoogleReconcile]_ID}' },
              },
            },
          },
          {
            method: 'POST',
            url: '/api/user/registration',
            body: {
              user: { email: 'manager@example.com', password: 'password' },
              registration: { applicationId: '#{TENANT_MANAGER_ID}', roles: ['admin'] },
            },
          },
        ],
      })
      const run = await kickstart([file, '--url', instance.host, '--key', instance.key], { KICKSTART_E2E_KEY: key })
      expect(run.stderr).toContain("4b8f1c06-518e-45bd-9ac5-d549686ae02a is FusionAuth's HS384 OpenID Connect shadow key")
      expect(run.stderr).toContain('#{FUSIONAUTH_LAMBDA[GoogleReconcile]_ID} names a default FusionAuth lambda')
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('done: 5 of 5 request(s) applied, 0 skipped, 2 API key(s) created')

      const api = new FusionAuthClient(key, instance.host)
      const tenants = (await ok(api.retrieveTenants())).tenants ?? []
      const defaultTenant = tenants.find((t) => t.name === 'Default')
      const aviato = tenants.find((t) => t.name === 'Aviato Labs')
      expect(aviato?.id).toMatch(/^[0-9a-f-]{36}$/)
      api.setTenantId(aviato?.id ?? '')
      const apps = await ok(api.retrieveApplications())
      expect(apps.applications?.map((a) => [a.name, a.data])).toEqual([['App in Aviato Labs', { note: '#{literal}' }]])
      const user = await ok(api.retrieveUserByEmail('aviato@example.com'))
      expect(user.user?.data?.welcome).toBe('line one\n"quoted" line two\n')
      expect(user.user?.data?.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(user.user?.data?.id).not.toBe(aviato?.id)
      expect(user.user?.data?.home).toBe(defaultTenant?.id)
      // Both keys exist; the second was generated by the server and locked to the tenant the requests created.
      const listed = await fetch(`${instance.host}/api/api-key`, { headers: { Authorization: instance.key } })
      const body = (await listed.json()) as { apiKeys: { tenantId?: string; metaData?: { attributes?: { description?: string } } }[] }
      expect(body.apiKeys.map((k) => [k.metaData?.attributes?.description, k.tenantId ?? null])).toEqual([
        ['primary', null],
        ['generated, tenant-locked', aviato?.id],
      ])

      // The shadow key became an HS384 key of this instance; the Tenant Manager exists under the file's id.
      const builtIns = tenants.find((t) => t.name === 'Built-ins')
      expect(builtIns?.jwtConfiguration?.accessTokenKeyId).toBe(defaultTenant?.jwtConfiguration?.accessTokenKeyId)
      const hs384 = await ok(new FusionAuthClient(instance.key, instance.host).retrieveKey(builtIns?.jwtConfiguration?.idTokenKeyId ?? ''))
      expect(hs384.key?.algorithm).toBe('HS384')
      expect(await loginRoles(instance, key, 'manager@example.com', tenantManagerId)).toEqual(['admin'])
    })
  })

  it('a failure part-way says how to start over; the instance then refuses another run', async () => {
    await withFreshInstance(async (instance) => {
      const file = await kickstartFile(`partial-${unique()}.json`, {
        apiKeys: [{ key: `partial-${unique()}-${unique()}` }],
        requests: [
          // No leading slash and a trailing one: FusionAuth sends this as POST /api/tenant.
          { method: 'POST', url: 'api/tenant/', body: { tenant: { name: 'created' } } },
          { method: 'POST', url: '/api/user', body: { user: { password: 'password' } } },
        ],
      })
      const run = await kickstart([file, '--url', instance.host, '--key', instance.key])
      expect(run.code).toBe(1)
      expect(run.stdout).toContain('[1/2] POST /api/tenant -> 200')
      expect(run.stderr).toContain('[2/2] POST /api/user answered 400')
      expect(run.stderr).toContain('1 API key(s) and 1 request(s) were applied')
      expect(run.stderr).toContain('delete .wrangler/state')
      expect(run.stderr).toContain('npm start -- --persist-to <new folder>')
      expect((await kickstart([file, '--url', instance.host, '--key', instance.key])).code).toBe(3)
    })
  })
})

describe("real kickstart files from FusionAuth's example repositories", () => {
  const fixture = (name: string) => path.join(FIXTURES, name, 'kickstart.json')

  it('kickstart example get-started: string roles, a key generated with a tenant, themes and an email template skipped', async () => {
    await withFreshInstance(async (instance) => {
      const run = await kickstart([fixture('get-started'), '--url', instance.host, '--key', instance.key])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('done: 8 of 11 request(s) applied, 3 skipped, 1 API key(s) created')
      expect(run.stdout).toMatch(/2 x \/api\/theme: themes: .*\n {2}1 x \/api\/email\/template: email templates are not implemented/)
      expect(run.stderr).toMatch(/\[6\/11\] POST \/api\/theme\/[0-9a-f-]{36} skipped: themes/)
      expect(run.stderr).toMatch(/\[7\/11\] PATCH \/api\/theme\/[0-9a-f-]{36} skipped: themes/)
      expect(run.stderr).toMatch(/\[10\/11\] POST \/api\/email\/template\/[0-9a-f-]{36} skipped: email templates/)
      expect(run.stderr).toContain('a global API takes no tenant; its "tenantId" is not sent')
      const key = '33052c8a-c283-4e96-9d2a-eb1215c69f8f-not-for-prod'
      const app = 'e9fdb985-9173-4e01-9d73-ac2d60d1dc8e'
      const application = await ok(new FusionAuthClient(key, instance.host).retrieveApplication(app))
      expect(application.application?.roles?.map((r) => r.name)).toEqual(['admin', 'user'])
      expect(await loginRoles(instance, key, 'richard@example.com', app)).toEqual(['user'])
      expect(await loginRoles(instance, key, 'admin@example.com', app)).toEqual(['admin'])
      expect(await loginRoles(instance, key, 'admin@example.com', FUSIONAUTH_APPLICATION)).toEqual(['admin'])
    })
  })

  it("kickstart example multi-tenant-control-plane: FusionAuth's shadow key and the default tenant id, all applied under --strict", async () => {
    await withFreshInstance(async (instance) => {
      const run = await kickstart([fixture('multi-tenant-control-plane'), '--strict', '--url', instance.host, '--key', instance.key])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('done: 4 of 4 request(s) applied, 0 skipped, 1 API key(s) created')
      expect(run.stderr).toContain("092dbedc-30af-4149-9c61-b578f2c72f59 is FusionAuth's HS256 OpenID Connect shadow key")
      const key = 'Wkk1s8Fql3IONu6lu8bweKxBzEoaDtJ7BhlYBy3aibSHMklWtneFnEMj'
      const tenants = (await ok(new FusionAuthClient(key, instance.host).retrieveTenants())).tenants ?? []
      const defaultKey = tenants.find((t) => t.name === 'Default')?.jwtConfiguration?.accessTokenKeyId
      expect(defaultKey).toMatch(/^[0-9a-f-]{36}$/)
      const created = tenants
        .filter((t) => t.name !== 'Default')
        .map((t) => [t.name, t.jwtConfiguration?.accessTokenKeyId, t.jwtConfiguration?.idTokenKeyId])
      expect(created.sort()).toEqual([
        ['Blueprint Tenant', defaultKey, defaultKey],
        ['PPVC Control Plane Tenant', defaultKey, defaultKey],
      ])
      expect(await loginRoles(instance, key, 'admin@fusionauth.io', FUSIONAUTH_APPLICATION)).toEqual(['admin'])
    })
  })

  it('react-sdk: a URL without its leading slash, an upper-case id, themes skipped', async () => {
    await withFreshInstance(async (instance) => {
      const run = await kickstart([fixture('react-sdk'), '--url', instance.host, '--key', instance.key])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('[2/8] PATCH /api/system-configuration -> 200')
      expect(run.stdout).toContain('done: 6 of 8 request(s) applied, 2 skipped, 1 API key(s) created')
      expect(run.stderr).toMatch(
        /\[8\/8\] PATCH \/api\/tenant\/[0-9a-f-]{36} refers to [0-9a-f-]{36}, which the skipped \[6\/8\] POST \/api\/theme\//,
      )
      const key = 'this_really_should_be_a_long_random_alphanumeric_value_but_this_still_works'
      const configuration = await ok(new FusionAuthClient(key, instance.host).retrieveSystemConfiguration())
      expect(configuration.systemConfiguration?.corsConfiguration?.allowedOrigins).toEqual(['http://localhost:3000'])
      expect(await loginRoles(instance, key, 'richard@example.com', 'e9fdb985-9173-4e01-9d73-ac2d60d1dc8e')).toEqual([])
    })
  })

  it('family-api: whole requests from JSON includes, URLs without a leading slash, consents and families skipped', async () => {
    await withFreshInstance(async (instance) => {
      const run = await kickstart([fixture('family-api'), '--url', instance.host, '--key', instance.key])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('done: 6 of 9 request(s) applied, 3 skipped, 1 API key(s) created')
      expect(run.stderr).toContain('[2/9] POST /api/consent/512603b1-89ed-4027-9e69-40fc275fcfd8 skipped: consents are not implemented')
      expect(run.stderr).toMatch(/\[9\/9\] PUT \/api\/user\/family\/[0-9a-f-]{36} skipped: families are not implemented/)
      expect(run.stdout).toMatch(/\[6\/9\] POST \/api\/user\/registration\/[0-9a-f-]{36} -> 200/)
      const key = '6iIiGfOSMgzpQusy5M4MlM8iU04uuLqnbABwUE_HcAlBjf0IP4k9Pxv4'
      const app = '779d01fb-94c1-4f8c-9c0f-6783aff44a34'
      expect(await loginRoles(instance, key, 'parent@example.com', app)).toEqual([])
      expect(await loginRoles(instance, key, 'richard@example.com', FUSIONAUTH_APPLICATION)).toEqual(['admin'])
    })
  })

  it('kickstart example kitchen-sink: escapes, ENV, a restricted second key, a group', async () => {
    await withFreshInstance(async (instance) => {
      const run = await kickstart([fixture('kitchen-sink'), '--url', instance.host, '--key', instance.key], {
        EDITOR: 'vi',
        HOME: '/home/kickstart',
      })
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('done: 3 of 5 request(s) applied, 2 skipped, 2 API key(s) created')
      expect(run.stderr).not.toContain('/api/group')
      expect(run.stdout).toContain('2 x /api/email/template: email templates are not implemented')
      const api = new FusionAuthClient(EXAMPLE_KEY, instance.host)
      expect((await ok(api.retrieveGroup('f4193c92-803c-4554-a6cf-807754a93834'))).group?.name).toBe('Awesome Group')
      const app = await ok(api.retrieveApplication('42d7d823-4c89-4ccd-8c47-1259247103a7'))
      expect(app.application?.data).toMatchObject({ escaped1: '#{adminEmail}', escaped4: '#{ENV.HOME}', notEscaped1: '/home/kickstart' })
      expect(await loginRoles(instance, EXAMPLE_KEY, 'admin@fusionauth.io', FUSIONAUTH_APPLICATION)).toEqual(['admin'])
      // The second key is limited to GET /api/user, as the file says.
      const restricted = new FusionAuthClient('43d3eca9b0664a929f64b67230898d9516a5ecf0fa1d446f8122c8d6a5cc2709', instance.host)
      expect((await ok(restricted.retrieveUserByEmail('admin@fusionauth.io'))).user?.email).toBe('admin@fusionauth.io')
      expect((await rejection(restricted.retrieveTenants())).statusCode).toBe(401)
    })
  })
})
