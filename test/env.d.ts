import type { D1Migration } from 'cloudflare:test'
import type { Bindings } from '../src/env'

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[]
      BOOTSTRAP_TEST_DB: D1Database
      REPLICA_TEST_DB: D1Database
      UNMIGRATED_TEST_DB: D1Database
      BEHIND_TEST_DB: D1Database
      DEFAULT_TENANT_TEST_DB: D1Database
    }
  }
}
