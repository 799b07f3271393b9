/**
 * FusionAuth answers the combined registration (POST /api/user/registration with `user` and `registration`) like a
 * login when it creates the user with a password: an access token, and a refresh token when the application issues
 * them, with a login record of authenticationType REGISTRATION (the seed's "a User is created with a password ...
 * using the Registration API"). POST /api/user alone creates no login: it names no application to log in to.
 */
import type { Application } from '../application'
import type { Tenant } from '../tenant'
import { type Registration, type User, primaryLoginIdentity } from '../user'
import type { DataContext, PendingWrite } from '../../store/data-context'
import { recordLogin } from './complete-login'
import { issueTokens } from './issue-tokens'
import type { IssuedTokens } from './outcome'

export interface RegistrationLogin {
  tokens: IssuedTokens
  /** The refresh token's insert, to commit in the batch that creates the user (it references the user). */
  writes: PendingWrite[]
  /** Records the login once that batch has committed. */
  record: () => Promise<void>
}

/** The tokens and the login a registration that created `user` with a password answers with. */
export async function registrationLogin(
  data: DataContext,
  login: { tenant: Tenant; application: Application; user: User; registration: Registration; ipAddress: string | null },
): Promise<RegistrationLogin> {
  const { tenant, application, user, registration } = login
  const issued = await issueTokens(data, {
    tenant,
    application,
    user,
    registration,
    authenticationType: 'REGISTRATION',
    nowMillis: data.nowMillis,
  })
  return {
    tokens: issued.tokens,
    writes: issued.writes,
    record: () =>
      recordLogin(data, {
        tenantId: tenant.id,
        userId: user.id,
        applicationId: application.id,
        ...primaryLoginIdentity(user),
        ipAddress: login.ipAddress,
        authenticationType: 'REGISTRATION',
        instant: data.nowMillis,
      }),
  }
}
