/** Shared set-up for the change-password, one-time-password, lockout, user-action and JWT suites. */
import type { Application } from '../../src/domain/application'
import type { Tenant } from '../../src/domain/tenant'
import type { User } from '../../src/domain/user'
import { createApplication, createTenant, createUser, uniqueEmail } from '../fixtures'
import { call, json } from '../helpers'

export const PASSWORD = 'correct horse battery'

export interface World {
  tenant: Tenant
  application: Application
  user: User
  email: string
}

/** A tenant, an application issuing refresh tokens (and allowing their exchange), and a registered user. */
export async function world(
  options: { tenant?: Record<string, unknown>; application?: Record<string, unknown>; user?: Record<string, unknown> } = {},
): Promise<World> {
  const tenant = await createTenant(options.tenant)
  const application = await createApplication(tenant.id, {
    loginConfiguration: { requireAuthentication: true, generateRefreshTokens: true, allowTokenRefresh: true },
    ...options.application,
  })
  const email = uniqueEmail()
  const user = await createUser({
    tenantId: tenant.id,
    email,
    password: PASSWORD,
    overrides: options.user,
    registrations: [{ applicationId: application.id, roles: ['user'] }],
  })
  return { tenant, application, user, email }
}

export interface LoginBody {
  token?: string
  refreshToken?: string
  refreshTokenId?: string
  state?: Record<string, unknown>
  user?: { id: string }
  actions?: Record<string, unknown>[]
  fieldErrors?: Record<string, { code: string; message: string }[]>
  generalErrors?: { code: string; message: string }[]
}

export const login = (body: unknown, nowMillis?: number) => call('/api/login', { method: 'POST', body, nowMillis })

/** Logs in with the world's user and password, expecting 200. */
export async function loginOk(w: World, nowMillis?: number): Promise<LoginBody> {
  const response = await login({ loginId: w.email, password: PASSWORD, applicationId: w.application.id }, nowMillis)
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`)
  return json<LoginBody>(response)
}

export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? ''
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
}

/** A prevent-login, time-based user action definition created through the API; returns its id. */
export async function createPreventLoginAction(name = `lock-${crypto.randomUUID()}`): Promise<string> {
  const response = await call('/api/user-action', { body: { userAction: { name, preventLogin: true, temporal: true } } })
  if (response.status !== 200) throw new Error(`user-action answered ${response.status}: ${await response.text()}`)
  const body = await json<{ userAction: { id: string } }>(response)
  return body.userAction.id
}

/** Starts forgot password with the superuser key and returns the changePasswordId. */
export async function forgotPassword(w: World, extra: Record<string, unknown> = {}, nowMillis?: number): Promise<string> {
  const response = await call('/api/user/forgot-password', {
    body: { loginId: w.email, applicationId: w.application.id, ...extra },
    nowMillis,
  })
  if (response.status !== 200) throw new Error(`forgot-password answered ${response.status}: ${await response.text()}`)
  return (await json<{ changePasswordId: string }>(response)).changePasswordId
}

export const errorCodes = (body: LoginBody, field: string): string[] => (body.fieldErrors?.[field] ?? []).map((e) => e.code)
