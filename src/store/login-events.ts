/**
 * Logins leave the request's critical path through a Cloudflare Queue: the request sends one message (durable once
 * `send` resolves) and a batching consumer writes the login record and lastLoginInstant to D1. Delivery is
 * at-least-once, so the consumer's writes are idempotent: the record's id is a unique key (INSERT OR IGNORE), and
 * lastLoginInstant only moves forward, whatever order redeliveries arrive in.
 */
import type { NewLoginRecord } from '../domain/login-record'
import type { DataContext, PendingWrite } from './data-context'

/** The queue's one message type today; `type` leaves room for the events that will share the queue. */
export interface LoginRecordedMessage {
  type: 'login.recorded'
  /** Unique per login; the consumer's idempotency key. */
  recordId: string
  record: NewLoginRecord
}

export type LoginQueueMessage = LoginRecordedMessage

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isStringOrNull = (value: unknown): boolean => value === null || typeof value === 'string'

/** Checks a delivered body before the consumer writes it: the queue may hold messages of another version. */
export function isLoginQueueMessage(body: unknown): body is LoginQueueMessage {
  if (!isRecord(body) || body.type !== 'login.recorded' || typeof body.recordId !== 'string' || !isRecord(body.record)) return false
  const r = body.record
  return (
    typeof r.tenantId === 'string' &&
    typeof r.userId === 'string' &&
    isStringOrNull(r.applicationId) &&
    typeof r.loginId === 'string' &&
    (r.loginIdType === undefined || isStringOrNull(r.loginIdType)) &&
    typeof r.instant === 'number' &&
    isStringOrNull(r.ipAddress) &&
    typeof r.authenticationType === 'string'
  )
}

/** The producer side, as the login path sees it. */
export class LoginEventQueue {
  constructor(private readonly queue: Queue<LoginQueueMessage>) {}

  /** Resolves once the queue has the message durably; a failure rejects, so the login answers 500 and loses nothing silently. */
  async recordLogin(record: NewLoginRecord): Promise<void> {
    await this.queue.send({ type: 'login.recorded', recordId: crypto.randomUUID(), record }, { contentType: 'json' })
  }
}

/** Writes a delivered batch in one D1 batch (one transaction): up to three statements a message, each well under D1's 100 bound values. */
export async function writeLoginBatch(
  data: Pick<DataContext, 'loginRecords' | 'users' | 'commit'>,
  messages: readonly LoginQueueMessage[],
): Promise<void> {
  const statements: PendingWrite[] = []
  for (const message of messages) {
    const { record } = message
    statements.push(data.loginRecords.insertOnceStatement(message.recordId, record))
    statements.push(data.users.lastLoginStatement(record.userId, record.instant))
    if (record.applicationId !== null) {
      statements.push(data.users.registrationLastLoginStatement(record.userId, record.applicationId, record.instant))
    }
  }
  await data.commit(statements)
}
