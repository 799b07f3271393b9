import { isObject } from '../http/fields'
import type { MailMessage, Mailer } from './mailer'

/** KV prefix of the development outbox: `outbox:<lower-cased address>` (docs/storage.md). */
export const OUTBOX_PREFIX = 'outbox:'
/** Messages kept per address, newest last. */
const KEPT_MESSAGES = 20
/** Outbox entries disappear after an hour. */
const OUTBOX_TTL_SECONDS = 3600

export interface OutboxMessage extends MailMessage {
  /** Position in this address's outbox, counting from 1; orders messages sent within one millisecond. */
  sequence: number
}

const outboxKey = (address: string): string => OUTBOX_PREFIX + address.trim().toLowerCase()

/**
 * Local delivery for `ENVIRONMENT=test|development` only (see mailerFor): messages land in KV where tests
 * (and the dev-only outbox route) read them. Read-modify-write of one key per address: fine locally, where
 * neither KV's one-write-per-second-per-key limit nor concurrent senders to one address matter.
 */
export class DevOutboxMailer implements Mailer {
  constructor(private readonly kv: KVNamespace) {}

  async send(message: MailMessage): Promise<void> {
    const existing = await readOutbox(this.kv, message.to)
    const sequence = (existing.at(-1)?.sequence ?? 0) + 1
    const kept = [...existing, { ...message, sequence }].slice(-KEPT_MESSAGES)
    await this.kv.put(outboxKey(message.to), JSON.stringify(kept), { expirationTtl: OUTBOX_TTL_SECONDS })
  }

  /** Messages sent to an address, oldest first (empty when none). */
  read(address: string): Promise<OutboxMessage[]> {
    return readOutbox(this.kv, address)
  }
}

/** Messages sent to an address, oldest first (empty when none). */
export async function readOutbox(kv: KVNamespace, address: string): Promise<OutboxMessage[]> {
  const text = await kv.get(outboxKey(address))
  if (text === null) return []
  const parsed: unknown = JSON.parse(text)
  return Array.isArray(parsed) ? parsed.filter(isOutboxMessage) : []
}

function isOutboxMessage(value: unknown): value is OutboxMessage {
  if (!isObject(value)) return false
  const record = value
  return (
    typeof record.to === 'string' &&
    typeof record.subject === 'string' &&
    typeof record.text === 'string' &&
    typeof record.sequence === 'number'
  )
}
