/** Fixtures for the admin route tests: fresh tenants, applications and API keys with random names. */
import { expect } from 'vitest'
import { call, json } from '../helpers'

export const uniqueName = (prefix: string): string => `${prefix} ${crypto.randomUUID()}`

export interface Created {
  id: string
  [field: string]: unknown
}

/** Creates a tenant (superuser key) and returns it. */
export async function createTenant(tenant: Record<string, unknown> = {}): Promise<Created> {
  const response = await call('/api/tenant', { body: { tenant: { name: uniqueName('tenant'), ...tenant } } })
  expect(response.status).toBe(200)
  return (await json<{ tenant: Created }>(response)).tenant
}

/** Creates an application in a tenant (superuser key) and returns it. */
export async function createApplication(tenantId: string, application: Record<string, unknown> = {}): Promise<Created> {
  const response = await call('/api/application', { body: { application: { name: uniqueName('app'), tenantId, ...application } } })
  expect(response.status).toBe(200)
  return (await json<{ application: Created }>(response)).application
}

/** Creates an API key (superuser key) and returns its id and value. */
export async function createApiKey(apiKey: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const response = await call('/api/api-key', { body: { apiKey } })
  expect(response.status).toBe(200)
  const body = await json<{ apiKey: { id: string; key: string } }>(response)
  return { id: body.apiKey.id, key: body.apiKey.key }
}

/** The field error codes of a 400 body. */
export async function fieldCodes(response: Response): Promise<string[]> {
  expect(response.status).toBe(400)
  const body = await json<{ fieldErrors?: Record<string, { code: string }[]> }>(response)
  return Object.values(body.fieldErrors ?? {}).flatMap((errors) => errors.map((error) => error.code))
}

/** The general error codes of a 400 body. */
export async function generalCodes(response: Response): Promise<string[]> {
  expect(response.status).toBe(400)
  const body = await json<{ generalErrors?: { code: string }[] }>(response)
  return (body.generalErrors ?? []).map((error) => error.code)
}
