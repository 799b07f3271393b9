/**
 * The per-request context: the one way routes and domain code reach data. Built once per request from the
 * bindings (app.ts), it holds the request's D1 handle (a Sessions API session, see d1-handle.ts), KV, the login
 * queue, the clock and the parsed secrets, and builds each store on first use. Domain code takes a DataContext
 * and asks it for stores; it never sees D1Database, KVNamespace or Hono's Context.
 */
import type { FusionAuthEvent } from '../domain/events/event'
import type { EventPublisher } from '../domain/events/publisher'
import { WebhookEventPublisher } from '../domain/events/webhook-publisher'
import type { ChangePasswordGrant } from '../domain/login/complete-login'
import type { OneTimePasswordGrant } from '../domain/login/one-time-password-login'
import type { PendingTwoFactorLogin } from '../domain/login/two-factor-gate'
import type { TwoFactorTrust } from '../domain/two-factor-login/trust'
import type { SigningKeyMaterial } from '../domain/tokens/signing-key'
import type { Bindings } from '../env'
import { DevOutboxMailer } from '../mail/dev-outbox'
import { type MailSettings, type Mailer, mailerFor } from '../mail/mailer'
import type { ConsoleSession } from '../domain/console/console-session'
import { ActivityStore } from './activity-store'
import { ApiKeyStore } from './api-key-store'
import { ApplicationStore } from './application-store'
import { ensureBootstrapped } from './bootstrap'
import { EventQueue, type EventQueueMessage } from './event-queue'
import { EventSubjectStore } from './event-subject-store'
import { type D1Handle, type ReadPlacement, openSession } from './d1-handle'
import { ExpiringValueStore } from './expiring-value-store'
import { FailedLoginStore } from './failed-login-store'
import { GroupStore } from './group-store'
import { LoginEventQueue, type LoginQueueMessage } from './login-events'
import { LoginRecordStore } from './login-record-store'
import { LoginStore, type WriteCondition } from './login-store'
import { KV_PREFIXES } from './names'
import { parseSimulatedLatency, withSimulatedLatency } from './observed-d1'
import { RateLimitStore } from './rate-limit-store'
import { RedemptionStore } from './redemption-store'
import { RefreshTokenStore } from './refresh-token-store'
import { loadSigningKey } from './signing-key-cache'
import { SigningKeyStore } from './signing-key-store'
import { SystemConfigurationStore } from './system-configuration-store'
import { TenantStore } from './tenant-store'
import { TwoFactorCompletionStore } from './two-factor-completion-store'
import { TwoFactorStore } from './two-factor-store'
import { UserActionStore } from './user-action-store'
import { UserSearchStore } from './user-search-store'
import { UserStore } from './user-store'
import { WebhookStore } from './webhook-store'

/** A write a store prepared for the caller to commit with others in one batch (one round trip, one transaction). */
export type PendingWrite = D1PreparedStatement

export interface DataContextInit {
  database: D1Database
  /** The id an empty database's default tenant is created with (DEFAULT_TENANT_ID), when set. */
  defaultTenantId?: string
  /** D1_READS=primary: the operator wants every read at the primary, replicas never. */
  strictReads: boolean
  kv: KVNamespace
  loginQueue: Queue<LoginQueueMessage>
  /** EVENT_QUEUE: non-transactional webhook events (jobs/deliver-events.ts); optional so a context without it still reads and writes. */
  eventQueue?: Queue<EventQueueMessage>
  nowMillis: number
  encryptionKey: string | undefined
  /** ENVIRONMENT, EMAIL and EMAIL_FROM: which mailer sends (mail/mailer.ts). */
  mail: MailSettings
}

/** The context for one request (or one scheduled run) from the Worker's bindings. */
export function dataContextFor(env: Bindings, nowMillis: number): DataContext {
  return new DataContext({
    database: databaseFor(env),
    strictReads: env.D1_READS === 'primary',
    defaultTenantId: env.DEFAULT_TENANT_ID,
    kv: env.KV,
    loginQueue: env.LOGIN_QUEUE,
    eventQueue: env.EVENT_QUEUE,
    nowMillis,
    encryptionKey: env.ENCRYPTION_KEY,
    mail: { ENVIRONMENT: env.ENVIRONMENT, EMAIL: env.EMAIL, EMAIL_FROM: env.EMAIL_FROM },
  })
}

/** Environments where the benchmark may ask for simulated D1 latency; never production. */
const LOCAL_ENVIRONMENTS: ReadonlySet<string> = new Set(['development', 'test'])

/** One delayed wrapper per binding, so the isolate's once-per-database checks (bootstrap.ts) stay once. */
const delayed = new WeakMap<D1Database, D1Database>()

/** The D1 binding, delayed per round trip when a local benchmark asks (D1_SIMULATED_LATENCY, observed-d1.ts). */
function databaseFor(env: Bindings): D1Database {
  const latency =
    env.ENVIRONMENT !== undefined && LOCAL_ENVIRONMENTS.has(env.ENVIRONMENT) ? parseSimulatedLatency(env.D1_SIMULATED_LATENCY) : null
  if (latency === null) return env.DB
  let wrapped = delayed.get(env.DB)
  if (wrapped === undefined) {
    wrapped = withSimulatedLatency(env.DB, latency)
    delayed.set(env.DB, wrapped)
  }
  return wrapped
}

export class DataContext {
  private readonly init: DataContextInit
  readonly nowMillis: number
  readonly encryptionKey: string | undefined
  private readonly kv: KVNamespace
  private readonly database: D1Database
  private readonly strictReads: boolean
  private placement: ReadPlacement = 'primary'
  private session: D1Handle | undefined
  private readonly loginQueue: Queue<LoginQueueMessage>
  private readonly built = new Map<string, unknown>()

  constructor(init: DataContextInit) {
    this.init = init
    this.database = init.database
    this.strictReads = init.strictReads
    this.kv = init.kv
    this.loginQueue = init.loginQueue
    this.nowMillis = init.nowMillis
    this.encryptionKey = init.encryptionKey
  }

  /**
   * Lets this request's reads go to the nearest replica (unless the operator set D1_READS=primary). Requests are
   * read at the primary unless their route opts in here, before the first read: the login family does, whose
   * writes carry guards against a lagging replica (docs/storage.md).
   */
  readFromReplicas(): void {
    if (this.session !== undefined) throw new Error('readFromReplicas() after the first read')
    if (!this.strictReads) this.placement = 'replica'
  }

  /** True while this request's reads may come from a replica (the decision must then be confirmed before it is final). */
  get readsAtReplica(): boolean {
    return this.placement === 'replica'
  }

  /** Whether a condition holds at the primary now (one round trip, outside the session): confirms a replica's answer. */
  holdsAtPrimary(condition: WriteCondition): Promise<boolean> {
    return new LoginStore(this.database).holds(condition)
  }

  /** A fresh context for the same request that reads at the primary: the retry after a StaleReadError. */
  atPrimary(): DataContext {
    return new DataContext({ ...this.init, strictReads: true })
  }

  /** The request's session, opened on first use (so readFromReplicas() can still choose its placement). */
  private get db(): D1Handle {
    this.session ??= openSession(this.database, this.placement)
    return this.session
  }

  /** One store per request and kind, built on first use. */
  private store<T>(name: string, build: () => T): T {
    let store = this.built.get(name) as T | undefined // set below from the same `build` type
    if (store === undefined) {
      store = build()
      this.built.set(name, store)
    }
    return store
  }

  get users(): UserStore {
    return this.store('users', () => new UserStore(this.db))
  }
  get logins(): LoginStore {
    return this.store('logins', () => new LoginStore(this.db))
  }
  get tenants(): TenantStore {
    return this.store('tenants', () => new TenantStore(this.db))
  }
  get applications(): ApplicationStore {
    return this.store('applications', () => new ApplicationStore(this.db))
  }
  get apiKeys(): ApiKeyStore {
    return this.store('apiKeys', () => new ApiKeyStore(this.db))
  }
  get signingKeys(): SigningKeyStore {
    return this.store('signingKeys', () => new SigningKeyStore(this.db, this.encryptionKey))
  }
  /** A signing key by id, decrypted, through the isolate's cache (signing-key-cache.ts states its bound). */
  signingKey(id: string): Promise<SigningKeyMaterial | null> {
    return loadSigningKey(this.signingKeys, id, this.nowMillis)
  }
  get refreshTokens(): RefreshTokenStore {
    return this.store('refreshTokens', () => new RefreshTokenStore(this.db))
  }
  get redemptions(): RedemptionStore {
    return this.store('redemptions', () => new RedemptionStore(this.db))
  }
  get failedLogins(): FailedLoginStore {
    return this.store('failedLogins', () => new FailedLoginStore(this.db))
  }
  get twoFactor(): TwoFactorStore {
    return this.store('twoFactor', () => new TwoFactorStore(this.db))
  }
  /** POST /api/two-factor/login's counted, guarded completion batch (two-factor-completion-store.ts). */
  get twoFactorCompletions(): TwoFactorCompletionStore {
    return this.store(
      'twoFactorCompletions',
      () => new TwoFactorCompletionStore(this.db, this.twoFactor, this.rateLimits, this.redemptions),
    )
  }
  /** The tenants' rate-limit counters (domain/rate-limit.ts). */
  get rateLimits(): RateLimitStore {
    return this.store('rateLimits', () => new RateLimitStore(this.db))
  }
  get userActions(): UserActionStore {
    return this.store('userActions', () => new UserActionStore(this.db))
  }
  /** Groups, their roles and their memberships (group-store.ts). */
  get groups(): GroupStore {
    return this.store('groups', () => new GroupStore(this.db))
  }
  get userSearch(): UserSearchStore {
    return this.store('userSearch', () => new UserSearchStore(this.db))
  }
  get loginRecords(): LoginRecordStore {
    return this.store('loginRecords', () => new LoginRecordStore(this.db))
  }
  /** Login counts per time bucket for the console's Activity page. */
  get activity(): ActivityStore {
    return this.store('activity', () => new ActivityStore(this.db))
  }
  get systemConfiguration(): SystemConfigurationStore {
    return this.store('systemConfiguration', () => new SystemConfigurationStore(this.db))
  }
  /** Webhooks; HTTP basic passwords are encrypted with the context's key (webhook-store.ts). */
  get webhooks(): WebhookStore {
    return this.store('webhooks', () => new WebhookStore(this.db, this.encryptionKey))
  }

  get pendingTwoFactorLogins(): ExpiringValueStore<PendingTwoFactorLogin> {
    return this.store(
      'pendingTwoFactorLogins',
      () => new ExpiringValueStore<PendingTwoFactorLogin>(this.kv, KV_PREFIXES.pendingTwoFactorLogin),
    )
  }
  get trustIds(): ExpiringValueStore<TwoFactorTrust> {
    return this.store('trustIds', () => new ExpiringValueStore<TwoFactorTrust>(this.kv, KV_PREFIXES.trustId))
  }
  get oneTimePasswords(): ExpiringValueStore<OneTimePasswordGrant> {
    return this.store('oneTimePasswords', () => new ExpiringValueStore<OneTimePasswordGrant>(this.kv, KV_PREFIXES.oneTimePassword))
  }
  get changePasswordIds(): ExpiringValueStore<ChangePasswordGrant> {
    return this.store('changePasswordIds', () => new ExpiringValueStore<ChangePasswordGrant>(this.kv, KV_PREFIXES.changePasswordId))
  }

  /** Console sessions, by the console_session cookie (domain/console/console-session.ts). */
  get consoleSessions(): ExpiringValueStore<ConsoleSession> {
    return this.store('consoleSessions', () => new ExpiringValueStore<ConsoleSession>(this.kv, KV_PREFIXES.consoleSession))
  }

  /** The development outbox in KV (mail/dev-outbox.ts), read by the dev-only outbox route. */
  get devOutbox(): DevOutboxMailer {
    return this.store('devOutbox', () => new DevOutboxMailer(this.kv))
  }

  /** Where two-factor codes are mailed: the development outbox or the send_email binding, by ENVIRONMENT (mailerFor). */
  get mailer(): Mailer {
    return this.store('mailer', () => mailerFor(this.init.mail, () => this.devOutbox))
  }

  /** The login queue's producer: login records and lastLoginInstant leave the request through it. */
  get loginEvents(): LoginEventQueue {
    return this.store('loginEvents', () => new LoginEventQueue(this.loginQueue))
  }

  /** What events need beside an action's own reads (a refresh token with its tenant). */
  get eventSubjects(): EventSubjectStore {
    return this.store('eventSubjects', () => new EventSubjectStore(this.db))
  }

  /** The event queue's producer (store/event-queue.ts). */
  get eventQueue(): EventQueue {
    return this.store('eventQueue', () => new EventQueue(this.init.eventQueue, this.eventBodies, this.nowMillis))
  }

  /** Bodies of events too big for a queue message, by event id (store/event-queue.ts). */
  get eventBodies(): ExpiringValueStore<FusionAuthEvent> {
    return this.store('eventBodies', () => new ExpiringValueStore<FusionAuthEvent>(this.kv, KV_PREFIXES.eventBody))
  }

  /** Where actions hand their events: delivered to the tenant's webhooks by its eventConfiguration (domain/events/publisher.ts). */
  get events(): EventPublisher {
    return this.store(
      'events',
      () =>
        new WebhookEventPublisher({
          webhooksFor: (tenantId, type) => this.webhooks.enabledFor(tenantId, type),
          signingKey: (id) => this.signingKey(id),
          queue: this.eventQueue,
        }),
    )
  }

  /** Seeds an empty database once per isolate (bootstrap.ts); always at the primary, outside the request's session. */
  ensureBootstrapped(): Promise<void> {
    return ensureBootstrapped(this.database, this.encryptionKey, this.nowMillis, this.init.defaultTenantId)
  }

  /** Commits writes from several stores in one batch: one round trip to the primary, one transaction. */
  async commit(writes: readonly PendingWrite[]): Promise<D1Result[]> {
    if (writes.length === 0) return []
    return this.db.batch([...writes])
  }
}
