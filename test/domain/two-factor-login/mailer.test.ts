import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { DevOutboxMailer, readOutbox } from '../../../src/mail/dev-outbox'
import { mailerFor, usesDevOutbox } from '../../../src/mail/mailer'
import { SendEmailMailer } from '../../../src/mail/send-email-mailer'

/** The context's development outbox, as DataContext hands it to mailerFor. */
const outbox = () => new DevOutboxMailer(env.KV)

describe('mailerFor', () => {
  it('uses the development outbox only for ENVIRONMENT test or development', () => {
    expect(usesDevOutbox('test')).toBe(true)
    expect(usesDevOutbox('development')).toBe(true)
    for (const environment of ['production', undefined, '', 'Test', 'staging']) {
      expect(usesDevOutbox(environment)).toBe(false)
      expect(mailerFor({ ENVIRONMENT: environment }, outbox)).toBeInstanceOf(SendEmailMailer)
    }
    expect(mailerFor({ ENVIRONMENT: 'test' }, outbox)).toBeInstanceOf(DevOutboxMailer)
  })

  it('sends through the send_email binding in production, and fails loudly without it', async () => {
    const sent: unknown[] = []
    const binding = {
      send: async (message: unknown) => {
        sent.push(message)
        return { messageId: 'm1' }
      },
    } as unknown as SendEmail
    await mailerFor({ ENVIRONMENT: 'production', EMAIL: binding, EMAIL_FROM: 'auth@example.com' }, outbox).send({
      to: 'a@example.com',
      subject: 's',
      text: 't',
    })
    expect(sent).toEqual([{ from: 'auth@example.com', to: 'a@example.com', subject: 's', text: 't' }])
    await expect(mailerFor({ ENVIRONMENT: 'production' }, outbox).send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow(
      /EMAIL/,
    )
    await expect(new SendEmailMailer(binding, undefined).send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow(
      /EMAIL_FROM/,
    )
  })

  it('keeps outbox messages per address, oldest first', async () => {
    const address = `Outbox-${crypto.randomUUID()}@Example.com`
    const mailer = new DevOutboxMailer(env.KV)
    await mailer.send({ to: address, subject: 'one', text: '1' })
    await mailer.send({ to: address, subject: 'two', text: '2' })
    expect((await readOutbox(env.KV, address.toLowerCase())).map((m) => [m.subject, m.sequence])).toEqual([
      ['one', 1],
      ['two', 2],
    ])
  })
})
