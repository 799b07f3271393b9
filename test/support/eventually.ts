/**
 * Logins reach D1 through the login queue, whose consumer runs when a batch fills or its timeout passes (about a
 * second, wrangler.toml): assertions about login records and lastLoginInstant wait for it with this.
 */
const QUEUE_SETTLE_TIMEOUT_MS = 10_000

/** Runs `check` until it stops throwing, or rethrows its last failure after the timeout. */
export async function eventually<T>(check: () => Promise<T>, timeoutMillis = QUEUE_SETTLE_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMillis
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}
