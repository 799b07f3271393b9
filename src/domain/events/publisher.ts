import type { Tenant } from '../tenant'
import type { FusionAuthEvent } from './event'

/**
 * How an action hands its events over (`data.events`). The contract every emitter relies on:
 *
 * 1. Events whose type the tenant has enabled with a transaction type other than `None` (and that FusionAuth
 *    treats as transactional) are delivered now, in parallel, to every webhook of the tenant enabled for the
 *    type; when the answers do not satisfy the transaction type, `around` throws the 504 error and `commit` never
 *    runs, so nothing of the action is stored.
 * 2. Otherwise `commit` runs (the action's one batch of writes) and its result is returned.
 * 3. After it, the enabled non-transactional events are queued for delivery (at-least-once, with retries); the
 *    request does not wait for receivers. A send that fails then is logged, never answered: the action is
 *    committed, and a client that saw an error would retry it.
 * 4. `afterCommit`, when given, is the action's own step once its writes took effect (a login's queue send of its
 *    record): it runs beside the queueing of 3, not after it, and its result is returned. It never runs when
 *    `around` throws the 504 or `commit` fails.
 *
 * An event type the tenant has not enabled costs nothing: no read, no send.
 */
export interface EventPublisher {
  around<T>(tenant: Tenant, events: readonly FusionAuthEvent[], commit: () => Promise<T>): Promise<T>
  around<T, R>(
    tenant: Tenant,
    events: readonly FusionAuthEvent[],
    commit: () => Promise<T>,
    afterCommit: (committed: T) => Promise<R>,
  ): Promise<R>
}
