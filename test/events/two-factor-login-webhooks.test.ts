/**
 * user.login.success from POST /api/two-factor/login when it is transactional: the webhooks are asked only once the
 * completion batch has judged the code (a wrong code sends nothing), and before the refresh token exists (its insert
 * leaves the batch then), so a refusal answers 504 with no refresh token and no login record.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { timeStepAt, totpCode } from '../../src/domain/two-factor/totp'
import { expectEmpty, json } from '../helpers'
import { challenge, enableAuthenticator, stepStart, twoFactorLogin, world } from '../domain/two-factor-login/world'
import { createWebhook, eventIn, hookUrl, receivedBy, sends } from './delivery-fixtures'
import type { TransactionType } from '../../src/domain/events/transaction-types'

async function refreshTokenCount(userId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?').bind(userId).first<{ n: number }>()
  return row?.n ?? 0
}

async function mfaWorld(transactionType: TransactionType, mode: 'ok' | 'fail') {
  const base = stepStart()
  const w = await world({
    tenant: sends({ 'user.login.success': transactionType }),
    application: { loginConfiguration: { requireAuthentication: false, generateRefreshTokens: true } },
  })
  const enabled = await enableAuthenticator(w.user.id, base)
  const now = base + 30_000
  const code = await totpCode(enabled.keyBytes, timeStepAt(now))
  const { inbox, url } = hookUrl(mode)
  await createWebhook({ url, eventsEnabled: ['user.login.success'], tenantIds: [w.tenant.id] })
  const twoFactorId = await challenge(w.application.id, w.email, { nowMillis: now })
  const complete = (withCode: string) =>
    twoFactorLogin({ twoFactorId, code: withCode, applicationId: w.application.id }, { nowMillis: now, tenantId: w.tenant.id })
  return { ...w, inbox, code, complete }
}

describe('two-factor completion with a transactional user.login.success', () => {
  it('a wrong code sends nothing; the right one, refused by the webhook, answers 504 and leaves no refresh token', async () => {
    const w = await mfaWorld('AbsoluteMajority', 'fail')
    const wrong = `${(Number(w.code[0]) + 1) % 10}${w.code.slice(1)}`
    expect((await w.complete(wrong)).status).toBe(421)
    expect(await receivedBy(w.inbox)).toEqual([])

    await expectEmpty(await w.complete(w.code), 504)
    const received = await receivedBy(w.inbox)
    expect(received.map((request) => eventIn(request))).toMatchObject([
      { type: 'user.login.success', authenticationType: 'PASSWORD', user: { id: w.user.id } },
    ])
    expect(await refreshTokenCount(w.user.id)).toBe(0)
  })

  it('accepted by the webhook: 200 with a refresh token, written after the answers', async () => {
    const w = await mfaWorld('AbsoluteMajority', 'ok')
    const response = await w.complete(w.code)
    expect(response.status).toBe(200)
    const body = await json<{ refreshToken?: string }>(response)
    expect(body.refreshToken).toBeTypeOf('string')
    expect(await refreshTokenCount(w.user.id)).toBe(1)
    expect((await receivedBy(w.inbox)).length).toBe(1)
  })
})
