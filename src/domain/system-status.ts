/**
 * The state FusionAuth's status endpoints report (System API: "Retrieve System Status", "Retrieve System Health"),
 * for this Worker: its database answers and is migrated to the schema this code needs, or not.
 */
import type { DataContext } from '../store/data-context'
import { SCHEMA_VERSION } from '../store/bootstrap'

export type SystemHealth = 'ok' | 'databaseUnreachable' | 'schemaBehind'

/** Asks D1 each time (one round trip when healthy): the isolate's once-only bootstrap check would not see an outage. */
export async function checkSystemHealth(data: DataContext): Promise<SystemHealth> {
  const newest = await data.systemConfiguration.newestMigration()
  if (newest === 'unreachable') return 'databaseUnreachable'
  return newest !== null && newest >= SCHEMA_VERSION ? 'ok' : 'schemaBehind'
}
