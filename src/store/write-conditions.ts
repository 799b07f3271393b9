import type { WriteCondition } from './login-store'

/** Holds always: for a statement whose caller has nothing to require. */
export const ALWAYS: WriteCondition = { sql: '1', binds: [] }
/** Holds never. */
export const NEVER: WriteCondition = { sql: '0', binds: [] }

/**
 * True while the statement just before this one in the same batch changed exactly one row. A D1 batch is one
 * transaction run in order on one connection, and SQLite's changes() reports the last completed INSERT, UPDATE or
 * DELETE, so a batch's steps can each depend on the one before having taken effect: the later ones write nothing
 * when an earlier one lost a race, and no round trip is spent to find out in between.
 */
export const AFTER_PREVIOUS_WRITE: WriteCondition = { sql: 'changes() = 1', binds: [] }

/** All of the conditions (the absent ones hold). Conditions use anonymous `?` placeholders, so their binds concatenate. */
export function allOf(...conditions: readonly (WriteCondition | undefined)[]): WriteCondition {
  const present = conditions.filter((c): c is WriteCondition => c !== undefined)
  if (present.length === 0) return ALWAYS
  return { sql: present.map((c) => `(${c.sql})`).join(' AND '), binds: present.flatMap((c) => c.binds) }
}
