import { createApp } from './app'
import type { Bindings } from './env'
import { deliverEvents, EVENT_QUEUE_NAME } from './jobs/deliver-events'
import { purgeExpiredIds } from './jobs/purge-expired-ids'
import { runScheduledPurge } from './jobs/purge-login-records'
import { writeLogins } from './jobs/write-logins'

const app = createApp()

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    // The cron's scheduled time is the purge's "now", so a run judges age the same way however late it starts.
    ctx.waitUntil(runScheduledPurge(env, controller.scheduledTime))
    ctx.waitUntil(
      purgeExpiredIds(env, controller.scheduledTime).then((deleted) => {
        if (deleted.redemptions + deleted.codes + deleted.attempts > 0)
          console.log(JSON.stringify({ job: 'purge-expired-ids', ...deleted }))
      }),
    )
  },
  async queue(batch, env) {
    // This Worker consumes two queues (wrangler.toml): webhook events, and login records.
    if (batch.queue === EVENT_QUEUE_NAME) await deliverEvents(batch, env)
    else await writeLogins(batch, env)
  },
} satisfies ExportedHandler<Bindings>
