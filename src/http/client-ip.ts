import type { Context } from 'hono'

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const IPV6 = /^[0-9a-f:.]+$/i

/** True for a syntactically valid IPv4 or IPv6 address (the literal `undefined` the official client sends is not). */
export function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) return true
  if (!value.includes(':') || !IPV6.test(value)) return false
  try {
    // The URL parser validates IPv6 literals exactly, embedded IPv4 included.
    new URL(`http://[${value}]/`)
    return true
  } catch {
    return false
  }
}

/**
 * The end user's IP for login records: the request's own value when it is an address,
 * else the first X-Forwarded-For entry, else CF-Connecting-IP; null when none is usable.
 */
export function clientIp(c: Context, requested?: string | null): string | null {
  const candidates = [requested?.trim(), c.req.header('x-forwarded-for')?.split(',')[0]?.trim(), c.req.header('cf-connecting-ip')?.trim()]
  for (const candidate of candidates) {
    if (candidate !== undefined && candidate !== '' && isIpAddress(candidate)) return candidate
  }
  return null
}
