/**
 * Benchmark 4: what the deployed bundle weighs and what each dependency costs in it. Builds exactly what
 * `wrangler deploy` would upload (`--dry-run`, minified per wrangler.toml) with esbuild's metafile, gzips the result,
 * and attributes the minified bytes to packages (this product's src/ as one line).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { ROOT, runWrangler } from '../scripts/lib/wrangler-process.mjs'
import { table } from './lib/stats.mjs'

const kib = (bytes) => (bytes / 1024).toFixed(1)

/** `node_modules/@scope/name/...` -> `@scope/name`; `src/...` -> `src/ (this product)`. */
function owner(input) {
  const marker = 'node_modules/'
  const at = input.lastIndexOf(marker)
  if (at < 0) return input.startsWith('src/') ? 'src/ (this product)' : input
  const parts = input.slice(at + marker.length).split('/')
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input)
}

export async function benchBundle({ log }) {
  const outdir = await mkdtemp(path.join(tmpdir(), 'edge-login-bundle-'))
  try {
    log('bundle: wrangler deploy --dry-run with a metafile')
    const metafile = path.join(outdir, 'meta.json')
    await runWrangler(['deploy', '--dry-run', '--outdir', outdir, '--metafile', metafile])
    const meta = JSON.parse(await readFile(metafile, 'utf8'))
    const [outputName, output] = Object.entries(meta.outputs).find(([name]) => name.endsWith('.js')) ?? []
    if (output === undefined) throw new Error('no JavaScript output in the metafile')
    // The metafile names outputs relative to the directory wrangler ran in (the project root).
    const code = await readFile(path.resolve(ROOT, outputName), 'utf8')
    const gzipped = gzipSync(code, { level: 9 }).length
    const byOwner = new Map()
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      byOwner.set(owner(input), (byOwner.get(owner(input)) ?? 0) + bytesInOutput)
    const total = [...byOwner.values()].reduce((a, b) => a + b, 0)
    const rows = [...byOwner.entries()]
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, bytes]) => [name, kib(bytes), `${((bytes / total) * 100).toFixed(1)}%`])
    const markdown = [
      `\`wrangler deploy --dry-run\` (minify = true): ${kib(code.length)} KiB minified, ${kib(gzipped)} KiB gzipped (gzip -9 of the`,
      "uploaded module; wrangler prints its own gzip figure). Minified bytes by package, from esbuild's metafile:",
      '',
      table(['package', 'minified KiB', 'share'], rows),
    ].join('\n')
    return { markdown, summary: `bundle: ${kib(gzipped)} KiB gzipped` }
  } finally {
    await rm(outdir, { recursive: true, force: true })
  }
}
