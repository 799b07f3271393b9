import { type Application, FusionAuthClient, type Errors, type UUID } from '@fusionauth/typescript-client'
import ClientResponse from '@fusionauth/typescript-client/build/src/ClientResponse'
import { expect, inject } from 'vitest'

/** Where the global setup started wrangler dev, and its superuser key. */
export const host = (): string => inject('fusionAuthHost')
export const superuserKey = (): string => inject('superuserApiKey')

/** The official client, unchanged, as an application would build it. */
export function client(apiKey: string = superuserKey(), tenantId?: string): FusionAuthClient {
  return new FusionAuthClient(apiKey, host(), tenantId)
}

/**
 * The id argument a JavaScript caller passes to let the server choose (`createUser(NO_ID, …)` is `POST /api/user`,
 * as the client's own tests call it); the d.ts types ids as required strings.
 */
export const NO_ID = null as unknown as UUID

/** A suffix that keeps names and emails unique across tests and runs against one database. */
export const unique = (): string => crypto.randomUUID().slice(0, 8)

/** PBKDF2 factor for test tenants: cheap enough for a quick suite, within the server's limit of 100,000. */
export const TEST_PASSWORD_FACTOR = 10_000

/**
 * Awaits a client call that must fail and returns the ClientResponse it rejected with
 * (the client rejects every non-2xx, see spec/typescript-client.md A.4).
 */
export async function rejection(call: Promise<unknown>): Promise<ClientResponse<unknown>> {
  let thrown: unknown
  try {
    await call
  } catch (error) {
    thrown = error
  }
  if (!(thrown instanceof ClientResponse)) throw new Error(`expected the client to reject with a ClientResponse, got ${String(thrown)}`)
  return thrown
}

function isErrors(value: unknown): value is Errors {
  return typeof value === 'object' && value !== null && ('fieldErrors' in value || 'generalErrors' in value)
}

/** The FusionAuth Errors body a rejected call carried (the client puts it in `exception`). */
export function errorsOf(response: ClientResponse<unknown>): Errors {
  const body: unknown = response.exception
  if (!isErrors(body)) throw new Error(`expected an Errors body, got ${JSON.stringify(body)}`)
  return body
}

/** The first error code for a field, e.g. `[duplicate]user.email`. */
export const fieldCode = (response: ClientResponse<unknown>, field: string): string | undefined =>
  errorsOf(response).fieldErrors?.[field]?.[0]?.code

/** Asserts a successful call answered `status` and returns its response body. */
export async function ok<T>(call: Promise<ClientResponse<T>>, status = 200): Promise<T> {
  const result = await call
  expect(result.statusCode).toBe(status)
  expect(result.wasSuccessful()).toBe(true)
  return result.response
}

/** A tenant, an application with roles and a registered user with a known password, all fresh. */
export interface Fixture {
  tenantId: UUID
  applicationId: UUID
  userId: UUID
  email: string
  password: string
  /** A client scoped to the fixture's tenant with the superuser key. */
  api: FusionAuthClient
}

/**
 * Creates a fresh tenant (cheap PBKDF2), an application with two roles and refresh tokens, and a user
 * registered to it with the `user` role (unless `register` is false). `application` adds to the application.
 */
export async function createFixture(options: { register?: boolean; application?: Application } = {}): Promise<Fixture> {
  const admin = client()
  const name = unique()
  const tenant = await ok(
    admin.createTenant(NO_ID, {
      tenant: {
        name: `e2e-${name}`,
        passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: TEST_PASSWORD_FACTOR },
      },
    }),
  )
  const tenantId = tenant.tenant?.id ?? ''
  const api = client(superuserKey(), tenantId)
  const application = await ok(
    api.createApplication(NO_ID, {
      application: {
        name: `app-${name}`,
        roles: [
          { name: 'admin', isSuperRole: true },
          { name: 'user', isDefault: true },
        ],
        loginConfiguration: { allowTokenRefresh: true, generateRefreshTokens: true },
        ...options.application,
      },
    }),
  )
  const applicationId = application.application?.id ?? ''
  const email = `user-${name}@example.com`
  const password = `correct horse ${name}`
  const user = await ok(api.createUser(NO_ID, { user: { email, password, firstName: 'E2E' }, skipVerification: true }))
  const userId = user.user?.id ?? ''
  if (options.register ?? true) {
    await ok(api.register(userId, { registration: { applicationId, roles: ['user'] }, skipVerification: true }))
  }
  return { tenantId, applicationId, userId, email, password, api }
}
