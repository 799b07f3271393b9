/**
 * FusionAuth's transaction types: how many of an event's webhooks must answer 2xx for the request that caused a
 * transactional event to succeed (fusionauth-java-client domain/TransactionType.java). `None` never waits.
 */
export const TRANSACTION_TYPES = ['None', 'Any', 'SimpleMajority', 'SuperMajority', 'AbsoluteMajority'] as const

export type TransactionType = (typeof TRANSACTION_TYPES)[number]

export const isTransactionType = (value: unknown): value is TransactionType =>
  typeof value === 'string' && (TRANSACTION_TYPES as readonly string[]).includes(value)

/**
 * True when `successes` of `total` webhooks satisfy the type, with FusionAuth's arithmetic: a simple majority is at
 * least half, a super majority at least two thirds, an absolute majority all of them.
 */
export function transactionSatisfied(type: TransactionType, total: number, successes: number): boolean {
  switch (type) {
    case 'None':
      return true
    case 'Any':
      return successes > 0
    case 'SimpleMajority':
      return successes >= total / 2
    case 'SuperMajority':
      return successes >= (total / 3) * 2
    case 'AbsoluteMajority':
      return successes === total
  }
}
