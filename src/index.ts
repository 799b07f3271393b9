import { createApp } from './app'
import type { Bindings } from './env'

const app = createApp()

export default {
  fetch: app.fetch,
  async scheduled(_controller, _env, _ctx) {
    // The login-record purge is wired in by the purge job.
  },
} satisfies ExportedHandler<Bindings>
