/** JWTs and signing keys: generation, signing, pinned verification, access-token claims, JWKS, refresh tokens. */
export * from './signing-key'
export * from './jwt'
export * from './access-token'
export * from './jwks'
export * from './key-response'
export * from './refresh-token'
export { exportPrivatePem, exportPublicPem, pemLabel, pemToDer } from './pem'
