import type { MailMessage, Mailer } from './mailer'

/**
 * Production delivery through Cloudflare Email Routing's `send_email` binding (wrangler.toml:
 * `[[send_email]] name = "EMAIL"`), sender EMAIL_FROM. Uses the binding's builder form, so no MIME is
 * assembled here. A missing binding or sender is a deployment error: it throws, and the request answers 500.
 */
export class SendEmailMailer implements Mailer {
  constructor(
    private readonly binding: SendEmail | undefined,
    private readonly from: string | undefined,
  ) {}

  async send(message: MailMessage): Promise<void> {
    if (this.binding === undefined) throw new Error('EMAIL (send_email binding) is not configured')
    if (this.from === undefined || this.from === '') throw new Error('EMAIL_FROM is not configured')
    await this.binding.send({ from: this.from, to: message.to, subject: message.subject, text: message.text })
  }
}
