import type { Application } from '../application'
import type { Tenant } from '../tenant'
import { type LoginEnvironment, loginSuccessEvents, recordUserLogin } from './complete-login'

/** What a ping came to: FusionAuth answers each with an empty body. */
export type PingOutcome = { kind: 'notFound' } | { kind: 'recorded'; status: 200 | 202 | 212 | 213 }

export interface PingInput {
  userId: string
  /** The tenant the request is scoped to (header, key lock or JWT), or null for a global key. */
  scopedTenantId: string | null
  application: Application | null
  /** The tenant when the caller already has it (a verified JWT's); else the user's tenant is read. */
  tenant?: Tenant
  ipAddress: string | null
  /** The request's User-Agent, for the event's `info`. */
  userAgent?: string
}

/**
 * PUT /api/login: records a login that happened elsewhere (authenticationType PING) and updates
 * lastLoginInstant. The ping's precedence differs from POST /api/login: 202 > 212 > 213 > 200.
 */
export async function pingLogin(env: LoginEnvironment, input: PingInput): Promise<PingOutcome> {
  const subject = await env.logins.findById(input.userId, env.nowMillis)
  if (subject === null) return { kind: 'notFound' }
  const user = subject.user
  if (input.scopedTenantId !== null && input.scopedTenantId !== user.tenantId) return { kind: 'notFound' }
  const tenant = input.tenant === undefined ? await env.tenants.get(user.tenantId) : input.tenant.id === user.tenantId ? input.tenant : null
  if (tenant === null) return { kind: 'notFound' }

  const application = input.application
  // FusionAuth sends user.login.success for a ping too (authenticationType PING); a 504 records nothing.
  const success = loginSuccessEvents(tenant, {
    user,
    application,
    authenticationType: 'PING',
    request: input,
    createInstant: env.nowMillis,
  })
  await env.events.around(tenant, success, () =>
    recordUserLogin(env, user, {
      tenantId: tenant.id,
      applicationId: application?.id ?? null,
      ipAddress: input.ipAddress,
      authenticationType: 'PING',
      instant: env.nowMillis,
    }),
  )

  const registration = application === null ? null : (user.registrations ?? []).find((r) => r.applicationId === application.id)
  if (application !== null && registration === undefined) return { kind: 'recorded', status: 202 }
  if (tenant.emailConfiguration.verifyEmail && !user.verified) return { kind: 'recorded', status: 212 }
  if (registration !== null && registration !== undefined && !registration.verified) return { kind: 'recorded', status: 213 }
  return { kind: 'recorded', status: 200 }
}
