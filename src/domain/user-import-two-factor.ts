/**
 * `users[i].twoFactor` of `POST /api/user/import`: the methods a user already had elsewhere (an
 * authenticator with its Base64 TOTP key, or an email address) and their unused recovery codes, so a
 * migrated user keeps logging in with the same authenticator app and the same printed codes.
 *
 * Pure: keys are decoded and checked here; encrypting them and hashing the codes is the caller's job,
 * like password hashing. Problems go to the reader's Errors under `users[i].twoFactor...` paths.
 */
import { FieldReader, isObject } from '../http/fields'
import { isMethodId, newMethodId } from './two-factor/methods'
import { looksLikeRecoveryCode, normalizeRecoveryCode } from './two-factor/recovery-codes'
import { secretFromRequest } from './two-factor/secret'
import { isEmail } from './user-input'

/** Methods one imported user may bring (FusionAuth sets no limit; each is one statement in the import batch). */
export const MAX_IMPORT_TWO_FACTOR_METHODS = 10
/** Recovery codes one imported user may bring (FusionAuth issues ten per set). */
export const MAX_IMPORT_RECOVERY_CODES = 50

export type ImportedTwoFactorMethod =
  | { id: string; method: 'authenticator'; keyBytes: Uint8Array; name?: string }
  | { id: string; method: 'email'; email: string; name?: string }

export interface ImportedTwoFactor {
  methods: ImportedTwoFactorMethod[]
  /** Distinct codes as given (hashing normalises them); empty when the user has no method. */
  recoveryCodes: string[]
}

/**
 * Reads `twoFactor` of one import user; null when absent. Only `authenticator` and `email` methods are
 * accepted (this service cannot deliver SMS codes, so an imported SMS method could never be used).
 * The `authenticator.{algorithm,codeLength,timeStep}` fields are ignored, as FusionAuth ignores them:
 * TOTP is always HmacSHA1, 6 digits, 30 seconds. Method ids are kept when given (FusionAuth's four
 * characters), else generated. Recovery codes without any method are dropped: they could never be used.
 */
export function readImportTwoFactor(user: FieldReader): ImportedTwoFactor | null {
  if (!user.has('twoFactor')) return null
  const twoFactor = user.object('twoFactor')
  if (!isObject(user.source.twoFactor)) return null
  const methods = readMethods(twoFactor)
  const recoveryCodes = readRecoveryCodes(twoFactor)
  return { methods, recoveryCodes: methods.length === 0 ? [] : recoveryCodes }
}

function readMethods(twoFactor: FieldReader): ImportedTwoFactorMethod[] {
  const listPath = twoFactor.path('methods')
  const raw = twoFactor.source.methods
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) {
    twoFactor.errors.field(listPath, `[invalid]${listPath}`, `Invalid [${listPath}] property. Expected an array.`)
    return []
  }
  if (raw.length > MAX_IMPORT_TWO_FACTOR_METHODS) {
    twoFactor.errors.field(
      listPath,
      `[tooMany]${listPath}`,
      `A user may bring at most ${MAX_IMPORT_TWO_FACTOR_METHODS} two-factor methods.`,
    )
    return []
  }
  const givenIds = raw.flatMap((entry: unknown) => (isObject(entry) && isMethodId(entry.id) ? [entry.id] : []))
  const usedIds = new Set<string>()
  const emails = new Set<string>()
  const methods: ImportedTwoFactorMethod[] = []
  raw.forEach((entry: unknown, j) => {
    const path = `${listPath}[${j}]`
    if (!isObject(entry)) {
      twoFactor.errors.field(path, `[invalid]${path}`, `Invalid [${path}] property. Expected an object.`)
      return
    }
    const method = readMethod(new FieldReader(entry, twoFactor.errors, path), usedIds, givenIds, emails)
    if (method !== null) methods.push(method)
  })
  return methods
}

function readMethod(
  method: FieldReader,
  usedIds: Set<string>,
  givenIds: readonly string[],
  emails: Set<string>,
): ImportedTwoFactorMethod | null {
  const errors = method.errors
  const kind = method.requiredString('method')
  const kindPath = method.path('method')
  const rawId = method.string('id')
  const name = method.string('name')
  const idPath = method.path('id')
  let id: string | undefined
  if (rawId !== undefined && rawId !== '') {
    if (!isMethodId(rawId))
      errors.field(idPath, `[invalid]${idPath}`, `The [${idPath}] property must be four upper-case letters or digits.`)
    else if (usedIds.has(rawId))
      errors.field(idPath, `[duplicate]${idPath}`, `The method Id [${rawId}] appears more than once for this user.`)
    else id = rawId
  }
  if (kind !== undefined && kind !== 'authenticator' && kind !== 'email') {
    errors.field(
      kindPath,
      `[invalid]${kindPath}`,
      `The [${kindPath}] property must be [authenticator] or [email]; this service cannot deliver [${kind}] codes.`,
    )
    return null
  }
  if (kind === undefined) return null

  // Generated ids avoid every id the request names, including ones of methods read later.
  const methodId = id ?? newMethodId([...usedIds, ...givenIds])
  usedIds.add(methodId)
  const named = name === undefined || name === '' ? {} : { name }
  if (kind === 'authenticator') {
    const secret = secretFromRequest({ secret: method.string('secret'), secretBase32Encoded: method.string('secretBase32Encoded') })
    if (!secret.ok) {
      const path = method.path(secret.field)
      const message =
        secret.reason === 'blank'
          ? `You must specify the [${path}] property for an [authenticator] method.`
          : `The [${path}] property must encode a TOTP key of 10 to 64 bytes.`
      errors.field(path, `[${secret.reason}]${path}`, message)
      return null
    }
    return { id: methodId, method: 'authenticator', keyBytes: secret.keyBytes, ...named }
  }
  const email = method.requiredString('email')
  if (email === undefined) return null
  const emailPath = method.path('email')
  if (!isEmail(email.trim())) {
    errors.field(emailPath, `[notEmail]${emailPath}`, `The [${emailPath}] property must be a valid email address.`)
    return null
  }
  const key = email.trim().toLowerCase()
  if (emails.has(key)) {
    errors.field(
      emailPath,
      `[duplicate]${emailPath}`,
      `The [email] two-factor method for [${email.trim()}] appears more than once for this user.`,
    )
    return null
  }
  emails.add(key)
  return { id: methodId, method: 'email', email: email.trim(), ...named }
}

function readRecoveryCodes(twoFactor: FieldReader): string[] {
  const codes = twoFactor.stringArray('recoveryCodes')
  if (codes === undefined) return []
  const path = twoFactor.path('recoveryCodes')
  if (codes.length > MAX_IMPORT_RECOVERY_CODES) {
    twoFactor.errors.field(path, `[tooMany]${path}`, `A user may bring at most ${MAX_IMPORT_RECOVERY_CODES} recovery codes.`)
    return []
  }
  // Only codes that /api/two-factor/login would accept (ten letters or digits, dashes ignored) are useful.
  if (!codes.every(looksLikeRecoveryCode)) {
    twoFactor.errors.field(
      path,
      `[invalid]${path}`,
      `Each value of [${path}] must be a recovery code like [QJD73-L6GR5] (ten letters or digits).`,
    )
    return []
  }
  const seen = new Set<string>()
  return codes.filter((code) => {
    const normalized = normalizeRecoveryCode(code)
    if (seen.has(normalized)) return false
    seen.add(normalized)
    return true
  })
}
