/**
 * The console in a real headless Chromium (Debian's `chromium`, driven by playwright-core) against the suite's
 * `wrangler dev`: sign in through the Login API, read the Activity chart's counts for seeded logins, filter login
 * records, download an export and open the zip, lock a user and see their next login refused with 409. Every step
 * leaves a screenshot under test-artifacts/console/, at desktop and phone width.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core'
import type { FusionAuthClient } from '@fusionauth/typescript-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyConsoleAssets } from '../../scripts/console-assets.mjs'
import { eventually } from '../support/eventually'
import { type Fixture, TEST_PASSWORD_FACTOR, client, createFixture, host, ok, superuserKey, unique } from './support'
import { Authenticator } from './two-factor-codes'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARTIFACTS = path.resolve('test-artifacts', 'console')
/** FusionAuth's admin application id: the console's application unless CONSOLE_APPLICATION_ID says otherwise. */
const CONSOLE_APPLICATION_ID = '3c219e58-ed0e-4b18-ad48-f4f92793ae32'
const SEEDED_LOGINS = 3

let browser: Browser
let context: BrowserContext
let page: Page
let target: Fixture
interface ConsoleAdmin {
  userId: string
  email: string
  password: string
}
let consoleApi: FusionAuthClient
let admin: ConsoleAdmin
const externalRequests: string[] = []
const cspViolations: string[] = []

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** The console's application, in a tenant of its own; the client for that tenant. */
async function createConsoleApplication(): Promise<FusionAuthClient> {
  const tenant = await ok(
    client().createTenant(crypto.randomUUID(), {
      tenant: {
        name: `console-${unique()}`,
        passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: TEST_PASSWORD_FACTOR },
      },
    }),
  )
  const api = client(superuserKey(), tenant.tenant?.id)
  await ok(
    api.createApplication(CONSOLE_APPLICATION_ID, {
      application: {
        name: 'FusionAuth',
        roles: [{ name: 'admin', isSuperRole: true }],
        // The sign-in page calls POST /api/login from the browser, which holds no API key.
        loginConfiguration: { requireAuthentication: false },
      },
    }),
  )
  return api
}

/** A user registered to the console's application with FusionAuth's `admin` role. */
async function createConsoleAdmin(api: FusionAuthClient): Promise<ConsoleAdmin> {
  const name = unique()
  const email = `console-admin-${name}@example.com`
  const password = `console horse ${name}`
  const userId = crypto.randomUUID()
  await ok(
    api.register(userId, {
      user: { email, password },
      registration: { applicationId: CONSOLE_APPLICATION_ID, roles: ['admin'] },
      skipVerification: true,
    }),
  )
  return { userId, email, password }
}

async function signInForm(who: ConsoleAdmin): Promise<void> {
  await page.getByLabel('Email or username').fill(who.email)
  await page.getByLabel('Password').fill(who.password)
}

const targetLogin = () =>
  fetch(`${host()}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ loginId: target.email, password: target.password, applicationId: target.applicationId }),
  })

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does)`)
  copyConsoleAssets()
  mkdirSync(ARTIFACTS, { recursive: true })
  consoleApi = await createConsoleApplication()
  admin = await createConsoleAdmin(consoleApi)
  target = await createFixture({ application: { name: `Browser app ${unique()}`, loginConfiguration: { requireAuthentication: false } } })
  for (let n = 0; n < SEEDED_LOGINS; n++) expect((await targetLogin()).status).toBe(200)
  // Login records reach search through the login queue, about a second later.
  await eventually(async () => {
    const found = await client().searchLoginRecords({ search: { applicationId: target.applicationId }, retrieveTotal: true })
    if (found.response.total !== SEEDED_LOGINS) throw new Error(`${found.response.total} records so far`)
  })

  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } })
  page = await context.newPage()
  page.on('request', (request) => {
    if (!request.url().startsWith(host()) && !request.url().startsWith('data:')) externalRequests.push(request.url())
  })
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text())
  })
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

describe('the console in Chromium', () => {
  it('serves its pages with a strict Content-Security-Policy', async () => {
    const response = await fetch(`${host()}/console/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('signs in through the Login API and shows the seeded logins on the Activity chart', async () => {
    await page.goto(`${host()}/console/`)
    await signInForm(admin)
    await screenshot('01-sign-in')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Activity' }).waitFor()
    const cookies = await context.cookies()
    const session = cookies.find((cookie) => cookie.name === 'console_session')
    expect(session?.httpOnly).toBe(true)
    expect(session?.sameSite).toBe('Strict')
    expect(session?.path).toBe('/console')
    // The Login API's own access_token cookie is cleared once traded for the session.
    expect(cookies.find((cookie) => cookie.name === 'access_token')).toBeUndefined()

    // Each chart is a uPlot canvas, and its counts are repeated in a table.
    for (const unit of ['hour', 'day']) {
      const card = page.locator(`[data-chart="${unit}"]`)
      await expect(card.locator('canvas').count()).resolves.toBeGreaterThan(0)
      const row = card.locator('table.totals tbody tr', { hasText: 'Browser app' })
      await expect(row.locator('td').nth(1).textContent()).resolves.toBe(String(SEEDED_LOGINS))
    }
    const legend = page.locator('[data-chart="hour"] .u-legend')
    await expect(legend.textContent()).resolves.toContain('Browser app')
    await screenshot('02-activity')
  })

  it('filters login records by application and by user email', async () => {
    await page.goto(`${host()}/console/#/records`)
    await page.getByLabel('Application', { exact: true }).selectOption({ label: (await applicationName()) ?? '' })
    await page.getByRole('button', { name: 'Search' }).click()
    const rows = page.locator('#records-results tbody tr')
    await expect.poll(() => rows.count()).toBe(SEEDED_LOGINS)
    await expect(rows.first().textContent()).resolves.toContain(target.email)

    await page.getByLabel('Application', { exact: true }).selectOption({ label: 'Any' })
    await page.getByLabel('User (email, username or id)').fill(target.email)
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => rows.count()).toBe(SEEDED_LOGINS)
    await screenshot('03-records')
  })

  it('downloads the export as a zip of CSV in the chosen pattern and zone', async () => {
    await page.getByLabel('Date pattern').fill("yyyy-MM-dd'T'HH:mm:ss")
    await page.getByLabel('Time zone (blank: the report time zone)').fill('UTC')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download export (.zip)' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^Login Records Export \d{4}-\d\d-\d\dT\d\d_\d\d_\d\d\.zip$/)
    const saved = path.join(ARTIFACTS, 'export.zip')
    await download.saveAs(saved)
    const files = unzipSync(new Uint8Array(readFileSync(saved)))
    const csv = Object.values(files)
      .map((bytes) => strFromU8(bytes))
      .join('')
    const lines = csv.trim().split('\n')
    expect(lines).toHaveLength(SEEDED_LOGINS + 1)
    expect(lines.slice(1).every((line) => line.includes(target.email))).toBe(true)
    expect(lines[1]).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/)
  })

  it('locks a user after a confirmation; their next login is 409', async () => {
    await page.goto(`${host()}/console/#/user`)
    await page.getByLabel('Email, username or id').fill(target.email)
    await page.getByRole('button', { name: 'Find' }).click()
    await page.getByRole('heading', { name: target.email }).waitFor()
    await expect(page.locator('#user-status').textContent()).resolves.toContain('not locked')
    await screenshot('04-user')

    await page.getByRole('button', { name: 'Lock', exact: true }).click()
    const dialog = page.getByRole('dialog')
    await expect(dialog.textContent()).resolves.toContain('will not be able to log in')
    await screenshot('05-confirm-lock')
    // Keyboard: the dialog's confirm button is reachable and pressed with Enter.
    await dialog.getByRole('button', { name: 'Lock', exact: true }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#user-status').textContent()).toContain('locked')
    await page.getByRole('button', { name: 'Unlock', exact: true }).waitFor()
    expect((await targetLogin()).status).toBe(409)
    await screenshot('06-locked')
  })

  it('works at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${host()}/console/#/activity`)
    await page.getByRole('heading', { name: 'Activity' }).waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await screenshot('07-phone-activity')
    await page.goto(`${host()}/console/#/user`)
    await page.getByLabel('Email, username or id').fill(target.email)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: target.email }).waitFor()
    await screenshot('08-phone-user')
  })

  it('signs out: the session is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    const status = await page.evaluate(async () => (await fetch('/console/api/session')).status)
    expect(status).toBe(401)
  })

  it('signs in with two-factor: the 242 challenge, then an authenticator code', async () => {
    const second = await createConsoleAdmin(consoleApi)
    const secret = await ok(consoleApi.generateTwoFactorSecret())
    const authenticator = new Authenticator(secret.secret ?? '')
    await ok(
      consoleApi.enableTwoFactor(second.userId, {
        method: 'authenticator',
        code: await authenticator.nextCode(),
        secret: secret.secret ?? '',
      }),
    )
    await page.goto(`${host()}/console/`)
    await signInForm(second)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Two-factor verification' }).waitFor()
    await page.getByLabel('Verification code').fill(await authenticator.nextCode())
    await screenshot('09-two-factor')
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByRole('heading', { name: 'Activity' }).waitFor()
    await expect(page.locator('#whoami-name').textContent()).resolves.toBe(second.email)
  })

  it('made no request off this origin and broke no Content-Security-Policy rule', () => {
    expect(externalRequests).toEqual([])
    expect(cspViolations).toEqual([])
  })
})

async function applicationName(): Promise<string | undefined> {
  const found = await client(superuserKey(), target.tenantId).retrieveApplication(target.applicationId)
  return found.response.application?.name
}
