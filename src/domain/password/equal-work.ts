/**
 * Every password check for a login id costs what the tenant's scheme and factor cost, so a 404 says nothing
 * about whether the login id exists or how its password is stored (issue 8: a user imported at PBKDF2 10,000
 * answered a wrong password in a third of the time an unknown login id took).
 *
 * What holds: an unknown login id, a user without a password, a user whose stored hash is unusable, and a user
 * stored with the tenant's primitive at or below the tenant's work all spend exactly the tenant's work in the
 * tenant's primitive (PBKDF2 blocks, digest calls, HMACs or bcrypt rounds; see work.ts), whether the password is
 * right or wrong. A user stored at the tenant's scheme and factor gets no padding: a login's floor stays its one
 * hash. What remains: a user whose own hash costs more than the tenant's (a higher factor, or bcrypt cost 10
 * against PBKDF2 100,000) is slower than an unknown login id by the difference, and a user stored with another
 * primitive (bcrypt or a salted digest in a PBKDF2 tenant) pays its own hash on top of the full tenant work, so
 * it is slower by its own hash (microseconds for salted-hmac-sha256 and single digests, ~2 ms for bcrypt cost 4).
 * Either way such a check is never cheaper than an unknown login id. Padding the unknown login id up to the most
 * expensive stored hash instead would charge every login for the dearest import and hand unauthenticated callers
 * up to a second of CPU per request (bcrypt 14). The tenant's `modifyEncryptionSchemeOnLogin` ends the residual
 * for a user at their next login. FusionAuth hashes unknown login ids with the tenant's scheme at the encryptor's
 * default factor and pads nothing, so both of its directions leak.
 */
import { bytesToBase64, utf8 } from '../crypto/encoding'
import { randomBytes, timingSafeEqualStrings } from '../crypto/secrets'
import { bcryptHash, generateBcryptSalt } from './bcrypt'
import { hmacSha256Hash, iteratedDigestHash } from './legacy'
import { deriveStoredHash } from './passwords'
import { derivePbkdf2 } from './pbkdf2'
import { type HashSettings, MAX_PASSWORD_LENGTH, type StoredPassword, usableHashSettings } from './schemes'
import { hashWork, type PaddingStep, paddingPlan, pbkdf2BlockBits } from './work'

/**
 * True when `password` matches `stored` (null: no such user, or a user without a password), after spending
 * exactly the work of one hash with the tenant's settings, or the stored hash's own work when that is more.
 * The settings are made usable first (usableHashSettings), so a bad configuration never skips the work.
 * Throws only when the platform's crypto does. The comparison is constant time over the stored hash and the padding's output.
 */
export async function verifyWithEqualWork(stored: StoredPassword | null, password: string, tenant: HashSettings): Promise<boolean> {
  const computed = stored === null ? null : await deriveStoredHash(password, stored)
  const spent = stored !== null && computed !== null ? hashWork(stored) : null
  const padding = await pad(paddingPlan(hashWork(usableHashSettings(tenant.scheme, tenant.factor)), spent), password)
  if (stored === null || computed === null) return false
  // The padding's output is part of both sides, so the verdict depends on every byte of it. The work could not be
  // skipped anyway: WebCrypto runs in the host, which the JIT never elides, and bcryptjs finishes on the event loop.
  return timingSafeEqualStrings(computed + padding, stored.hash + padding)
}

/** Runs the steps one after another and returns their outputs, concatenated ('' for no padding). */
async function pad(steps: PaddingStep[], password: string): Promise<string> {
  // The submitted password keys the padding as it keys a real hash; past 256 characters no real hash runs either.
  const key = password.length > MAX_PASSWORD_LENGTH ? password.slice(0, MAX_PASSWORD_LENGTH) : password
  let output = ''
  for (const step of steps) output += await runStep(step, key)
  return output
}

async function runStep(step: PaddingStep, password: string): Promise<string> {
  switch (step.kind) {
    case 'pbkdf2':
      return bytesToBase64(await derivePbkdf2(utf8(password), randomBytes(32), step.iterations, step.hash, pbkdf2BlockBits(step.hash)))
    case 'digest':
      return iteratedDigestHash(step.scheme, password, randomBytes(32), step.iterations)
    case 'hmac':
      return hmacSha256Hash(password, randomBytes(32))
    case 'bcrypt':
      return bcryptHash(password, generateBcryptSalt(), step.cost)
  }
}
