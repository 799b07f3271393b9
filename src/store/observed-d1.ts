/**
 * A D1 binding that tells an observer about every round trip, classified by where it goes in production: calls on
 * the binding itself and every write go to the primary; reads inside a Sessions API session go to a replica (for a
 * `first-primary` session, only its first call goes to the primary). A batch is one round trip, to the primary if
 * any of its statements writes. The observer may delay the trip (the benchmark's simulated latency) or count it
 * (the round-trip tests); a session's reads may be served by a second database (a test's lagging replica).
 * Never used in production paths: dataContextFor applies it only under ENVIRONMENT development or test.
 */

export type RoundTripTarget = 'primary' | 'replica'

/** Called before each round trip runs, with its statements' SQL; the trip waits for what it returns. */
export type RoundTripObserver = (target: RoundTripTarget, sqls: readonly string[]) => void | Promise<void>

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b|\bRETURNING\b/i
const isWrite = (sql: string): boolean => WRITE.test(sql) || /^\s*WITH\b[\s\S]*\b(INSERT|UPDATE|DELETE)\b/i.test(sql)

type Method = 'first' | 'run' | 'all' | 'raw'

/** A statement that runs on the database its round trip is routed to, chosen when it runs. */
class ObservedStatement {
  constructor(
    readonly sql: string,
    readonly values: unknown[],
    private readonly execute: (statement: ObservedStatement, method: Method, args: unknown[]) => Promise<unknown>,
  ) {}
  bind(...values: unknown[]): ObservedStatement {
    return new ObservedStatement(this.sql, values, this.execute)
  }
  first(...args: unknown[]): Promise<unknown> {
    return this.execute(this, 'first', args)
  }
  run(): Promise<unknown> {
    return this.execute(this, 'run', [])
  }
  all(): Promise<unknown> {
    return this.execute(this, 'all', [])
  }
  raw(...args: unknown[]): Promise<unknown> {
    return this.execute(this, 'raw', args)
  }
  on(db: D1Database): D1PreparedStatement {
    return db.prepare(this.sql).bind(...this.values)
  }
}

export function observedD1(primary: D1Database, observe: RoundTripObserver, options: { replica?: D1Database } = {}): D1Database {
  const databaseFor = (target: RoundTripTarget): D1Database =>
    target === 'replica' && options.replica !== undefined ? options.replica : primary

  /** A handle whose reads go where `readTarget()` says (a first-primary session's first call differs from the rest). */
  function handle(readTarget: () => RoundTripTarget): Pick<D1Database, 'prepare' | 'batch'> {
    const execute = async (statement: ObservedStatement, method: Method, args: unknown[]): Promise<unknown> => {
      const target: RoundTripTarget = isWrite(statement.sql) ? 'primary' : readTarget()
      await observe(target, [statement.sql])
      // D1PreparedStatement's methods, called by name on the real statement.
      const real = statement.on(databaseFor(target)) as unknown as Record<Method, (...a: unknown[]) => Promise<unknown>>
      return real[method].apply(real, args)
    }
    return {
      // The wrapper implements the statement methods the stores call.
      prepare: (sql: string) => new ObservedStatement(sql, [], execute) as unknown as D1PreparedStatement,
      batch: async <T>(statements: D1PreparedStatement[]) => {
        // Every statement handed to batch was prepared on this wrapper.
        const observed = statements as unknown as ObservedStatement[]
        const target: RoundTripTarget = observed.some((s) => isWrite(s.sql)) ? 'primary' : readTarget()
        await observe(
          target,
          observed.map((s) => s.sql),
        )
        const db = databaseFor(target)
        return db.batch<T>(observed.map((s) => s.on(db)))
      },
    }
  }

  const direct = handle(() => 'primary')
  const binding = {
    ...direct,
    exec: async (sql: string) => {
      await observe('primary', [sql])
      return primary.exec(sql)
    },
    dump: () => primary.dump(),
    withSession(constraint?: string) {
      let first = constraint === 'first-primary'
      const session = handle(() => {
        const target: RoundTripTarget = first ? 'primary' : 'replica'
        first = false
        return target
      })
      return { ...session, getBookmark: () => null }
    },
  }
  // The Worker calls only prepare, batch, exec, dump and withSession.
  return binding as unknown as D1Database
}

/** `primary=150,replica=5`: milliseconds each round trip waits, for the benchmark's far-caller series. */
export function parseSimulatedLatency(text: string | undefined): Record<RoundTripTarget, number> | null {
  if (text === undefined || text.trim() === '') return null
  const latency: Record<RoundTripTarget, number> = { primary: 0, replica: 0 }
  for (const part of text.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim())
    const millis = Number(value)
    if ((name !== 'primary' && name !== 'replica') || !Number.isFinite(millis) || millis < 0 || millis > 10_000) return null
    latency[name] = millis
  }
  return latency
}

/** The binding with each round trip delayed as `latency` says. */
export function withSimulatedLatency(db: D1Database, latency: Record<RoundTripTarget, number>): D1Database {
  return observedD1(db, (target) => new Promise((resolve) => setTimeout(resolve, latency[target])))
}
