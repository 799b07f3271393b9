import type { Context } from 'hono'
import type { LoginEnvironment } from '../domain/login/complete-login'
import type { AppEnv } from '../env'
import type { FieldReader } from './fields'

/** The request's data context, as the login-completing routes hand it to the domain. */
export const loginEnvironment = (c: Context<AppEnv>): LoginEnvironment => c.var.data

const DEVICE_FIELDS = ['description', 'lastAccessedAddress', 'name', 'type'] as const

/** `metaData.device` of a login request: FusionAuth stores its string fields on the refresh token. */
export function readDevice(body: FieldReader): Record<string, string> | undefined {
  const device = body.object('metaData').object('device')
  const fields: Record<string, string> = {}
  for (const name of DEVICE_FIELDS) {
    const value = device.string(name)
    if (value !== undefined) fields[name] = value
  }
  return Object.keys(fields).length > 0 ? fields : undefined
}
