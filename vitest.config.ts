import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { outboundReceiver } from './test/support/outbound-receiver.ts'

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'))
  return {
    plugins: [
      cloudflareTest({
        main: './src/index.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // Every fetch the Worker makes (webhook deliveries) reaches the suite's receiver, in Node; nothing leaves.
          outboundService: outboundReceiver,
          // A second, empty database for tests that need a fresh start (the bootstrap race).
          // A third plays a lagging read replica, fed from DB only when a test says so (test/store/stale-replica.test.ts);
          // two more stay unmigrated or one migration behind (test/http/misconfiguration.test.ts).
          d1Databases: {
            BOOTSTRAP_TEST_DB: 'bootstrap-test',
            REPLICA_TEST_DB: 'replica-test',
            UNMIGRATED_TEST_DB: 'unmigrated-test',
            BEHIND_TEST_DB: 'behind-test',
            DEFAULT_TENANT_TEST_DB: 'default-tenant-test',
          },
          bindings: {
            TEST_MIGRATIONS: migrations,
            BOOTSTRAP_API_KEY: 'test-superuser-api-key-0123456789abcdef',
            ENCRYPTION_KEY: 'dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy0wMTI=',
            ENVIRONMENT: 'test',
          },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      exclude: ['test/e2e/**'],
      setupFiles: ['./test/setup.ts'],
    },
  }
})
