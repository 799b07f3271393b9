import { createApp } from './app'
import type { Bindings } from './env'
import { runScheduledPurge } from './jobs/purge-login-records'

const app = createApp()

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    // The cron's scheduled time is the purge's "now", so a run judges age the same way however late it starts.
    ctx.waitUntil(runScheduledPurge(env, controller.scheduledTime))
  },
} satisfies ExportedHandler<Bindings>
