/**
 * FusionAuth's transaction arithmetic (TransactionType.java): Any is at least one 2xx; SimpleMajority at least half;
 * SuperMajority at least two thirds; AbsoluteMajority all. An event no webhook takes satisfies every type (nothing
 * is sent, so nothing can fail). Which events wait is the tenant's setting and the type's transactional flag.
 */
import { describe, expect, it } from 'vitest'
import type { FusionAuthEvent } from '../../src/domain/events/event'
import { newEvent } from '../../src/domain/events/event'
import { deliversDuringRequest, planEvents, transactionHolds } from '../../src/domain/events/webhook-publisher'
import type { TransactionType } from '../../src/domain/events/transaction-types'
import type { DeliveryOutcome } from '../../src/domain/webhook-delivery'

const answers = (successes: number, failures: number): DeliveryOutcome[] => [
  ...Array.from({ length: successes }, () => ({ delivered: true as const, status: 200 })),
  ...Array.from({ length: failures }, () => ({ delivered: false as const, status: 500, reason: 'HTTP 500' })),
]

const table: [TransactionType, number, number, boolean][] = [
  ['None', 0, 3, true],
  ['Any', 1, 2, true],
  ['Any', 0, 1, false],
  ['SimpleMajority', 1, 1, true],
  ['SimpleMajority', 1, 2, false],
  ['SimpleMajority', 2, 1, true],
  ['SuperMajority', 2, 1, true],
  ['SuperMajority', 1, 1, false],
  ['SuperMajority', 3, 2, false],
  ['SuperMajority', 4, 2, true],
  ['AbsoluteMajority', 3, 0, true],
  ['AbsoluteMajority', 2, 1, false],
]

describe('transaction types', () => {
  for (const [type, ok, failed, holds] of table) {
    it(`${type}: ${ok} of ${ok + failed} answering 2xx ${holds ? 'holds' : 'fails'}`, () => {
      expect(transactionHolds(type, answers(ok, failed))).toBe(holds)
    })
  }

  it('no webhook at all satisfies every type', () => {
    for (const type of ['None', 'Any', 'SimpleMajority', 'SuperMajority', 'AbsoluteMajority'] as const) {
      expect(transactionHolds(type, [])).toBe(true)
    }
  })
})

describe('which events wait for their webhooks', () => {
  const tenant = (events: Record<string, { enabled: boolean; transactionType: TransactionType }>) => ({ eventConfiguration: { events } })
  const event = (type: FusionAuthEvent['type']): FusionAuthEvent => newEvent(type, 0, crypto.randomUUID())

  it('enabled with a transaction type other than None and transactional: now; enabled otherwise: queued; disabled: neither', () => {
    const configured = tenant({
      'user.login.success': { enabled: true, transactionType: 'Any' },
      'user.login.failed': { enabled: true, transactionType: 'None' },
      'user.password.update': { enabled: true, transactionType: 'AbsoluteMajority' }, // non-transactional in FusionAuth
      'jwt.refresh': { enabled: false, transactionType: 'AbsoluteMajority' },
    })
    const events = [event('user.login.success'), event('user.login.failed'), event('user.password.update'), event('jwt.refresh')]
    const plan = planEvents(configured, events)
    expect(plan.now.map((entry) => [entry.event.type, entry.transactionType])).toEqual([['user.login.success', 'Any']])
    expect(plan.later.map((entry) => entry.type)).toEqual(['user.login.failed', 'user.password.update'])
    expect(deliversDuringRequest(configured, 'user.login.success')).toBe(true)
    expect(deliversDuringRequest(configured, 'user.password.update')).toBe(false)
    expect(deliversDuringRequest(configured, 'jwt.refresh')).toBe(false)
  })
})
