import { secretBox } from '../domain/crypto/encryption'
import type { EventType } from '../domain/events/event-types'
import type { PasswordChange, Webhook } from '../domain/webhook'
import type { D1Handle } from './d1-handle'
import { parseDataColumn } from './json-column'

interface WebhookRow {
  data: string
  tenant_ids: string
}

/** A webhook as event delivery needs it: its HTTP basic password decrypted (absent when it has none). */
export interface DeliverableWebhook {
  webhook: Webhook
  httpAuthenticationPassword?: string
}

/** A webhook's tenants as a JSON array, in the order of its `tenantIds` (webhook_tenants, migrations/0009_webhooks.sql). */
const TENANT_IDS =
  '(SELECT json_group_array(tenant_id) FROM (SELECT tenant_id FROM webhook_tenants WHERE webhook_id = w.id ORDER BY position)) AS tenant_ids'

const SELECT_WEBHOOK = `SELECT w.data, ${TENANT_IDS} FROM webhooks w`

/**
 * The webhooks that take events of type ?1 for tenant ?2: webhook_events by type, then each webhook's `global`
 * flag or its (webhook, tenant) link, all by primary key (test/store/webhook-store.test.ts checks the plan).
 */
export const ENABLED_WEBHOOKS_SQL = `SELECT w.data, w.http_authentication_password AS password, ${TENANT_IDS}
  FROM webhook_events e JOIN webhooks w ON w.id = e.webhook_id
  WHERE e.event_type = ?1
    AND (w.global = 1 OR EXISTS (SELECT 1 FROM webhook_tenants t WHERE t.webhook_id = e.webhook_id AND t.tenant_id = ?2))
  ORDER BY w.insert_instant, w.id`

/**
 * Webhooks: `data` holds the JSON without `tenantIds` (webhook_tenants, so a deleted tenant leaves every webhook
 * at once) and without the password, which `http_authentication_password` holds AES-GCM encrypted with
 * ENCRYPTION_KEY. webhook_events lists the enabled event types, for `enabledFor`.
 */
export class WebhookStore {
  constructor(
    private readonly db: D1Handle,
    private readonly encryptionKey: string | undefined,
  ) {}

  async get(id: string): Promise<Webhook | null> {
    const row = await this.db.prepare(`${SELECT_WEBHOOK} WHERE w.id = ?`).bind(id).first<WebhookRow>()
    return row ? open(row) : null
  }

  async list(): Promise<Webhook[]> {
    const { results } = await this.db.prepare(`${SELECT_WEBHOOK} ORDER BY w.insert_instant, w.id`).all<WebhookRow>()
    return results.map(open)
  }

  /**
   * The webhooks that take `type` events of `tenantId` (null: an instance event, which only global webhooks take),
   * passwords decrypted, oldest first, in one indexed query (ENABLED_WEBHOOKS_SQL). Whether the tenant sends the
   * type at all is its eventConfiguration (domain/events/event-configuration.ts `eventSetting`), asked first.
   */
  async enabledFor(tenantId: string | null, type: EventType): Promise<DeliverableWebhook[]> {
    const { results } = await this.db.prepare(ENABLED_WEBHOOKS_SQL).bind(type, tenantId).all<WebhookRow & { password: string | null }>()
    if (results.length === 0) return []
    const box = await secretBox(this.encryptionKey)
    return Promise.all(
      results.map(async (row) => {
        const found: DeliverableWebhook = { webhook: open(row) }
        if (row.password !== null) found.httpAuthenticationPassword = await box.decryptText(row.password)
        return found
      }),
    )
  }

  /** Inserts the webhook with its links in one batch; a taken id is a uniqueness violation. */
  async create(webhook: Webhook, password: PasswordChange): Promise<void> {
    const secret = password.kind === 'set' ? await this.encrypt(password.password) : null
    await this.db.batch([
      this.db
        .prepare(
          'INSERT INTO webhooks (id, global, http_authentication_password, data, insert_instant, last_update_instant) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .bind(webhook.id, webhook.global ? 1 : 0, secret, storedJson(webhook), webhook.insertInstant, webhook.lastUpdateInstant),
      ...this.linkStatements(webhook),
    ])
  }

  /** Replaces the webhook and its links in one batch; false when it no longer exists. */
  async update(webhook: Webhook, password: PasswordChange): Promise<boolean> {
    const columns = 'global = ?, data = ?, last_update_instant = ?'
    const values = [webhook.global ? 1 : 0, storedJson(webhook), webhook.lastUpdateInstant]
    const update =
      password.kind === 'keep'
        ? this.db.prepare(`UPDATE webhooks SET ${columns} WHERE id = ?`).bind(...values, webhook.id)
        : this.db
            .prepare(`UPDATE webhooks SET ${columns}, http_authentication_password = ? WHERE id = ?`)
            .bind(...values, password.kind === 'set' ? await this.encrypt(password.password) : null, webhook.id)
    const [result] = await this.db.batch([
      update,
      this.db.prepare('DELETE FROM webhook_tenants WHERE webhook_id = ?').bind(webhook.id),
      this.db.prepare('DELETE FROM webhook_events WHERE webhook_id = ?').bind(webhook.id),
      ...this.linkStatements(webhook),
    ])
    return (result?.meta.changes ?? 0) > 0
  }

  /** True when a webhook signs its events with this key or names it as its client certificate. */
  async usesKey(keyId: string): Promise<boolean> {
    const row = await this.db
      .prepare(
        "SELECT 1 AS used FROM webhooks WHERE json_extract(data, '$.signatureConfiguration.signingKeyId') = ?1 OR json_extract(data, '$.sslCertificateKeyId') = ?1 LIMIT 1",
      )
      .bind(keyId)
      .first()
    return row !== null
  }

  /** Deletes the webhook; its links go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    return (await this.db.prepare('DELETE FROM webhooks WHERE id = ?').bind(id).run()).meta.changes > 0
  }

  /**
   * The tenant and event links, one statement each. A tenant deleted since validation is skipped (the JOIN), as
   * its deletion would have removed the link; a webhook deleted meanwhile gets none (the EXISTS).
   */
  private linkStatements(webhook: Webhook): D1PreparedStatement[] {
    const enabled = Object.entries(webhook.eventsEnabled)
      .filter(([, on]) => on === true)
      .map(([type]) => type)
    return [
      this.db
        .prepare(
          `INSERT INTO webhook_tenants (webhook_id, tenant_id, position)
           SELECT ?1, j.value, j.key FROM json_each(?2) AS j JOIN tenants t ON t.id = j.value
           WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?1)`,
        )
        .bind(webhook.id, JSON.stringify(webhook.tenantIds)),
      this.db
        .prepare(
          `INSERT INTO webhook_events (event_type, webhook_id)
           SELECT j.value, ?1 FROM json_each(?2) AS j WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?1)`,
        )
        .bind(webhook.id, JSON.stringify(enabled)),
    ]
  }

  private async encrypt(password: string): Promise<string> {
    return (await secretBox(this.encryptionKey)).encryptText(password)
  }
}

function storedJson(webhook: Webhook): string {
  const { tenantIds: _tenantIds, ...stored } = webhook
  return JSON.stringify(stored)
}

function open(row: WebhookRow): Webhook {
  // Both columns are written by this store only: `data` from a Webhook, `tenant_ids` by json_group_array of UUIDs.
  return { ...parseDataColumn<Webhook>(row.data), tenantIds: parseDataColumn<string[]>(row.tenant_ids) }
}
