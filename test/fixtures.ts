import { env } from 'cloudflare:test'
import { type Application, applicationDefaults } from '../src/domain/application'
import { hashPassword } from '../src/domain/password'
import { deepMerge } from '../src/domain/json-merge'
import { type Tenant, tenantDefaults } from '../src/domain/tenant'
import type { Registration, User } from '../src/domain/user'
import type { JsonObject } from '../src/http/fields'
import { ApplicationStore } from '../src/store/application-store'
import { SystemConfigurationStore } from '../src/store/system-configuration-store'
import { TenantStore } from '../src/store/tenant-store'
import { UserStore } from '../src/store/user-store'
import { call } from './helpers'

/** PBKDF2 factor for test users: cheap, so suites stay fast; the 100,000 default is exercised in its own tests. */
export const TEST_FACTOR = 1000

/** Makes sure the Worker has bootstrapped (default tenant and signing key), returning the default tenant. */
export async function defaultTenant(): Promise<Tenant> {
  await call('/api/bootstrap-probe', { apiKey: null })
  const configuration = await new SystemConfigurationStore(env.DB).get()
  if (configuration === null) throw new Error('not bootstrapped')
  const tenant = await new TenantStore(env.DB).get(configuration.defaultTenantId)
  if (tenant === null) throw new Error('default tenant missing')
  return tenant
}

/** A fresh tenant sharing the default signing key, with a cheap password factor unless overridden. */
export async function createTenant(overrides: JsonObject = {}): Promise<Tenant> {
  const base = await defaultTenant()
  const now = Date.now()
  const id = crypto.randomUUID()
  const defaults = tenantDefaults()
  const tenant = deepMerge<Tenant>(
    {
      ...defaults,
      id,
      name: `tenant-${id}`,
      jwtConfiguration: { ...defaults.jwtConfiguration, accessTokenKeyId: base.jwtConfiguration.accessTokenKeyId },
      passwordEncryptionConfiguration: { ...defaults.passwordEncryptionConfiguration, encryptionSchemeFactor: TEST_FACTOR },
      insertInstant: now,
      lastUpdateInstant: now,
    },
    overrides,
  )
  await new TenantStore(env.DB).create(tenant)
  return tenant
}

export async function createApplication(tenantId: string, overrides: JsonObject = {}): Promise<Application> {
  const now = Date.now()
  const id = crypto.randomUUID()
  const application = deepMerge<Application>(
    { ...applicationDefaults(), id, tenantId, name: `app-${id}`, insertInstant: now, lastUpdateInstant: now },
    overrides,
  )
  await new ApplicationStore(env.DB).create(application)
  return application
}

export interface UserFixture {
  tenantId: string
  email?: string
  username?: string
  password?: string
  factor?: number
  overrides?: JsonObject
  /** Registrations to create: application id plus optional fields. */
  registrations?: ({ applicationId: string } & JsonObject)[]
}

export async function createUser(fixture: UserFixture): Promise<User> {
  const now = Date.now()
  const id = crypto.randomUUID()
  const user: User = {
    id,
    tenantId: fixture.tenantId,
    active: true,
    verified: true,
    passwordChangeRequired: false,
    passwordLastUpdateInstant: now,
    insertInstant: now,
    lastUpdateInstant: now,
    ...(fixture.email === undefined ? {} : { email: fixture.email }),
    ...(fixture.username === undefined ? {} : { username: fixture.username }),
    ...fixture.overrides,
  }
  const password =
    fixture.password === undefined ? null : await hashPassword(fixture.password, 'salted-pbkdf2-hmac-sha256', fixture.factor ?? TEST_FACTOR)
  const users = new UserStore(env.DB)
  const registrations: Registration[] = (fixture.registrations ?? []).map((r) => ({
    id: crypto.randomUUID(),
    roles: [],
    verified: true,
    insertInstant: now,
    lastUpdateInstant: now,
    ...r,
  }))
  await env.DB.batch([users.insertStatement(user, password), ...registrations.map((r) => users.registrationInsertStatement(id, r))])
  return { ...user, registrations }
}

export const uniqueEmail = (label = 'user'): string => `${label}-${crypto.randomUUID()}@example.com`
