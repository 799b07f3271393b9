import { randomToken, sha256Base64Url } from '../crypto/secrets'

/** Random bytes in a refresh token: 40, which base64url-encodes to 54 characters like FusionAuth's samples. */
export const REFRESH_TOKEN_BYTES = 40

/** A new opaque refresh token (320 random bits, base64url, 54 characters). */
export const newRefreshToken = (): string => randomToken(REFRESH_TOKEN_BYTES)

/**
 * What the store keeps instead of the token: SHA-256, base64url. A refresh token has 320 bits of entropy,
 * so a fast unsalted hash is enough; it only has to make a leaked table useless.
 */
export const hashRefreshToken = (token: string): Promise<string> => sha256Base64Url(token)
