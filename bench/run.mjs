#!/usr/bin/env node
/**
 * `npm run bench [-- <part>...] [--rows N] [--iterations N] [--warmup N]`
 *
 * Parts: `login` (a password login against its one PBKDF2 hash), `latency` (login requests with simulated D1 round-trip
 * latency, as a caller far from the primary sees them), `records` (login-record search, export and purge against
 * the same work in node:sqlite) and `users` (user search with a queryString at 100,000 users, against the same
 * statements in node:sqlite), `console` (the console's Activity and Login records calls at 1,000,000 records, against
 * node:sqlite). No part named: all. A full run with default sizes rewrites
 * BENCHMARKS.md; any other run prints its report and writes bench/out/BENCHMARKS.partial.md instead, so a quick
 * run never replaces the published numbers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { benchBundle } from './bundle.mjs'
import { benchConsole } from './console.mjs'
import { benchLatency } from './latency.mjs'
import { benchLogin } from './login.mjs'
import { benchRecords, DEFAULT_ROWS } from './records/records.mjs'
import { benchUsers, DEFAULT_USERS } from './users/users.mjs'
import { execFileSync } from 'node:child_process'
import { ROOT, snapshotProject } from './lib/wrangler.mjs'

const PARTS = ['login', 'latency', 'records', 'users', 'console', 'bundle']
const argv = process.argv.slice(2)
const { values: options, positionals } = parseArgs({
  args: argv,
  allowPositionals: true,
  options: {
    rows: { type: 'string' },
    iterations: { type: 'string' },
    warmup: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})

if (options.help) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .slice(2, 11)
      .join('\n'),
  )
  process.exit(0)
}

function wholeNumber(name, text, fallback) {
  if (text === undefined) return fallback
  const value = Number(text.replaceAll('_', ''))
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number, not ${text}`)
  return value
}

const unknown = positionals.filter((part) => !PARTS.includes(part))
if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; choose from ${PARTS.join(', ')}`)
const parts = positionals.length === 0 ? PARTS : PARTS.filter((part) => positionals.includes(part))
const rows = wholeNumber('rows', options.rows, DEFAULT_ROWS)
const iterations = wholeNumber('iterations', options.iterations, 200)
const warmup = wholeNumber('warmup', options.warmup, 20)
const published =
  parts.length === PARTS.length && options.rows === undefined && options.iterations === undefined && options.warmup === undefined

/** The commit measured, and whether src/ or migrations/ differed from it (read-only git). */
function codeVersion() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
    const dirty = git('status', '--porcelain', '--', 'src', 'migrations', 'wrangler.toml') !== ''
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' plus uncommitted changes in src/, migrations/ or wrangler.toml' : ''}`
  } catch {
    return 'unknown (no git)'
  }
}

// One copy of the code for the whole run: others may edit src/ meanwhile, and wrangler dev reloads on every edit.
snapshotProject()
const code = codeVersion()
const startedMillis = Date.now()
const log = (message) => console.log(`[bench +${((Date.now() - startedMillis) / 1000).toFixed(0)}s] ${message}`)

const packageVersion = (name) => JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version

function machineFacts() {
  const cpu = os.cpus()[0]?.model ?? 'unknown'
  return [
    `- nproc: ${os.availableParallelism()} (${cpu})`,
    `- memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- node: ${process.version} (the \`node\` devDependency that npm scripts run)`,
    `- wrangler ${packageVersion('wrangler')}, workerd ${packageVersion('workerd')}, ${os.type()} ${os.release()}`,
    `- code: ${code} (a snapshot of src/ taken when the run started)`,
  ].join('\n')
}

const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`
    : `node bench/run.mjs ${argv.join(' ')}`.trim()

const sections = []
const summaries = []
if (parts.includes('login')) {
  const result = await benchLogin({ iterations, warmup, log })
  sections.push(`## Login overhead beyond its one hash\n\n${result.markdown}`)
  summaries.push(result.summary)
}
if (parts.includes('latency')) {
  const result = await benchLatency({ iterations, warmup, log })
  sections.push(`## What a far caller waits for\n\n${result.markdown}`)
  summaries.push(result.summary)
}
if (parts.includes('records')) {
  const result = await benchRecords({ rows, log, iterations, warmup })
  sections.push(`## Login records at ${rows.toLocaleString('en-US')} rows\n\n${result.markdown}`)
  summaries.push(...result.summary)
}
if (parts.includes('users')) {
  const result = await benchUsers({ users: DEFAULT_USERS, log, iterations, warmup })
  sections.push(`## User search at ${DEFAULT_USERS.toLocaleString('en-US')} users\n\n${result.markdown}`)
  summaries.push(...result.summary)
}

if (parts.includes('console')) {
  const result = await benchConsole({ rows, log, iterations, warmup })
  sections.push(`## Console at ${rows.toLocaleString('en-US')} records\n\n${result.markdown}`)
  summaries.push(result.summary)
}

if (parts.includes('bundle')) {
  const result = await benchBundle({ log })
  sections.push(`## Bundle size\n\n${result.markdown}`)
  summaries.push(result.summary)
}

const elapsedSeconds = Math.round((Date.now() - startedMillis) / 1000)
const report = [
  '# Benchmarks',
  '',
  `Produced by \`${command}\` on ${new Date(startedMillis).toISOString()} (took ${elapsedSeconds} s).`,
  '',
  machineFacts(),
  '',
  'The machine is shared and noisy, so no absolute time here stands alone: every number is a median (or p95) of',
  'many samples, and every comparison is a ratio of two things measured side by side in the same run, interleaved.',
  'Everything runs locally: `wrangler dev` (workerd, local D1 and KV) on the same machine as the load generator.',
  '',
  ...sections.flatMap((section) => [section, '']),
].join('\n')

const target = published ? path.join(ROOT, 'BENCHMARKS.md') : path.join(ROOT, 'bench', 'out', 'BENCHMARKS.partial.md')
mkdirSync(path.dirname(target), { recursive: true })
writeFileSync(target, report)
console.log(`\n${report}`)
for (const line of summaries) log(line)
log(`wrote ${path.relative(ROOT, target)}`)
