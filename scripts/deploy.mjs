#!/usr/bin/env node
// `npm run deploy [-- --dry-run]`: production in one command. Creates the login queues if they are missing, deploys
// (wrangler creates the D1 database and KV namespace on the first deploy: wrangler.toml names no ids), applies the
// D1 migrations to the remote database, and names any secret still missing with the command that sets it.
// --dry-run only builds and checks the bundle (what CI runs), touching no account.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT, WRANGLER, childEnv } from './lib/wrangler-process.mjs'

/** Worker secrets the product refuses to run without (see src/env.ts and the README's configuration table). */
const REQUIRED_SECRETS = {
  BOOTSTRAP_API_KEY: 'openssl rand -base64 32 | tr -d "=+/" | npx wrangler secret put BOOTSTRAP_API_KEY',
  ENCRYPTION_KEY: 'openssl rand -base64 32 | npx wrangler secret put ENCRYPTION_KEY',
}

const args = process.argv.slice(2)
const dryRun = args.includes('--dry-run')

/** Runs wrangler with the output shown; returns its exit status and captured stdout when asked. */
function wrangler(wranglerArgs, { capture = false, allowFailure = false } = {}) {
  const result = spawnSync(process.execPath, [WRANGLER, ...wranglerArgs], {
    cwd: ROOT,
    env: { ...childEnv, CI: process.env.CI ?? '' },
    stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  })
  if (result.status !== 0 && !allowFailure) {
    console.error(`npm run deploy: \`wrangler ${wranglerArgs.join(' ')}\` failed (exit ${result.status}); nothing after it ran.`)
    process.exit(result.status ?? 1)
  }
  return { status: result.status, stdout: result.stdout ?? '' }
}

/** The queue names wrangler.toml declares (producers, consumers and dead-letter queues). */
function declaredQueues() {
  const text = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8')
  const names = new Set()
  for (const match of text.matchAll(/^\s*(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm)) names.add(match[1])
  return [...names]
}

if (dryRun) {
  wrangler(['deploy', '--dry-run', '--outdir', path.join(ROOT, 'bench', 'out', 'dist')])
  console.log('Dry run: the bundle builds and its bindings resolve. Nothing was deployed.')
  process.exit(0)
}

for (const queue of declaredQueues()) {
  // Creating a queue that exists fails harmlessly; anything else will fail the deploy below with wrangler's words.
  const created = wrangler(['queues', 'create', queue], { capture: true, allowFailure: true })
  if (created.status === 0) console.log(`Created queue ${queue}.`)
}
wrangler(['deploy'])
wrangler(['d1', 'migrations', 'apply', 'DB', '--remote'])

const listed = wrangler(['secret', 'list', '--format', 'json'], { capture: true, allowFailure: true })
let present = new Set()
try {
  present = new Set(JSON.parse(listed.stdout).map((secret) => secret.name))
} catch {
  console.warn("Could not list the Worker's secrets; check them with `npx wrangler secret list`.")
}
const missing = Object.keys(REQUIRED_SECRETS).filter((name) => !present.has(name))
if (missing.length > 0) {
  console.log('\nDeployed, but the Worker answers 500 (misconfigured) until these secrets are set:')
  for (const name of missing) console.log(`  ${REQUIRED_SECRETS[name]}`)
  process.exit(2)
}
console.log('\nDeployed, migrated, and every required secret is set.')
