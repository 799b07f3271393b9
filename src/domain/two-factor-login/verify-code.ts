import { secretBox } from '../crypto/encryption'
import { hashRecoveryCode, looksLikeRecoveryCode, recoveryCodeKey } from '../two-factor/recovery-codes'
import { verifyTotp } from '../two-factor/totp'
import type { DataContext } from '../../store/data-context'
import type { StoredTwoFactorMethod } from '../../store/two-factor-store'
import type { SpentFactor } from '../../store/two-factor-completion-store'
import { hashOneTimeCode } from './one-time-codes'

/** Which factor a submitted code matched; consumeCode spends exactly that. */
export type CodeMatch =
  | { kind: 'totp'; methodId: string; step: number }
  | { kind: 'oneTime'; scope: string; codeHash: string; target: string }
  | { kind: 'recovery'; codeHash: string }

export interface CodeRules {
  userId: string
  /** Authenticator methods whose TOTP codes count (others in the list are ignored). */
  methods: readonly StoredTwoFactorMethod[]
  /** Where an emailed code for this request lives, or null when none can apply. */
  oneTimeScope: string | null
  /** When set, an emailed code counts only if it was sent for this target. */
  oneTimeTarget?: string
  allowRecoveryCode: boolean
}

const SIX_DIGITS = /^[0-9]{6}$/

type TotpEnvironment = Pick<DataContext, 'encryptionKey' | 'nowMillis'>

const authenticatorsOf = (methods: readonly StoredTwoFactorMethod[]) =>
  methods.filter((m) => m.method === 'authenticator' && m.secretEncrypted !== null)

/**
 * Finds what a code matches without spending it: a TOTP code of one of the methods (fresher than the
 * method's last accepted step), the scope's newest emailed code, or one of the user's recovery codes.
 * Spending is a separate, conditional write (consumeCode), so a wrong code never burns anything and
 * two requests racing with one right code cannot both spend it.
 */
export async function matchCode(data: DataContext, rules: CodeRules, code: string): Promise<CodeMatch | null> {
  const store = data.twoFactor
  const totp = await matchTotp(data, rules.methods, code)
  if (totp !== null) return totp
  if (rules.oneTimeScope !== null && SIX_DIGITS.test(code)) {
    const codeHash = await hashOneTimeCode(data.encryptionKey, rules.oneTimeScope, code)
    const target = await store.findCode(rules.oneTimeScope, codeHash, data.nowMillis)
    if (target !== null && (rules.oneTimeTarget === undefined || rules.oneTimeTarget === target)) {
      return { kind: 'oneTime', scope: rules.oneTimeScope, codeHash, target }
    }
  }
  if (rules.allowRecoveryCode && looksLikeRecoveryCode(code)) {
    const codeHash = await hashRecoveryCode(code, await recoveryCodeKey(data.encryptionKey))
    if (await store.hasRecoveryCode(rules.userId, codeHash)) return { kind: 'recovery', codeHash }
  }
  return null
}

/**
 * The TOTP step of the first authenticator (in the methods' order) the code is valid for and fresher than the
 * method's last accepted step. Every authenticator is decrypted and verified whatever matched, so the work is the
 * same for a right and a wrong code: a two-factor completion matches before its batch counts the attempt, and
 * only the batch's answer may tell the client anything.
 */
export async function matchTotp(
  env: TotpEnvironment,
  methods: readonly StoredTwoFactorMethod[],
  code: string,
): Promise<Extract<CodeMatch, { kind: 'totp' }> | null> {
  const authenticators = authenticatorsOf(methods)
  if (authenticators.length === 0 || !SIX_DIGITS.test(code)) return null
  const box = await secretBox(env.encryptionKey)
  const verified = await Promise.all(
    authenticators.map(async (method) => {
      const key = await box.decrypt(method.secretEncrypted ?? '')
      return { method, result: await verifyTotp(key, code, env.nowMillis, { lastAcceptedStep: method.lastStep }) }
    }),
  )
  for (const { method, result } of verified) if (result.ok) return { kind: 'totp', methodId: method.id, step: result.step }
  return null
}

/**
 * What a login's code is, if it is a code D1 can check by its hash (an emailed code of the pending login, or a
 * recovery code): the hash of the input under the server's key, to be compared inside the completion batch after
 * the attempt is counted. Null when the code has neither shape. Computing the hash checks nothing.
 */
export async function hashedFactor(
  env: Pick<DataContext, 'encryptionKey'>,
  login: { userId: string; oneTimeScope: string },
  code: string,
): Promise<SpentFactor | null> {
  if (SIX_DIGITS.test(code))
    return { kind: 'oneTime', scope: login.oneTimeScope, codeHash: await hashOneTimeCode(env.encryptionKey, login.oneTimeScope, code) }
  if (looksLikeRecoveryCode(code))
    return { kind: 'recovery', userId: login.userId, codeHash: await hashRecoveryCode(code, await recoveryCodeKey(env.encryptionKey)) }
  return null
}

/**
 * Spends a matched code with a write only one request can win: the TOTP step moves forward only past
 * the stored one (`UPDATE ... WHERE last_step < ?`), emailed and recovery codes are deleted with RETURNING.
 * False when another request spent it first.
 */
export async function consumeCode(data: DataContext, userId: string, match: CodeMatch): Promise<boolean> {
  const store = data.twoFactor
  switch (match.kind) {
    case 'totp':
      return store.advanceStep(userId, match.methodId, match.step)
    case 'oneTime':
      return store.redeemCode(match.scope, match.codeHash, match.target, data.nowMillis)
    case 'recovery':
      return store.redeemRecoveryCode(userId, match.codeHash)
  }
}
