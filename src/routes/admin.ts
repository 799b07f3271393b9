/** The FusionAuth admin API subset owned here: tenants, applications (and roles), API keys, system configuration, signing keys. */
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../env'
import { apiKeyRoutes } from './api-keys'
import { applicationRoutes } from './applications'
import { keyRoutes } from './keys'
import { systemConfigurationRoutes } from './system-configuration'
import { tenantRoutes } from './tenants'

export const adminRoutes = new Hono<AppEnv>()
  .route('/', tenantRoutes)
  .route('/', applicationRoutes)
  .route('/', apiKeyRoutes)
  .route('/', systemConfigurationRoutes)
  .route('/', keyRoutes)
