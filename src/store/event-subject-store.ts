/**
 * Reads that give an action's events what they need in the round trip the action already makes: a refresh token
 * with its tenant (whose eventConfiguration says whether the revocation's event is sent at all).
 */
import { sha256Base64Url } from '../domain/crypto/secrets'
import type { Tenant } from '../domain/tenant'
import type { D1Handle } from './d1-handle'
import { parseDataColumn } from './json-column'
import type { RefreshTokenRecord } from './refresh-token-store'

export interface TokenWithTenant {
  token: RefreshTokenRecord
  tenant: Tenant
}

export class EventSubjectStore {
  constructor(private readonly db: D1Handle) {}

  /** A refresh token by id or by its value, with its tenant, in one query; null when unknown. */
  async tokenWithTenant(by: { id: string } | { token: string }): Promise<TokenWithTenant | null> {
    const [column, value] = 'id' in by ? ['r.id', by.id] : ['r.token_hash', await sha256Base64Url(by.token)]
    const row = await this.db
      .prepare(`SELECT r.data AS token, t.data AS tenant FROM refresh_tokens r JOIN tenants t ON t.id = r.tenant_id WHERE ${column} = ?`)
      .bind(value)
      .first<{ token: string; tenant: string }>()
    return row === null ? null : { token: parseDataColumn<RefreshTokenRecord>(row.token), tenant: parseDataColumn<Tenant>(row.tenant) }
  }
}
