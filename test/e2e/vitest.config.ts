import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The end-to-end suite: plain Node (not the Workers pool), one `wrangler dev` started by the global
 * setup, driven by the official @fusionauth/typescript-client exactly as an application would use it.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    // One wrangler dev process serves every file: run files one after another.
    fileParallelism: false,
    // wrangler dev's first requests compile and warm the Worker; password hashing runs in real time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
