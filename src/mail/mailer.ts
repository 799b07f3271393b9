import type { Bindings } from '../env'
import { SendEmailMailer } from './send-email-mailer'

/** One plain-text message (two-factor codes are all this API sends). */
export interface MailMessage {
  to: string
  subject: string
  text: string
}

/** The one mail interface: routes and domain code send through this, never through a binding directly. */
export interface Mailer {
  send(message: MailMessage): Promise<void>
}

/** Environments whose mail goes to the KV outbox instead of the `send_email` binding. */
const OUTBOX_ENVIRONMENTS: ReadonlySet<string> = new Set(['test', 'development'])

/** True when ENVIRONMENT names a local environment (`test` or `development`); unset means production. */
export const usesDevOutbox = (environment: string | undefined): boolean => environment !== undefined && OUTBOX_ENVIRONMENTS.has(environment)

/** What chooses and configures the mailer: ENVIRONMENT, the `send_email` binding EMAIL and the sender EMAIL_FROM. */
export type MailSettings = Pick<Bindings, 'EMAIL' | 'EMAIL_FROM' | 'ENVIRONMENT'>

/**
 * The mailer for this Worker. Production (any ENVIRONMENT other than `test`/`development`, including
 * unset) always uses Cloudflare's `send_email` binding EMAIL with EMAIL_FROM as the sender; the development
 * outbox is chosen only by an explicit local ENVIRONMENT, so a production deploy can never write codes to KV.
 */
export function mailerFor(settings: MailSettings, devOutbox: () => Mailer): Mailer {
  if (usesDevOutbox(settings.ENVIRONMENT)) return devOutbox()
  return new SendEmailMailer(settings.EMAIL, settings.EMAIL_FROM)
}
