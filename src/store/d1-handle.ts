/**
 * What stores run SQL on: the D1 binding itself (every call goes to the primary) or a Sessions API session of it
 * (reads go to the nearest replica that has caught up with the session, writes to the primary). Both have
 * `prepare` and `batch`; nothing else of D1Database is used by the request path.
 */
export type D1Handle = Pick<D1Database, 'prepare' | 'batch'>

/**
 * Where a request's reads may go. `replica`: the nearest replica (Sessions API, `first-unconstrained`), for
 * requests that read far more than they write and tolerate the replica's lag within the guards of the login
 * path. `primary`: every read at the primary (`first-primary`), for admin writes that must read their own
 * state and for operators who set D1_READS=primary.
 */
export type ReadPlacement = 'replica' | 'primary'

/** A Sessions API session of the binding for this placement; within it reads are sequentially consistent. */
export function openSession(db: D1Database, placement: ReadPlacement): D1Handle {
  return db.withSession(placement === 'primary' ? 'first-primary' : 'first-unconstrained')
}
