/** Password hashing compatible with FusionAuth's encryption schemes. */
export {
  DEFAULT_FACTOR,
  DEFAULT_SCHEME,
  defaultFactor,
  factorError,
  type HashSettings,
  isPasswordScheme,
  isPbkdf2Scheme,
  MAX_BCRYPT_COST,
  MAX_DIGEST_FACTOR,
  MAX_PASSWORD_LENGTH,
  MAX_PBKDF2_FACTOR,
  maxFactor,
  MIN_BCRYPT_COST,
  minFactor,
  PASSWORD_SCHEMES,
  type PasswordScheme,
  type Pbkdf2Scheme,
  type StoredPassword,
  usableHashSettings,
} from './schemes'
export { deriveHash, generateSalt } from './derive'
export { splitBcrypt } from './bcrypt'
export { hashPassword, needsRehash, verifyPassword } from './passwords'
export { verifyWithEqualWork } from './equal-work'
