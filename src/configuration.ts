/**
 * The Worker's configuration, checked before a request reaches any route: secrets present and well formed, and the
 * database migrated to the schema this code expects. A problem is named in one structured log line and answered
 * with a 500 that says only that the server is misconfigured, instead of a bare 500 deep in a route or a silent 401.
 */
import { base64ToBytes } from './domain/crypto/encoding'
import type { Bindings } from './env'
import { isUuid } from './http/fields'

/** What is wrong, for the log line: names of settings and migrations, never their values. */
export class MisconfiguredError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`misconfigured: ${problems.join('; ')}`)
    this.name = 'MisconfiguredError'
  }
}

/** The secrets' problems, checked on every request (no I/O; the values change only with a new deployment). */
export function secretProblems(env: Pick<Bindings, 'ENCRYPTION_KEY' | 'BOOTSTRAP_API_KEY' | 'DEFAULT_TENANT_ID'>): string[] {
  const problems: string[] = []
  if (env.DEFAULT_TENANT_ID !== undefined && !isUuid(env.DEFAULT_TENANT_ID)) problems.push('DEFAULT_TENANT_ID is not a UUID')
  if (env.BOOTSTRAP_API_KEY === undefined || env.BOOTSTRAP_API_KEY.trim() === '') {
    problems.push('BOOTSTRAP_API_KEY is not set (npx wrangler secret put BOOTSTRAP_API_KEY)')
  }
  if (env.ENCRYPTION_KEY === undefined || env.ENCRYPTION_KEY.trim() === '') {
    problems.push('ENCRYPTION_KEY is not set (openssl rand -base64 32 | npx wrangler secret put ENCRYPTION_KEY)')
  } else if (!isBase64Of32Bytes(env.ENCRYPTION_KEY)) {
    problems.push('ENCRYPTION_KEY is not Base64 of 32 bytes (openssl rand -base64 32)')
  }
  return problems
}

function isBase64Of32Bytes(text: string): boolean {
  try {
    return base64ToBytes(text.trim()).byteLength === 32
  } catch {
    return false
  }
}

/** Throws MisconfiguredError when the secrets are not usable. */
export function requireUsableSecrets(env: Pick<Bindings, 'ENCRYPTION_KEY' | 'BOOTSTRAP_API_KEY' | 'DEFAULT_TENANT_ID'>): void {
  const problems = secretProblems(env)
  if (problems.length > 0) throw new MisconfiguredError(problems)
}
