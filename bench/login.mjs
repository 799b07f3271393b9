/**
 * Benchmark 1: what a password login costs beyond its one PBKDF2 hash.
 *
 * Two `wrangler dev` servers run side by side: the product (local D1 and KV) and bench/pbkdf2-worker.js, which does
 * exactly one PBKDF2-HMAC-SHA256 derivation per request at the same factor. Both are called over HTTP from this
 * process with the same keep-alive fetch, so HTTP, the dev proxy and JSON parsing are on both sides. Variants are
 * interleaved: every round runs each variant once, in a fresh random order, so drift on a shared machine hits all
 * of them alike. Only medians, p95s and ratios from this one run are reported.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FusionAuthClient } from '@fusionauth/typescript-client'
import { median, ms, p95, percent, shuffle, table } from './lib/stats.mjs'
import { migrate, startDev } from './lib/wrangler.mjs'

const FACTOR = 100_000

/** Unwraps a client call, failing loudly with the server's answer. */
async function ok(call, what) {
  try {
    const response = await call
    return response.response
  } catch (error) {
    throw new Error(`${what} failed: ${error?.statusCode} ${JSON.stringify(error?.exception ?? error?.message ?? error)}`)
  }
}

/**
 * A tenant at the default factor, an application that requires a key and issues refresh tokens, a registered user.
 * With `webhookUrl`, the tenant sends `user.login.success` (transaction type None: queued, never waited for) to one
 * webhook at that URL.
 */
async function createFixture(url, apiKey, { webhookUrl } = {}) {
  const admin = new FusionAuthClient(apiKey, url)
  const name = randomBytes(4).toString('hex')
  const tenantBody = {
    tenant: {
      name: `bench-${name}`,
      passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: FACTOR },
      ...(webhookUrl && { eventConfiguration: { events: { 'user.login.success': { enabled: true, transactionType: 'None' } } } }),
    },
  }
  const tenant = (await ok(admin.createTenant(null, tenantBody), 'POST /api/tenant')).tenant
  if (tenant.passwordEncryptionConfiguration?.encryptionSchemeFactor !== FACTOR) throw new Error('tenant factor was not stored')
  const api = new FusionAuthClient(apiKey, url, tenant.id)
  if (webhookUrl) {
    const webhook = {
      url: webhookUrl,
      connectTimeout: 1000,
      readTimeout: 2000,
      global: false,
      tenantIds: [tenant.id],
      eventsEnabled: { 'user.login.success': true },
    }
    await ok(admin.createWebhook(null, { webhook }), 'POST /api/webhook')
  }
  const applicationBody = {
    application: { name: `bench-app-${name}`, loginConfiguration: { generateRefreshTokens: true, requireAuthentication: true } },
  }
  const application = (await ok(api.createApplication(null, applicationBody), 'POST /api/application')).application
  const email = `bench-${name}@example.com`
  const password = `correct horse battery ${name}`
  const user = (await ok(api.createUser(null, { user: { email, password }, skipVerification: true }), 'POST /api/user')).user
  await ok(
    api.register(user.id, { registration: { applicationId: application.id }, skipVerification: true }),
    'POST /api/user/registration',
  )
  return { applicationId: application.id, email, password }
}

/** POSTs JSON and reads the whole answer; returns [millis, status, body text]. */
async function post(url, body, headers = {}) {
  const started = performance.now()
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  return [performance.now() - started, response.status, text]
}

/** The variants, each a request plus the status it must answer; a wrong status aborts the run. */
function variants(productUrl, hashUrl, apiKey, fixture, webhookFixture) {
  const auth = { Authorization: apiKey }
  const login = (extra, of = fixture) => ({ loginId: of.email, password: of.password, applicationId: of.applicationId, ...extra })
  return [
    {
      name: 'login',
      label: 'POST /api/login (JWT + refresh token + login record)',
      status: 200,
      send: () => post(`${productUrl}/api/login`, login({}), auth),
    },
    {
      name: 'webhook',
      label: 'the same, tenant sending user.login.success to one webhook (queued)',
      status: 200,
      send: () => post(`${productUrl}/api/login`, login({}, webhookFixture), auth),
    },
    {
      name: 'noJWT',
      label: 'POST /api/login with noJWT: true',
      status: 200,
      send: () => post(`${productUrl}/api/login`, login({ noJWT: true }), auth),
    },
    {
      name: 'unknown',
      label: 'POST /api/login, unknown user (404)',
      status: 404,
      send: () => post(`${productUrl}/api/login`, login({ loginId: `nobody-${randomBytes(4).toString('hex')}@example.com` }), auth),
    },
    {
      name: 'hash',
      label: 'bare PBKDF2 hash (bench worker)',
      status: 200,
      send: () => post(hashUrl, { password: fixture.password, factor: FACTOR }),
    },
  ]
}

async function runVariant(variant, samples) {
  const [millis, status, text] = await variant.send()
  if (status !== variant.status) throw new Error(`${variant.name}: expected ${variant.status}, got ${status}: ${text.slice(0, 300)}`)
  if ((variant.name === 'login' || variant.name === 'webhook') && !(text.includes('"token"') && text.includes('"refreshToken"')))
    throw new Error(`login answered without tokens: ${text.slice(0, 300)}`)
  if (variant.name === 'noJWT' && text.includes('"token"')) throw new Error('noJWT login answered with a token')
  samples?.push(millis)
}

/**
 * Runs the login benchmark and returns its markdown section and a summary for the console.
 * Options: iterations (rounds measured), warmup (rounds discarded).
 */
export async function benchLogin({ iterations, warmup, log }) {
  const persistTo = await mkdtemp(path.join(tmpdir(), 'edge-login-bench-login-'))
  const apiKey = randomBytes(32).toString('base64url')
  const servers = []
  // The webhook's receiver: answers every event at once, and counts them (the queue's consumer delivers them).
  let received = 0
  const receiver = createServer((request, response) => {
    request.resume().on('end', () => {
      received++
      response.writeHead(204).end()
    })
  })
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  try {
    log('login: migrating and starting wrangler dev (product + pbkdf2 worker)')
    await migrate(persistTo)
    const vars = { BOOTSTRAP_API_KEY: apiKey, ENCRYPTION_KEY: randomBytes(32).toString('base64') }
    const [product, hasher] = await Promise.all([
      startDev({ persistTo, vars, readyPath: '/.well-known/jwks.json' }),
      startDev({ config: 'bench/pbkdf2-wrangler.toml', persistTo: path.join(persistTo, 'pbkdf2') }),
    ])
    servers.push(product, hasher)
    const fixture = await createFixture(product.url, apiKey)
    const webhookFixture = await createFixture(product.url, apiKey, { webhookUrl: `http://127.0.0.1:${receiver.address().port}/events` })
    const all = variants(product.url, hasher.url, apiKey, fixture, webhookFixture)
    const samples = Object.fromEntries(all.map((v) => [v.name, []]))

    log(`login: ${warmup} warm-up rounds, then ${iterations} measured rounds of ${all.length} interleaved variants`)
    for (let round = 0; round < warmup + iterations; round++) {
      for (const variant of shuffle([...all])) await runVariant(variant, round < warmup ? undefined : samples[variant.name])
      if ((round + 1) % 50 === 0) log(`login: round ${round + 1}/${warmup + iterations}`)
    }
    // Delivery is off the request path; wait for it so the run shows the events did arrive (and were not just dropped).
    const sent = warmup + iterations
    for (let waited = 0; received < sent && waited < 30_000; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250))
    log(`login: the webhook received ${received} of ${sent} user.login.success events`)
    if (received < sent) throw new Error(`the webhook received ${received} of ${sent} events`)
    return summarize(all, samples, iterations, warmup, received)
  } finally {
    receiver.close()
    for (const server of servers) await server.stop()
    await rm(persistTo, { recursive: true, force: true })
  }
}

function summarize(all, samples, iterations, warmup, received) {
  const hashMedian = median(samples.hash)
  const hashP95 = p95(samples.hash)
  const rows = all.map((variant) => {
    const values = samples[variant.name]
    const overhead = median(values) - hashMedian
    const isHash = variant.name === 'hash'
    return [
      variant.label,
      ms(median(values)),
      ms(p95(values)),
      isHash ? '-' : ms(overhead),
      isHash ? '-' : percent(overhead / hashMedian),
      isHash ? '-' : ms(p95(values) - hashP95),
    ]
  })
  const login = median(samples.login)
  const markdown = [
    `PBKDF2-HMAC-SHA256 at ${FACTOR.toLocaleString('en-US')} iterations (the default factor). ${iterations} measured rounds after ${warmup} warm-up rounds;`,
    'each round runs every variant once in a random order (interleaved), one request at a time over keep-alive HTTP.',
    'Overhead = variant median - hash median; overhead % = (variant - hash) / hash.',
    '',
    table(['variant', 'median ms', 'p95 ms', 'overhead ms', 'overhead %', 'p95 - hash p95 ms'], rows),
    '',
    `A webhook for user.login.success costs the request ${ms(median(samples.webhook) - median(samples.login))} ms at the median (the queue send;`,
    `its receiver, a Node server in this process, got all ${received} events through the event queue).`,
  ].join('\n')
  const summary = `login median ${ms(login)} ms vs hash ${ms(hashMedian)} ms: overhead ${ms(login - hashMedian)} ms (${percent((login - hashMedian) / hashMedian)})`
  return { markdown, summary, samples }
}
