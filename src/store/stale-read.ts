/**
 * A guarded write found the primary's rows other than the request read them (from a replica that lagged, or a
 * change that raced the request): nothing was written, and the decision must be made again at the primary.
 * Thrown, not returned: it is the platform's condition, not an outcome of the API, and the route that opted into
 * replica reads retries once at the primary (http/read-placement.ts).
 */
export class StaleReadError extends Error {
  constructor(what: string) {
    super(`stale read: ${what} changed at the primary`)
    this.name = 'StaleReadError'
  }
}
