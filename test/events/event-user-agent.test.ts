/**
 * `event.info.userAgent` on the login events of the two-factor completion and the login ping: both take the
 * completing request's User-Agent, as the password login does.
 */
import { describe, expect, it } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { call } from '../helpers'
import { challenge, enableAuthenticator, stepStart, twoFactorLogin, world as mfaWorld } from '../domain/two-factor-login/world'
import { world } from '../routes/session-fixtures'
import { createWebhook, eventIn, eventuallyReceived, hookUrl, sends } from './delivery-fixtures'

const AGENT = { 'User-Agent': 'event-user-agent/1.0' }

async function hook(tenantId: string): Promise<string> {
  const { inbox, url } = hookUrl('ok')
  await createWebhook({ url, eventsEnabled: ['user.login.success'], tenantIds: [tenantId] })
  return inbox
}

describe('info.userAgent', () => {
  it('a two-factor completion carries the completing request User-Agent', async () => {
    const base = stepStart()
    const w = await mfaWorld({ tenant: sends({ 'user.login.success': 'None' }) })
    const enabled = await enableAuthenticator(w.user.id, base)
    const now = base + 30_000
    const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: now })
    const inbox = await hook(w.tenant.id)
    const code = await totpCode(enabled.keyBytes, timeStepAt(now))
    const response = await twoFactorLogin({ twoFactorId, code, applicationId: w.application.id }, { nowMillis: now, headers: AGENT })
    expect(response.status).toBe(200)
    const [request] = await eventuallyReceived(inbox)
    expect(eventIn(request ?? { method: '', path: '', headers: {}, body: '{}' })).toMatchObject({
      type: 'user.login.success',
      info: { userAgent: 'event-user-agent/1.0' },
    })
  })

  it('a login ping carries the request User-Agent', async () => {
    const w = await world({ tenant: sends({ 'user.login.success': 'None' }) })
    const inbox = await hook(w.tenant.id)
    const response = await call(`/api/login/${w.user.id}/${w.application.id}`, { method: 'PUT', headers: AGENT })
    expect(response.status).toBe(200)
    const [request] = await eventuallyReceived(inbox)
    expect(eventIn(request ?? { method: '', path: '', headers: {}, body: '{}' })).toMatchObject({
      type: 'user.login.success',
      authenticationType: 'PING',
      info: { userAgent: 'event-user-agent/1.0' },
    })
  })
})
