import { createApp } from './app'
import type { Bindings } from './env'
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
    await writeLogins(batch, env)
  },
} satisfies ExportedHandler<Bindings>
