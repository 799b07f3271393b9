import { countRequest } from '../rate-limit'
import type { Tenant } from '../tenant'
import type { PendingTwoFactorLogin } from '../login/two-factor-gate'
import type { DataContext } from '../../store/data-context'
import { emailTarget, loginCodeScope, mailOneTimeCode, methodTarget, userCodeScope } from './one-time-codes'

/** `rateLimited`: the tenant's rateLimitConfiguration.sendTwoFactor refused it (429); nothing was sent. */
export type SendOutcome = { kind: 'sent' } | { kind: 'invalidMethod' } | { kind: 'rateLimited' }

const RATE_LIMITED: SendOutcome = { kind: 'rateLimited' }

/**
 * Counts one send against the tenant's sendTwoFactor limit for the user, as FusionAuth does for every two-factor
 * code it sends (login, enable, disable); counted before the code is issued, so racing sends cannot pass it.
 */
const sendRefused = async (data: DataContext, tenant: Tenant, userId: string): Promise<boolean> =>
  (await countRequest(data, tenant, 'sendTwoFactor', { userId })).limited

/**
 * POST /api/two-factor/send/{twoFactorId}: mails a fresh code for a pending login to one of the user's
 * email methods (the first one when the deprecated body-less call names none). The code lives as long as
 * the twoFactorId and replaces any code sent for it before.
 */
export async function sendLoginCode(
  data: DataContext,
  login: { twoFactorId: string; pending: PendingTwoFactorLogin; tenant: Tenant; methodId: string | null },
): Promise<SendOutcome> {
  const methods = await data.twoFactor.listMethods(login.pending.userId)
  const method = methods.find((m) => m.view.method === 'email' && (login.methodId === null || m.id === login.methodId))
  if (method === undefined || method.view.method !== 'email' || method.view.email === '') return { kind: 'invalidMethod' }
  if (await sendRefused(data, login.tenant, login.pending.userId)) return RATE_LIMITED
  await mailOneTimeCode(data, {
    scope: await loginCodeScope(login.twoFactorId),
    target: methodTarget(method.id),
    to: method.view.email,
    expiresInstant: login.pending.expiresInstant,
  })
  return { kind: 'sent' }
}

/** What POST /api/two-factor/send (API key) asks for: a code to enable an email method, or to disable a method. */
export type UserCodeRequest = { kind: 'enable'; email: string } | { kind: 'disable'; methodId: string }

/**
 * POST /api/two-factor/send with an API key: mails a code for enabling `email` as a method, or for
 * disabling an email method. One outstanding code per user; it lives the tenant's
 * twoFactorOneTimeCodeIdTimeToLiveInSeconds (60 s by default).
 */
export async function sendUserCode(
  data: DataContext,
  user: { id: string },
  tenant: Tenant,
  request: UserCodeRequest,
): Promise<SendOutcome> {
  const expiresInstant = data.nowMillis + tenant.externalIdentifierConfiguration.twoFactorOneTimeCodeIdTimeToLiveInSeconds * 1000
  if (request.kind === 'enable') {
    if (await sendRefused(data, tenant, user.id)) return RATE_LIMITED
    await mailOneTimeCode(data, {
      scope: userCodeScope(user.id),
      target: emailTarget(request.email),
      to: request.email.trim(),
      expiresInstant,
    })
    return { kind: 'sent' }
  }
  const methods = await data.twoFactor.listMethods(user.id)
  const method = methods.find((m) => m.id === request.methodId)
  if (method === undefined || method.view.method !== 'email') return { kind: 'invalidMethod' }
  if (await sendRefused(data, tenant, user.id)) return RATE_LIMITED
  await mailOneTimeCode(data, {
    scope: userCodeScope(user.id),
    target: methodTarget(method.id),
    to: method.view.email,
    expiresInstant,
  })
  return { kind: 'sent' }
}
