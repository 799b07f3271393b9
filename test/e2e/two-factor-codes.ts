import { host, superuserKey } from './support'

const STEP_MILLIS = 30_000
/** Codes are not computed this close to a step boundary, so the server still sees the step as current. */
const BOUNDARY_MARGIN_MILLIS = 3_000

const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis))

/** RFC 6238 TOTP as FusionAuth uses it: HMAC-SHA1, 6 digits, 30-second steps, T0 = 0. */
export async function totpCode(keyBytes: Uint8Array<ArrayBuffer>, step: number): Promise<string> {
  const counter = new Uint8Array(8)
  new DataView(counter.buffer).setBigUint64(0, BigInt(step))
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, counter))
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f
  const binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff
  return String(binary % 1_000_000).padStart(6, '0')
}

/**
 * An authenticator app for one secret. The server accepts the previous, current and next step and never
 * the same step twice, so each code comes from a step after the last one used.
 */
export class Authenticator {
  private readonly keyBytes: Uint8Array<ArrayBuffer>
  private lastStep = -1

  /** `secret` is the Base64 form FusionAuth's generateTwoFactorSecret returns. */
  constructor(secret: string) {
    this.keyBytes = Uint8Array.from(atob(secret), (char) => char.charCodeAt(0))
  }

  /** A 6-digit code that no step the server could accept right now produces. */
  async wrongCode(): Promise<string> {
    const current = Math.floor(Date.now() / STEP_MILLIS)
    const valid = await Promise.all([current - 1, current, current + 1, current + 2].map((step) => totpCode(this.keyBytes, step)))
    let candidate = 0
    while (valid.includes(String(candidate).padStart(6, '0'))) candidate += 1
    return String(candidate).padStart(6, '0')
  }

  /** The next fresh code; the server will refuse it (and every earlier step) once it has accepted it. */
  async nextCode(): Promise<string> {
    const { step, code } = await this.freshCode()
    this.lastStep = step
    return code
  }

  /** The code nextCode would return, without using it up (for calls that must fail before checking it). */
  async peekCode(): Promise<string> {
    return (await this.freshCode()).code
  }

  private async freshCode(): Promise<{ step: number; code: string }> {
    for (;;) {
      const now = Date.now()
      const current = Math.floor(now / STEP_MILLIS)
      const step = Math.max(current - 1, this.lastStep + 1)
      if (now % STEP_MILLIS > STEP_MILLIS - BOUNDARY_MARGIN_MILLIS || step > current + 1) {
        await sleep(STEP_MILLIS - (now % STEP_MILLIS) + 50)
        continue
      }
      return { step, code: await totpCode(this.keyBytes, step) }
    }
  }
}

/** Messages the Worker "sent" to an address (ENVIRONMENT=development keeps them in the dev outbox). */
async function outbox(email: string): Promise<Array<{ text: string; sequence: number }>> {
  const response = await fetch(`${host()}/api/dev/outbox?email=${encodeURIComponent(email)}`, {
    headers: { Authorization: superuserKey() },
  })
  if (response.status !== 200) throw new Error(`dev outbox answered ${response.status}`)
  const body: unknown = await response.json()
  const messages = typeof body === 'object' && body !== null && 'messages' in body && Array.isArray(body.messages) ? body.messages : []
  return messages.flatMap((m: unknown) =>
    typeof m === 'object' && m !== null && 'text' in m && typeof m.text === 'string' && 'sequence' in m && typeof m.sequence === 'number'
      ? [{ text: m.text, sequence: m.sequence }]
      : [],
  )
}

/** The newest emailed code for an address, after `afterSequence` (the outbox position before it was sent). */
export async function emailedCode(email: string, afterSequence: number): Promise<string> {
  const newest = (await outbox(email)).filter((m) => m.sequence > afterSequence).at(-1)
  const code = newest === undefined ? undefined : /verification code is ([^\s.]+)/.exec(newest.text)?.[1]
  if (code === undefined) throw new Error(`no new code was emailed to ${email}`)
  return code
}

/** The outbox position now, to tell a newly sent code from earlier ones. */
export async function outboxSequence(email: string): Promise<number> {
  return (await outbox(email)).at(-1)?.sequence ?? 0
}
