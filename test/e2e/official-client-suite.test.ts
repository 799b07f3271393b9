/**
 * The calls of the official TypeScript client's own test file (FusionAuth/fusionauth-typescript-client,
 * test/FusionAuthClientTest.ts), in the same order and with the same data, against this product started the way
 * that file expects FusionAuth: `npm start -- --kickstart kickstart.example.json` (its API key, its default tenant
 * id, its users). Written anew here with vitest (that file is chai/mocha); its OAuth test is left out: OAuth2 is
 * outside this product.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FusionAuthClient, GrantType, type Tenant } from '@fusionauth/typescript-client'
import ClientResponse from '@fusionauth/typescript-client/build/src/ClientResponse'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { freePort, ROOT, stopGroup } from '../../scripts/lib/wrangler-process.mjs'

// The values the client's test file hard-codes.
const API_KEY = 'bf69486b-4733-4470-a592-f1bfce7af580'
const APPLICATION_ID = 'e5e2b0b3-c329-4b08-896c-d4f9f612b5c0'
const TENANT_ID = '65323339-6137-6531-3135-316238623265'
const USER_ID = 'b164fdfc-db57-4da9-b241-8543671c6bb8'
const KICKSTART_DEFAULT_TENANT_ID = '30663132-6464-6665-3032-326466613934'
const NO_ID = null as unknown as string

let server: ChildProcess
let stateDir: string
let url: string
let client: FusionAuthClient

async function rejected(call: Promise<unknown>): Promise<ClientResponse<unknown>> {
  try {
    await call
  } catch (error) {
    if (error instanceof ClientResponse) return error
    throw error
  }
  throw new Error('expected the call to be refused')
}

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'edge-login-official-'))
  const port = await freePort()
  url = `http://localhost:${port}`
  server = spawn(
    'npm',
    [
      'start',
      '--',
      '--port',
      String(port),
      '--inspector-port',
      String(await freePort()),
      '--persist-to',
      stateDir,
      '--kickstart',
      'kickstart.example.json',
    ],
    { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  )
  let output = ''
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const deadline = Date.now() + 120_000
  while (!output.includes('kickstart: done')) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`npm start --kickstart did not finish:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
})

afterAll(async () => {
  if (server.pid !== undefined) await stopGroup(server.pid)
  await rm(stateDir, { recursive: true, force: true })
})

describe('the official client test file, against npm start --kickstart', () => {
  beforeEach(async () => {
    client = new FusionAuthClient(API_KEY, url)
    const tenants = (await client.retrieveTenants()).response.tenants ?? []
    if (!tenants.some((tenant) => tenant.id === TENANT_ID)) {
      // As the client's test does: the Default tenant's JSON, renamed, under its own id.
      const copy: Tenant = { ...(tenants.find((tenant) => tenant.name === 'Default') ?? {}) }
      copy.id = NO_ID
      copy.name = 'Typescript Tenant'
      expect((await client.createTenant(TENANT_ID, { tenant: copy })).wasSuccessful()).toBe(true)
    }
    client.setTenantId(TENANT_ID)
    await client.deleteApplication(APPLICATION_ID).catch(() => undefined)
    const created = await client.createApplication(APPLICATION_ID, {
      application: {
        name: 'TypeScript FusionAuth Client',
        oauthConfiguration: {
          enabledGrants: [GrantType.password, GrantType.authorization_code],
          authorizedRedirectURLs: ['http://localhost'],
        },
      },
    })
    expect(created.exception).toBeUndefined()
    expect(created.statusCode).toBe(200)

    const stale = await client.retrieveUserByEmail('typescript@fusionauth.io').catch(() => null)
    if (stale?.response.user?.id !== undefined) await client.deleteUser(stale.response.user.id)
    await client
      .retrieveUser(USER_ID)
      .catch(() => client.createUser(USER_ID, { user: { email: 'exampleUser@fusionauth.io', password: 'password' } }))

    // The client's test tries this inside a try/catch and goes on when it fails: with the tenant set, the system
    // configuration (a global API) answers 401 here, as FusionAuth does since issue #3452.
    const configuration = await client.retrieveSystemConfiguration().catch((failure: ClientResponse<unknown>) => failure)
    if (configuration instanceof ClientResponse && configuration.statusCode !== 200) {
      expect(configuration.statusCode).toBe(401)
    }
  })

  it('Create, Patch, Search, and Delete a User', async () => {
    let response = await client.createUser(NO_ID, {
      user: { email: 'nodejs@fusionauth.io', firstName: 'Jäne', password: 'password' },
      skipVerification: true,
      sendSetPasswordEmail: false,
    })
    expect(response.exception).toBeUndefined()
    expect(response.statusCode).toBe(200)
    const userId = response.response.user?.id ?? ''
    expect(userId).not.toBe('')

    response = await client.patchUser(userId, { user: { firstName: 'Jan' } })
    expect(response.statusCode).toBe(200)
    expect(response.response.user?.firstName).toBe('Jan')

    response = await client.createUser(NO_ID, {
      user: { email: 'node2@fusionauth.io', firstName: 'Joan', password: 'password' },
      skipVerification: true,
      sendSetPasswordEmail: false,
    })
    const both = [userId, response.response.user?.id ?? '']
    const search = await client.searchUsersByIds(both)
    expect(search.statusCode).toBe(200)
    expect(search.response.total).toBe(2)
    expect(search.response.users?.map((user) => user.id).sort()).toEqual([...both].sort())

    for (const id of both) {
      const deleted = await client.deleteUser(id)
      expect(deleted.statusCode).toBe(200)
      expect(deleted.response ?? undefined).toBeUndefined()
    }
    for (const email of ['nodejs@fusionauth.io', 'node2@fusionauth.io']) {
      expect((await rejected(client.retrieveUserByEmail(email))).statusCode).toBe(404)
    }
  })

  it('Patch Application', async () => {
    const response = await client.patchApplication(APPLICATION_ID, {
      application: { name: 'Node.js FusionAuth Client patch', loginConfiguration: { allowTokenRefresh: true } },
    })
    expect(response.exception).toBeUndefined()
    expect(response.statusCode).toBe(200)
    expect(response.response.application?.loginConfiguration?.allowTokenRefresh).toBe(true)
  })

  it('Failed response', async () => {
    // The client's test names a host that does not exist; a loopback port nobody listens on fails the same way
    // without leaving this machine: the client rejects with a ClientResponse and no status.
    const failure = await rejected(new FusionAuthClient('doesntmatter', `http://127.0.0.1:${await freePort()}`).retrieveTenants())
    expect(failure.exception).toBeDefined()
    expect(failure.statusCode).toBeUndefined()
  })

  it('Error response', async () => {
    const failure = await rejected(client.createApplication(NO_ID, { application: { name: 'Bad Application', verifyRegistration: true } }))
    expect(failure.statusCode).toBeGreaterThan(399)
    expect(failure.statusCode).toBeLessThan(500)
  })

  it('Login non existant user', async () => {
    expect((await rejected(client.login({ loginId: 'doesntexist', password: 'pass' }))).statusCode).toBe(404)
  })

  it('Retrieve user by loginId - default loginIdTypes', async () => {
    client.setTenantId(KICKSTART_DEFAULT_TENANT_ID)
    // "it's spelled wrong in kickstart"
    expect((await client.retrieveUserByLoginId('dinesh@fusionauth.io')).response.user?.firstName).toBe('Dinish')
  })

  it('Retrieve user by loginId - specified loginIdTypes', async () => {
    client.setTenantId(KICKSTART_DEFAULT_TENANT_ID)
    expect((await client.retrieveUserByLoginIdWithLoginIdTypes('dinesh@fusionauth.io', ['email'])).response.user?.firstName).toBe('Dinish')
    expect((await rejected(client.retrieveUserByLoginIdWithLoginIdTypes('dinesh@fusionauth.io', ['username']))).statusCode).toBe(404)
  })
})
