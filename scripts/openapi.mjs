#!/usr/bin/env node
// `npm run openapi`: writes public/api/openapi.json from src/openapi/ (the document's one source). The Worker serves it
// as a static asset, so the 126 KB document costs the Worker bundle nothing; test/http/openapi-coverage.test.ts fails
// when the file and src/openapi/ disagree, or when the document and the Worker's routes do.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { ROOT } from './lib/wrangler-process.mjs'

const OUTPUT = path.join(ROOT, 'public', 'api', 'openapi.json')

const work = await mkdtemp(path.join(tmpdir(), 'edge-login-openapi-'))
try {
  const bundle = path.join(work, 'document.mjs')
  await build({
    entryPoints: [path.join(ROOT, 'src', 'openapi', 'document.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: bundle,
    logLevel: 'warning',
  })
  const { openApiDocument } = await import(pathToFileURL(bundle).href)
  await writeFile(OUTPUT, `${JSON.stringify(openApiDocument, null, 2)}\n`)
  console.log(`Wrote ${path.relative(ROOT, OUTPUT)}`)
} finally {
  await rm(work, { recursive: true, force: true })
}
