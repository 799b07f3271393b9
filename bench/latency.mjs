/**
 * Benchmark 3: what a far caller waits for. The same login requests against three `wrangler dev` servers whose D1
 * round trips are delayed as a caller far from the primary would see them: the primary 0, 50 or 150 ms away, a
 * replica 5 ms away (D1_SIMULATED_LATENCY, honoured only in development; src/store/observed-d1.ts). Requests are
 * interleaved across variants and servers in a random order each round, so drift hits every cell alike.
 *
 * "Before" is modelled, not measured: the code before the edge data path made every login read and write at the
 * primary in two sequential round trips (a read batch, then a write batch; see the round-trip counts in the table),
 * so before = this run's 0 ms median + (primary trips before) x RTT. The "after" columns are measured.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FusionAuthClient } from '@fusionauth/typescript-client'
import { median, ms, shuffle, table } from './lib/stats.mjs'
import { migrate, startDev } from './lib/wrangler.mjs'

const PRIMARY_RTTS = [0, 50, 150]
const REPLICA_RTT = 5
/** Low enough that D1 latency, not the hash, dominates the far columns; the login benchmark covers the hash. */
const FACTOR = 10_000

async function ok(call, what) {
  try {
    return (await call).response
  } catch (error) {
    throw new Error(`${what} failed: ${error?.statusCode} ${JSON.stringify(error?.exception ?? error?.message ?? error)}`)
  }
}

/** A tenant that counts failed logins, an application issuing refresh tokens, a registered user. */
async function createFixture(url, apiKey) {
  const admin = new FusionAuthClient(apiKey, url)
  const name = randomBytes(4).toString('hex')
  // Failed logins are counted toward a lockout (the "tenant counts failures" row) that never trips here.
  const lock = (
    await ok(
      admin.createUserAction(null, { userAction: { name: `lock-${name}`, preventLogin: true, temporal: true } }),
      'POST /api/user-action',
    )
  ).userAction
  const failedAuthenticationConfiguration = {
    userActionId: lock.id,
    tooManyAttempts: 1_000_000,
    resetCountInSeconds: 60,
    actionDuration: 1,
    actionDurationUnit: 'MINUTES',
  }
  const tenant = (
    await ok(
      admin.createTenant(null, {
        tenant: {
          name: `latency-${name}`,
          passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: FACTOR },
          failedAuthenticationConfiguration,
        },
      }),
      'POST /api/tenant',
    )
  ).tenant
  const api = new FusionAuthClient(apiKey, url, tenant.id)
  const application = (
    await ok(
      api.createApplication(null, {
        application: { name: `latency-${name}`, loginConfiguration: { generateRefreshTokens: true, requireAuthentication: true } },
      }),
      'POST /api/application',
    )
  ).application
  const email = `latency-${name}@example.com`
  const password = `correct horse battery ${name}`
  const user = (await ok(api.createUser(null, { user: { email, password }, skipVerification: true }), 'POST /api/user')).user
  await ok(
    api.register(user.id, { registration: { applicationId: application.id }, skipVerification: true }),
    'POST /api/user/registration',
  )
  return { applicationId: application.id, userId: user.id, email, password }
}

async function send(url, method, body, headers) {
  const started = performance.now()
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  await response.arrayBuffer()
  return [performance.now() - started, response.status]
}

/** The variants with the primary round trips the code before made (before) and makes now (after, counted by test/store/round-trips.test.ts). */
function variants(apiKey, fixture) {
  const auth = { Authorization: apiKey }
  const login = (extra) => ({ loginId: fixture.email, password: fixture.password, applicationId: fixture.applicationId, ...extra })
  return [
    {
      name: 'login',
      label: 'password login, 200, refresh token',
      before: 2,
      after: 1,
      status: 200,
      request: (u) => send(`${u}/api/login`, 'POST', login({}), auth),
    },
    {
      name: 'noJWT',
      label: 'password login, 200, noJWT',
      before: 2,
      after: 0,
      status: 200,
      request: (u) => send(`${u}/api/login`, 'POST', login({ noJWT: true }), auth),
    },
    {
      name: 'wrong',
      label: 'wrong password (404)',
      before: 2,
      after: 1,
      status: 404,
      request: (u) => send(`${u}/api/login`, 'POST', login({ password: 'not the password' }), auth),
    },
    {
      name: 'ping',
      label: 'login ping (API key)',
      before: 2,
      after: 0,
      status: 200,
      request: (u) => send(`${u}/api/login/${fixture.userId}/${fixture.applicationId}`, 'PUT', undefined, auth),
    },
  ]
}

export async function benchLatency({ iterations, warmup, log }) {
  const roots = []
  const servers = []
  try {
    log(`latency: starting ${PRIMARY_RTTS.length} wrangler dev servers (primary ${PRIMARY_RTTS.join('/')} ms, replica ${REPLICA_RTT} ms)`)
    const apiKey = randomBytes(32).toString('base64url')
    const cells = []
    for (const rtt of PRIMARY_RTTS) {
      const persistTo = await mkdtemp(path.join(tmpdir(), `edge-login-bench-latency-${rtt}-`))
      roots.push(persistTo)
      await migrate(persistTo)
      const vars = {
        BOOTSTRAP_API_KEY: apiKey,
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ENVIRONMENT: 'development',
        D1_SIMULATED_LATENCY: `primary=${rtt},replica=${REPLICA_RTT}`,
      }
      const server = await startDev({ persistTo, vars, readyPath: '/.well-known/jwks.json' })
      servers.push(server)
      const fixture = await createFixture(server.url, apiKey)
      for (const variant of variants(apiKey, fixture)) cells.push({ rtt, variant, url: server.url, samples: [] })
    }
    // Fewer rounds than the login benchmark: at 150 ms a round of the far server alone takes about a second.
    const rounds = Math.max(10, Math.floor(iterations / 4))
    const warm = Math.max(3, Math.floor(warmup / 4))
    log(`latency: ${warm} warm-up rounds, then ${rounds} measured rounds of ${cells.length} interleaved cells`)
    for (let round = 0; round < warm + rounds; round++) {
      for (const cell of shuffle([...cells])) {
        const [millis, status] = await cell.variant.request(cell.url)
        if (status !== cell.variant.status)
          throw new Error(`latency ${cell.variant.name} @${cell.rtt} ms: expected ${cell.variant.status}, got ${status}`)
        if (round >= warm) cell.samples.push(millis)
      }
    }
    return summarize(cells, rounds, warm)
  } finally {
    for (const server of servers) await server.stop()
    for (const root of roots) await rm(root, { recursive: true, force: true })
  }
}

function summarize(cells, rounds, warm) {
  const byVariant = new Map()
  for (const cell of cells) {
    const row = byVariant.get(cell.variant.name) ?? { variant: cell.variant, medians: new Map() }
    row.medians.set(cell.rtt, median(cell.samples))
    byVariant.set(cell.variant.name, row)
  }
  const rows = [...byVariant.values()].map(({ variant, medians }) => {
    const atZero = medians.get(0)
    const cellsFor = PRIMARY_RTTS.flatMap((rtt) => [ms(atZero + variant.before * rtt), ms(medians.get(rtt))])
    return [variant.label, `${variant.before} -> ${variant.after}`, ...cellsFor]
  })
  const header = [
    'request',
    'primary round trips (before -> after)',
    ...PRIMARY_RTTS.flatMap((rtt) => [`before @${rtt} ms`, `after @${rtt} ms`]),
  ]
  const markdown = [
    `The same requests against three servers whose D1 round trips wait as a far caller's would: the primary ${PRIMARY_RTTS.join(', ')} ms`,
    `away, a replica ${REPLICA_RTT} ms away. ${rounds} measured rounds after ${warm} warm-up rounds, every cell once per round in random order;`,
    `PBKDF2 at ${FACTOR.toLocaleString('en-US')} iterations so D1's latency, not the hash, shows. Medians in ms. "after" is measured;`,
    '"before" is modelled as this run\'s 0 ms median plus the previous code\'s primary round trips times the RTT (it read and wrote',
    'every login at the primary, sequentially).',
    '',
    table(header, rows),
  ].join('\n')
  const far = byVariant.get('login')?.medians.get(150)
  return { markdown, summary: `latency: login with refresh token at 150 ms primary RTT: ${ms(far)} ms` }
}
