import type { User } from '../user'
import type { Tenant } from '../tenant'
import type { EventSource } from '../events/event-source'
import { twoFactorMethodEvent } from '../events/user-events'
import type { PublicTwoFactorMethod } from '../two-factor/methods'
import { secretBox } from '../crypto/encryption'
import { newMethodId, toPublicMethod } from '../two-factor/methods'
import { RECOVERY_CODE_COUNT, generateRecoveryCodes, hashRecoveryCode, recoveryCodeKey } from '../two-factor/recovery-codes'
import { verifyTotp } from '../two-factor/totp'
import type { PendingTwoFactorLogin } from '../login/two-factor-gate'
import type { DataContext } from '../../store/data-context'
import type { NewTwoFactorMethod, StoredTwoFactorMethod } from '../../store/two-factor-store'
import { ENABLE_TARGET, emailTarget, issueOneTimeCode, loginCodeScope, methodTarget, userCodeScope } from './one-time-codes'
import { consumeCode, matchCode } from './verify-code'

export type EnableRequest =
  | { method: 'authenticator'; keyBytes: Uint8Array; code: string; name?: string }
  | { method: 'email'; email: string; code: string; name?: string }

/** Who is told of a method change: the user's tenant (its eventConfiguration) and the request. */
export interface MethodChangeNotice {
  tenant: Tenant
  source: EventSource
}

/** The user as the User API shows it once its methods are `methods`. */
const withMethods = (user: User, methods: readonly PublicTwoFactorMethod[]): User => ({ ...user, twoFactor: { methods: [...methods] } })

const viewsOf = (methods: readonly StoredTwoFactorMethod[]): PublicTwoFactorMethod[] => methods.map((m) => m.view)

export type EnableOutcome =
  | { kind: 'invalidCode' }
  | { kind: 'duplicateEmail' }
  | { kind: 'enabled'; methodId: string; recoveryCodes?: string[]; code?: string }

/**
 * POST /api/user/two-factor/{userId}. An authenticator is enabled with a valid TOTP code for its new
 * secret (that step is recorded, so the same code cannot then log in); an email method with the newest
 * code sent to that address by POST /api/two-factor/send. The first method also creates ten recovery codes,
 * returned once and stored hashed. With a pending `Required` login (twoFactorId), a code to finish it is returned.
 */
export async function enableTwoFactor(
  data: DataContext,
  user: User,
  request: EnableRequest,
  notice: MethodChangeNotice,
  required?: { twoFactorId: string; pending: PendingTwoFactorLogin },
): Promise<EnableOutcome> {
  const store = data.twoFactor
  const existing = await store.listMethods(user.id)
  const methodId = newMethodId(existing.map((m) => m.id))
  let method: NewTwoFactorMethod
  if (request.method === 'authenticator') {
    const verified = await verifyTotp(request.keyBytes, request.code.trim(), data.nowMillis)
    if (!verified.ok) return { kind: 'invalidCode' }
    const secretEncrypted = await (await secretBox(data.encryptionKey)).encrypt(request.keyBytes)
    method = {
      view: toPublicMethod({ id: methodId, method: 'authenticator', name: request.name }),
      secretEncrypted,
      lastStep: verified.step,
    }
  } else {
    const target = emailTarget(request.email)
    if (existing.some((m) => m.method === 'email' && m.view.method === 'email' && emailTarget(m.view.email) === target))
      return { kind: 'duplicateEmail' }
    const rules = { userId: user.id, methods: [], oneTimeScope: userCodeScope(user.id), oneTimeTarget: target, allowRecoveryCode: false }
    const match = await matchCode(data, rules, request.code.trim())
    if (match === null || !(await consumeCode(data, user.id, match))) return { kind: 'invalidCode' }
    method = {
      view: toPublicMethod({ id: methodId, method: 'email', email: request.email.trim(), name: request.name }),
      secretEncrypted: null,
      lastStep: null,
    }
  }

  const first = existing.length === 0
  const recoveryCodes = first ? generateRecoveryCodes(RECOVERY_CODE_COUNT) : undefined
  const hashes = recoveryCodes === undefined ? [] : await hashAll(data, recoveryCodes)
  const added = twoFactorMethodEvent(
    'user.two-factor.method.add',
    withMethods(user, [...viewsOf(existing), method.view]),
    method.view,
    notice.source,
  )
  await data.events.around(notice.tenant, [added], () =>
    data.commit([
      store.insertMethodStatement(user.id, method, data.nowMillis),
      ...(first ? store.replaceRecoveryCodesStatements(user.id, hashes, data.nowMillis) : []),
      store.userViewStatement(user.id),
    ]),
  )

  const code =
    required === undefined
      ? undefined
      : await issueOneTimeCode(data, await loginCodeScope(required.twoFactorId), ENABLE_TARGET, required.pending.expiresInstant)
  return { kind: 'enabled', methodId, ...(recoveryCodes === undefined ? {} : { recoveryCodes }), ...(code === undefined ? {} : { code }) }
}

export type DisableOutcome = { kind: 'invalidCode' } | { kind: 'unknownMethod' } | { kind: 'disabled'; all: boolean }

/**
 * DELETE /api/user/two-factor/{userId}?methodId=&code=. The code is a TOTP code of that method, the newest
 * code mailed for it, or a recovery code; a recovery code removes every method (and the remaining codes).
 * Removing the last method also removes the recovery codes.
 */
export async function disableTwoFactor(
  data: DataContext,
  user: User,
  methodId: string | null,
  code: string,
  notice: MethodChangeNotice,
): Promise<DisableOutcome> {
  const userId = user.id
  const store = data.twoFactor
  const methods = await store.listMethods(userId)
  const method = methodId === null ? undefined : methods.find((m) => m.id === methodId)
  if (methodId !== null && method === undefined) return { kind: 'unknownMethod' }
  const rules = {
    userId,
    methods: method === undefined ? [] : [method],
    oneTimeScope: method === undefined ? null : userCodeScope(userId),
    ...(method === undefined ? {} : { oneTimeTarget: methodTarget(method.id) }),
    allowRecoveryCode: true,
  }
  const match = await matchCode(data, rules, code.trim())
  if (match === null || !(await consumeCode(data, userId, match))) return { kind: 'invalidCode' }

  // One user.two-factor.method.remove per method removed, each with the user as the removal leaves it.
  const removed = (gone: readonly StoredTwoFactorMethod[]) => {
    const after = withMethods(user, viewsOf(methods.filter((m) => !gone.includes(m))))
    return gone.map((m) => twoFactorMethodEvent('user.two-factor.method.remove', after, m.view, notice.source))
  }
  if (match.kind === 'recovery' || method === undefined) {
    await data.events.around(notice.tenant, removed(methods), () =>
      data.commit([store.deleteAllMethodsStatement(userId), store.deleteRecoveryCodesStatement(userId), store.userViewStatement(userId)]),
    )
    return { kind: 'disabled', all: true }
  }
  await data.events.around(notice.tenant, removed([method]), () =>
    data.commit([
      store.deleteMethodStatement(userId, method.id),
      store.deleteRecoveryCodesIfNoMethodsStatement(userId),
      store.userViewStatement(userId),
    ]),
  )
  return { kind: 'disabled', all: false }
}

/** POST /api/user/two-factor/recovery-code/{userId}: a new set of ten codes replaces the old set. */
export async function regenerateRecoveryCodes(data: DataContext, userId: string): Promise<string[]> {
  const codes = generateRecoveryCodes(RECOVERY_CODE_COUNT)
  await data.commit(data.twoFactor.replaceRecoveryCodesStatements(userId, await hashAll(data, codes), data.nowMillis))
  return codes
}

async function hashAll(data: Pick<DataContext, 'encryptionKey'>, codes: readonly string[]): Promise<string[]> {
  const key = await recoveryCodeKey(data.encryptionKey)
  return Promise.all(codes.map((code) => hashRecoveryCode(code, key)))
}
