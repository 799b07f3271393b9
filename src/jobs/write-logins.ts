/**
 * The login queue's consumer: writes each delivered batch of logins to D1 in one batch. Writes are idempotent
 * (login-events.ts), so a batch that fails is retried whole, with backoff, and a redelivery adds nothing twice.
 * A message this version cannot read is retried on its own until it reaches the dead-letter queue, never dropped.
 */
import type { Bindings } from '../env'
import { dataContextFor } from '../store/data-context'
import { type LoginQueueMessage, isLoginQueueMessage, writeLoginBatch } from '../store/login-events'

/** Backoff for a failed batch: 2, 4, 8 ... seconds by attempt, at most 5 minutes. */
export const retryDelaySeconds = (attempts: number): number => Math.min(300, 2 ** Math.max(1, attempts))

export async function writeLogins(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const readable: Message<LoginQueueMessage>[] = []
  for (const message of batch.messages) {
    if (isLoginQueueMessage(message.body)) readable.push(message as Message<LoginQueueMessage>)
    else {
      console.error(JSON.stringify({ job: 'write-logins', error: 'unreadable message', id: message.id, attempts: message.attempts }))
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })
    }
  }
  if (readable.length === 0) return
  try {
    await writeLoginBatch(
      dataContextFor(env, Date.now()),
      readable.map((message) => message.body),
    )
    for (const message of readable) message.ack()
  } catch (error) {
    const attempts = Math.max(...readable.map((message) => message.attempts))
    console.error(JSON.stringify({ job: 'write-logins', error: String(error), messages: readable.length, attempts }))
    for (const message of readable) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })
  }
}
