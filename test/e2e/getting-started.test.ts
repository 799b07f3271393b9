/**
 * docs/getting-started.md is written by this test from a real run, and checked against one on every run: the
 * walkthrough (an application with roles, a user with a registration, a login, a two-factor challenge and its
 * completion, a refresh, a login-record search and an export) is sent with plain HTTP as the document's curl
 * commands send it, and the document shows each request and response in full, with the values that differ per
 * run (ids, tokens, instants, codes) replaced by the shell variables the commands use. `UPDATE_DOCS=1` rewrites the
 * document; otherwise a difference fails the test. The TypeScript client half runs as its own test below.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../scripts/lib/wrangler-process.mjs'
import { eventually } from '../support/eventually'
import { host, superuserKey } from './support'
import { Authenticator } from './two-factor-codes'
import { gettingStartedWithTheClient } from '../../docs/examples/getting-started-client'

const DOC = path.join(ROOT, 'docs', 'getting-started.md')
const CLIENT_EXAMPLE = path.join(ROOT, 'docs', 'examples', 'getting-started-client.ts')

interface Exchange {
  title: string
  text: string
  method: string
  path: string
  auth: 'key' | 'none' | 'bearer'
  /** Sends X-FusionAuth-TenantId: requests about one tenant's objects name it. */
  tenant?: boolean
  body?: unknown
  status: number
  responseBody: string
  contentType: string | null
}

/** Values that differ per run, by the variable the document names them with. */
class Variables {
  private readonly byValue = new Map<string, string>()
  set(name: string, value: unknown): void {
    if (typeof value === 'string' && value !== '') this.byValue.set(value, `$${name}`)
  }
  /** The text with every known value replaced by its variable, and any other UUID, JWT or instant made generic. */
  redact(text: string): string {
    let out = text
    for (const [value, name] of [...this.byValue.entries()].sort((a, b) => b[0].length - a[0].length)) out = out.split(value).join(name)
    return out
      .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<a JWT>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<an id>')
      .replace(/\b1[7-9]\d{11}\b/g, '<an instant>')
      .replace(/"recoveryCodes": ?\[[^\]]*\]/g, '"recoveryCodes": ["<ten codes>"]')
      .replace(/"(code)": ?"\d{6}"/g, '"$1": "$TOTP_CODE"')
  }
}

function curlOf(exchange: Exchange, variables: Variables): string {
  const parts = [`curl -s -X ${exchange.method} "$FUSIONAUTH_URL${variables.redact(exchange.path)}"`]
  if (exchange.auth === 'key') parts.push('-H "Authorization: $API_KEY"')
  if (exchange.auth === 'bearer') parts.push('-H "Authorization: Bearer $TOKEN"')
  if (exchange.tenant === true) parts.push('-H "X-FusionAuth-TenantId: $TENANT_ID"')
  // Single quotes keep the JSON as it is; each variable steps out of them so the shell expands it.
  const body =
    exchange.body === undefined
      ? undefined
      : variables.redact(JSON.stringify(exchange.body)).replace(/\$[A-Z_0-9]+/g, (name) => `'"${name}"'`)
  if (body !== undefined) parts.push("-H 'Content-Type: application/json'", `-d '${body}'`)
  return parts.join(' \\\n  ')
}

function render(exchanges: Exchange[], variables: Variables): string {
  const sections = exchanges.map((exchange) => {
    const response = exchange.contentType?.startsWith('application/json')
      ? variables.redact(JSON.stringify(JSON.parse(exchange.responseBody), null, 2))
      : exchange.responseBody === ''
        ? '(no body)'
        : exchange.responseBody
    return [
      `### ${exchange.title}`,
      '',
      exchange.text,
      '',
      '```sh',
      curlOf(exchange, variables),
      '```',
      '',
      `Answers \`${exchange.status}\`${exchange.contentType === null ? '' : ` (\`${exchange.contentType}\`)`}:`,
      '',
      '```json',
      response,
      '```',
    ].join('\n')
  })
  return [
    '# Getting started',
    '',
    'From a fresh clone to a login with two-factor, a refresh and the login records, first with curl and then with the',
    'official TypeScript client. Every request and response below was recorded from a real run by',
    '`test/e2e/getting-started.test.ts`, which runs the same walkthrough on every `npm test` and fails when this page no',
    'longer matches (values that differ per run are shown as the shell variables the commands use).',
    '',
    '## Start it',
    '',
    '```sh',
    'npm ci',
    'npm start            # prints the URL, the superuser key and a curl that works',
    '```',
    '',
    'In another terminal, set the two values `npm start` printed:',
    '',
    '```sh',
    'export FUSIONAUTH_URL=http://localhost:9011',
    'export API_KEY=<the superuser key>',
    '```',
    '',
    'Each step below captures what later steps need (`export APPLICATION_ID=...` from the response shown).',
    '',
    '## With curl',
    '',
    ...sections.flatMap((section) => [section, '']),
    '## With the official TypeScript client',
    '',
    'The same walkthrough with `@fusionauth/typescript-client`, unchanged (this file is run by the test too):',
    '',
    '```ts',
    readFileSync(CLIENT_EXAMPLE, 'utf8').trimEnd(),
    '```',
    '',
  ].join('\n')
}

describe('docs/getting-started.md', () => {
  it('matches a real run of its walkthrough', async () => {
    const apiKey = superuserKey()
    const variables = new Variables()
    const exchanges: Exchange[] = []
    let bearer = ''
    async function send(step: Omit<Exchange, 'status' | 'responseBody' | 'contentType'>): Promise<Record<string, unknown>> {
      const headers: Record<string, string> = {}
      if (step.auth === 'key') headers.Authorization = apiKey
      if (step.auth === 'bearer') headers.Authorization = `Bearer ${bearer}`
      if (step.tenant === true) headers['X-FusionAuth-TenantId'] = tenantId
      if (step.body !== undefined) headers['Content-Type'] = 'application/json'
      const response = await fetch(`${host()}${step.path}`, {
        method: step.method,
        headers,
        body: step.body === undefined ? undefined : JSON.stringify(step.body),
      })
      const contentType = response.headers.get('content-type')
      const isZip = contentType?.startsWith('application/zip') === true
      const bytes = new Uint8Array(await response.arrayBuffer())
      const responseBody = isZip ? `(a zip: ${Object.keys(unzipSync(bytes)).join(', ')})` : new TextDecoder().decode(bytes)
      exchanges.push({ ...step, status: response.status, responseBody, contentType })
      if (isZip) return { csv: strFromU8(unzipSync(bytes)['login_records.csv'] ?? new Uint8Array()) }
      return responseBody === '' || !contentType?.startsWith('application/json')
        ? {}
        : (JSON.parse(responseBody) as Record<string, unknown>)
    }
    const field = (value: unknown, ...keys: string[]): string => {
      let current: unknown = value
      for (const key of keys)
        current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined
      return typeof current === 'string' ? current : ''
    }

    // The suite's server is fresh for each run, so these names are free.
    const email = 'richard@piedpiper.example'
    const password = 'correct horse battery staple'
    let tenantId = ''

    const tenant = await send({
      title: 'Create a tenant',
      text: 'A tenant holds users and applications. An instance starts with a default tenant; one of your own keeps the walkthrough apart. Requests about its objects then name it with `X-FusionAuth-TenantId`.',
      method: 'POST',
      path: '/api/tenant',
      auth: 'key',
      body: { tenant: { name: 'Pied Piper' } },
    })
    tenantId = field(tenant, 'tenant', 'id')
    variables.set('TENANT_ID', tenantId)

    const application = await send({
      title: 'Create an application with roles',
      text: 'Logins are to an application; its roles go into the access token of a registered user.',
      method: 'POST',
      path: '/api/application',
      auth: 'key',
      tenant: true,
      body: {
        application: {
          name: 'Pied Piper',
          roles: [{ name: 'admin' }, { name: 'user', isDefault: true }],
          loginConfiguration: { generateRefreshTokens: true, allowTokenRefresh: true, requireAuthentication: true },
        },
      },
    })
    const applicationId = field(application, 'application', 'id')
    variables.set('APPLICATION_ID', applicationId)

    const registration = await send({
      title: 'Create a user with a registration',
      text: 'One request creates the user and registers them to the application with a role. Created with a password, the user is logged in: the answer carries tokens, as a login’s does.',
      method: 'POST',
      path: '/api/user/registration',
      auth: 'key',
      tenant: true,
      body: { user: { email, password, firstName: 'Richard' }, registration: { applicationId, roles: ['admin'] }, skipVerification: true },
    })
    const userId = field(registration, 'user', 'id')
    variables.set('USER_ID', userId)
    variables.set('REGISTRATION_REFRESH_TOKEN', field(registration, 'refreshToken'))

    const login = await send({
      title: 'Log in',
      text: 'A password login: 200 with an access token (a JWT carrying the roles) and a refresh token.',
      method: 'POST',
      path: '/api/login',
      auth: 'key',
      body: { loginId: email, password, applicationId },
    })
    expect(exchanges.at(-1)?.status).toBe(200)
    bearer = field(login, 'token')
    variables.set('TOKEN', bearer)
    variables.set('REFRESH_TOKEN', field(login, 'refreshToken'))
    variables.set('REFRESH_TOKEN_ID', field(login, 'refreshTokenId'))

    const secret = await send({
      title: 'Turn on two-factor: a secret',
      text: 'A fresh TOTP secret for an authenticator app (`secretBase32Encoded` is what the app takes).',
      method: 'GET',
      path: '/api/two-factor/secret',
      auth: 'key',
    })
    variables.set('SECRET', field(secret, 'secret'))
    variables.set('SECRET_BASE32', field(secret, 'secretBase32Encoded'))
    const authenticator = new Authenticator(field(secret, 'secret'))
    await send({
      title: 'Turn on two-factor: enable it with a code',
      text: 'The code the authenticator app shows for that secret (`oathtool --totp -b $SECRET_BASE32`). The first method brings ten recovery codes.',
      method: 'POST',
      path: `/api/user/two-factor/${userId}`,
      auth: 'key',
      body: { method: 'authenticator', secret: field(secret, 'secret'), code: await authenticator.nextCode() },
    })
    expect(exchanges.at(-1)?.status).toBe(200)

    const challenge = await send({
      title: 'Log in again: 242',
      text: 'Now a login answers 242 with a twoFactorId and the methods to complete it with.',
      method: 'POST',
      path: '/api/login',
      auth: 'key',
      body: { loginId: email, password, applicationId },
    })
    expect(exchanges.at(-1)?.status).toBe(242)
    variables.set('TWO_FACTOR_ID', field(challenge, 'twoFactorId'))
    const methods = (challenge as { methods?: { id: string }[] }).methods ?? []
    variables.set('METHOD_ID', methods[0]?.id)

    const completed = await send({
      title: 'Complete the two-factor login',
      text: 'The twoFactorId and the current code; no API key. The answer is the login’s.',
      method: 'POST',
      path: '/api/two-factor/login',
      auth: 'none',
      body: { twoFactorId: field(challenge, 'twoFactorId'), code: await authenticator.nextCode(), applicationId },
    })
    expect(exchanges.at(-1)?.status).toBe(200)
    variables.set('TOKEN_2', field(completed, 'token'))
    variables.set('REFRESH_TOKEN_2', field(completed, 'refreshToken'))
    variables.set('REFRESH_TOKEN_ID_2', field(completed, 'refreshTokenId'))

    const refreshed = await send({
      title: 'Refresh the access token',
      text: 'A refresh token buys a new access token; no API key.',
      method: 'POST',
      path: '/api/jwt/refresh',
      auth: 'none',
      body: { refreshToken: field(completed, 'refreshToken') },
    })
    expect(exchanges.at(-1)?.status).toBe(200)
    variables.set('TOKEN_3', field(refreshed, 'token'))

    // Login records reach search through the login queue within about a second.
    await eventually(async () => {
      const probe = await fetch(`${host()}/api/system/login-record/search?userId=${userId}&retrieveTotal=true`, {
        headers: { Authorization: apiKey },
      })
      expect(((await probe.json()) as { total?: number }).total).toBe(4)
    })
    await send({
      title: 'Search the login records',
      text: 'The registration, each login, the two-factor completion and the refresh left a record (they arrive through a queue within about a second). This endpoint needs a key without a tenant.',
      method: 'POST',
      path: '/api/system/login-record/search',
      auth: 'key',
      body: { retrieveTotal: true, search: { userId } },
    })
    const exported = await send({
      title: 'Export them',
      text: 'A zip of CSV, with the time in the zone and pattern you ask for.',
      method: 'POST',
      path: '/api/system/login-record/export',
      auth: 'key',
      body: { criteria: { userId }, zoneId: 'UTC', dateTimeSecondsFormat: 'yyyy-MM-dd HH:mm:ss' },
    })
    expect(
      String(exported.csv)
        .split('\n')
        .filter((line) => line !== ''),
    ).toHaveLength(5)

    const document = render(exchanges, variables)
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, document)
    expect(document).toBe(readFileSync(DOC, 'utf8'))
  })

  it('runs its TypeScript client walkthrough', async () => {
    const authenticators = new Map<string, Authenticator>()
    const codeFor = (secret: string) => {
      const authenticator = authenticators.get(secret) ?? new Authenticator(secret)
      authenticators.set(secret, authenticator)
      return authenticator.nextCode()
    }
    const result = await gettingStartedWithTheClient(host(), superuserKey(), codeFor)
    expect(result).toEqual({ loginStatus: 200, challengeStatus: 242, completedStatus: 200, refreshed: true, records: 4 })
  })
})
