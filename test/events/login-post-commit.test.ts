/**
 * What a password login sends once its refresh token is committed: the login record (LOGIN_QUEUE) and the queued
 * user.login.success (EVENT_QUEUE) go out together, neither waiting for the other's send; and the event's `info`
 * takes the request's User-Agent the way every event does (an empty header is none).
 */
import { describe, expect, it } from 'vitest'
import type { FusionAuthEvent } from '../../src/domain/events/event'
import type { EventQueueMessage } from '../../src/store/event-queue'
import { PASSWORD, type World, world } from '../routes/session-fixtures'
import { callWith } from '../support/worker-call'
import { sends } from './delivery-fixtures'

/** How long a held send waits for the other queue's before giving up: only reached when the sends are sequential. */
const SEQUENTIAL_FALLBACK_MS = 2000

/**
 * LOGIN_QUEUE and EVENT_QUEUE stand-ins that log each send as issued and hold it until both queues have been sent to
 * (or the fallback passes), then log it resolved: concurrent sends log both issues before either resolution.
 */
function heldQueues() {
  const log: string[] = []
  const bodies: unknown[] = []
  let issued = new Set<string>()
  let release = () => {}
  const bothIssued = new Promise<void>((resolve) => {
    release = resolve
  })
  const queue = <T>(name: string): Queue<T> => {
    const hold = async (body: unknown) => {
      bodies.push(body)
      log.push(`issued ${name}`)
      issued = new Set([...issued, name])
      if (issued.size === 2) release()
      await Promise.race([bothIssued, new Promise((resolve) => setTimeout(resolve, SEQUENTIAL_FALLBACK_MS))])
      log.push(`resolved ${name}`)
    }
    const stub = {
      send: (body: T) => hold(body),
      sendBatch: (messages: Iterable<MessageSendRequest<T>>) => hold([...messages].map((message) => message.body)),
    }
    return stub as unknown as Queue<T>
  }
  return { log, bodies, bindings: { LOGIN_QUEUE: queue('login'), EVENT_QUEUE: queue<EventQueueMessage>('event') } }
}

const login = (w: World, bindings: Partial<Cloudflare.Env>, headers: Record<string, string> = {}) =>
  callWith(bindings, '/api/login', { body: { loginId: w.email, password: PASSWORD, applicationId: w.application.id }, headers })

/** The user.login.success a held EVENT_QUEUE was sent. */
function publishedSuccess(bodies: readonly unknown[]): FusionAuthEvent | undefined {
  const messages = bodies.flat() as Partial<EventQueueMessage & { event: FusionAuthEvent }>[]
  return messages.find((message) => message.type === 'event.publish' && message.event?.type === 'user.login.success')?.event
}

describe('a login after its commit', () => {
  it('sends the login record and the queued user.login.success concurrently', async () => {
    const w = await world({ tenant: sends({ 'user.login.success': 'None' }) })
    const held = heldQueues()
    const response = await login(w, held.bindings)
    expect(response.status).toBe(200)
    expect(held.log.slice(0, 2).sort()).toEqual(['issued event', 'issued login'])
    expect(held.log).toHaveLength(4)
  })

  it('an empty User-Agent gives the event no info.userAgent', async () => {
    const w = await world({ tenant: sends({ 'user.login.success': 'None' }) })
    const held = heldQueues()
    const response = await login(w, held.bindings, { 'X-Forwarded-For': '203.0.113.7', 'User-Agent': '' })
    expect(response.status).toBe(200)
    expect(publishedSuccess(held.bodies)?.info).toEqual({ ipAddress: '203.0.113.7' })
  })
})
