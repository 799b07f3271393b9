import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import type { DataContext } from '../store/data-context'
import { StaleReadError } from '../store/stale-read'

/**
 * For the routes whose reads may come from the nearest D1 replica (the login family and login-record search):
 * mounted before anything reads, so the request's session starts unconstrained. What a lagging replica can and
 * cannot do there is in docs/storage.md; every other route reads at the primary.
 */
export const replicaReads: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.var.data.readFromReplicas()
  await next()
}

/**
 * Runs a decision on the request's context; when its guarded write reports that the replica's rows were stale, runs
 * it once more on a context that reads at the primary. Only the guarded write had been attempted, and it wrote
 * nothing, so the second run starts clean.
 */
export async function decideFresh<T>(data: DataContext, decide: (data: DataContext) => Promise<T>): Promise<T> {
  try {
    return await decide(data)
  } catch (error) {
    if (!(error instanceof StaleReadError)) throw error
    return decide(data.atPrimary())
  }
}
