/**
 * The SQL the Worker sends for a user search, for the node:sqlite side: src/store/user-search-store.ts and
 * src/domain/user-search.ts bundled with esbuild (wrangler's own bundler) into a module this process can import, so
 * both sides run the very same statements rather than a copy that could drift.
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { ROOT } from '../lib/wrangler.mjs'

/** Returns `{ textSearchStatements, textMatchOf }` from the project's sources. */
export async function loadSearchStatements(outDir) {
  const outfile = path.join(outDir, 'user-search-statements.mjs')
  await build({
    stdin: {
      contents: [
        "export { textSearchStatements } from './src/store/user-search-store.ts'",
        "export { textMatchOf } from './src/domain/user-search.ts'",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'warning',
  })
  return import(pathToFileURL(outfile).href)
}
