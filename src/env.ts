import type { DataContext } from './store/data-context'
import type { EventQueueMessage } from './store/event-queue'
import type { LoginQueueMessage } from './store/login-events'

/** Bindings declared in wrangler.toml plus the Worker's secrets. */
export interface Bindings {
  DB: D1Database
  KV: KVNamespace
  /** Login records and lastLoginInstant, written by the queue consumer (src/jobs/write-logins.ts). */
  LOGIN_QUEUE: Queue<LoginQueueMessage>
  /** Non-transactional webhook events, delivered by the queue consumer (src/jobs/deliver-events.ts). */
  EVENT_QUEUE: Queue<EventQueueMessage>
  /** Superuser API key (a Worker secret; locally from .dev.vars or `wrangler dev --var`). */
  BOOTSTRAP_API_KEY?: string
  /** Base64 of 32 random bytes: encrypts signing secrets and TOTP secrets at rest. */
  ENCRYPTION_KEY?: string
  /** The id an empty database's default tenant is created with (kickstart's variables.defaultTenantId); a UUID. */
  DEFAULT_TENANT_ID?: string
  /** `primary` sends every read to D1's primary; otherwise the login family reads from the nearest replica. */
  D1_READS?: string
  /** Benchmarks only, and only in development or test: `primary=150,replica=5` ms per D1 round trip. */
  D1_SIMULATED_LATENCY?: string
  /** `production` (default), `development` (wrangler dev) or `test` (vitest). */
  ENVIRONMENT?: string
  /** The application whose `admin` role may use the console (/console/); FusionAuth's own admin application id by default. */
  CONSOLE_APPLICATION_ID?: string
  /** Cloudflare Email Routing `send_email` binding, when configured. */
  EMAIL?: SendEmail
  /** Sender address for two-factor codes sent through EMAIL. */
  EMAIL_FROM?: string
}

/** What one authenticated API key may do, as the auth middleware resolved it. */
export interface ApiKeyPrincipal {
  id: string
  /** The tenant the key is locked to, or null for a global key. */
  tenantId: string | null
  /** True for the bootstrap superuser key. */
  superuser: boolean
}

export interface Variables {
  requestId: string
  /** The one way to data for this request (store/data-context.ts). */
  data: DataContext
  /** Milliseconds since the epoch for this request; tests may pin it (see http/clock.ts). */
  nowMillis: number
  apiKey: ApiKeyPrincipal | null
  /** X-FusionAuth-TenantId when it parses as a UUID, else null. */
  tenantHeader: string | null
}

export interface AppEnv {
  Bindings: Bindings
  Variables: Variables
}
