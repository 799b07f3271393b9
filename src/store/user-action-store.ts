import type { D1Handle } from './d1-handle'
import type { JsonObject } from '../http/fields'
import { parseDataColumn } from './json-column'

/** A user action definition (/api/user-action), FusionAuth JSON. */
export interface UserActionDefinition extends JsonObject {
  id: string
  name: string
  preventLogin: boolean
  tenantId?: string
  temporal: boolean
  userNotificationsEnabled: boolean
  active: boolean
  insertInstant: number
  lastUpdateInstant: number
}

/** An action taken on a user; `data` is the shape the 409 body lists (actionId, expiry, name, reason, ...). */
export interface TakenAction extends JsonObject {
  id: string
  actionId: string
  userId: string
  actionerUserId?: string
  applicationIds?: string[]
  expiry?: number
  name: string
  localizedName: string
  reason?: string
  localizedReason?: string
  reasonCode?: string
  comment?: string
  createInstant: number
}

export class UserActionStore {
  constructor(private readonly db: D1Handle) {}

  async getDefinition(id: string): Promise<UserActionDefinition | null> {
    const row = await this.db.prepare('SELECT data FROM user_action_definitions WHERE id = ?').bind(id).first<{ data: string }>()
    return row ? parseDataColumn<UserActionDefinition>(row.data) : null
  }

  async listDefinitions(tenantId: string | null): Promise<UserActionDefinition[]> {
    const statement =
      tenantId === null
        ? this.db.prepare('SELECT data FROM user_action_definitions ORDER BY name')
        : this.db.prepare('SELECT data FROM user_action_definitions WHERE tenant_id IS NULL OR tenant_id = ? ORDER BY name').bind(tenantId)
    const { results } = await statement.all<{ data: string }>()
    return results.map((row) => parseDataColumn<UserActionDefinition>(row.data))
  }

  async createDefinition(definition: UserActionDefinition): Promise<void> {
    await this.db
      .prepare(
        'INSERT INTO user_action_definitions (id, tenant_id, name, prevent_login, data, insert_instant, last_update_instant) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .bind(
        definition.id,
        definition.tenantId ?? null,
        definition.name,
        definition.preventLogin ? 1 : 0,
        JSON.stringify(definition),
        definition.insertInstant,
        definition.lastUpdateInstant,
      )
      .run()
  }

  async updateDefinition(definition: UserActionDefinition): Promise<void> {
    await this.db
      .prepare('UPDATE user_action_definitions SET name = ?, prevent_login = ?, data = ?, last_update_instant = ? WHERE id = ?')
      .bind(definition.name, definition.preventLogin ? 1 : 0, JSON.stringify(definition), definition.lastUpdateInstant, definition.id)
      .run()
  }

  async deleteDefinition(id: string): Promise<boolean> {
    return (await this.db.prepare('DELETE FROM user_action_definitions WHERE id = ?').bind(id).run()).meta.changes > 0
  }

  takeStatement(action: TakenAction, preventLogin: boolean): D1PreparedStatement {
    return this.db
      .prepare(
        'INSERT INTO user_actions (id, user_id, action_id, actioner_user_id, prevent_login, application_ids, expiry, canceled, data, insert_instant) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
      )
      .bind(
        action.id,
        action.userId,
        action.actionId,
        action.actionerUserId ?? null,
        preventLogin ? 1 : 0,
        action.applicationIds === undefined ? null : JSON.stringify(action.applicationIds),
        action.expiry ?? null,
        JSON.stringify(action),
        action.createInstant,
      )
  }

  async get(id: string): Promise<{ action: TakenAction; canceled: boolean } | null> {
    const row = await this.db
      .prepare('SELECT data, canceled FROM user_actions WHERE id = ?')
      .bind(id)
      .first<{ data: string; canceled: number }>()
    return row ? { action: parseDataColumn<TakenAction>(row.data), canceled: row.canceled === 1 } : null
  }

  async listForUser(userId: string): Promise<{ action: TakenAction; canceled: boolean }[]> {
    const { results } = await this.db
      .prepare('SELECT data, canceled FROM user_actions WHERE user_id = ? ORDER BY insert_instant')
      .bind(userId)
      .all<{ data: string; canceled: number }>()
    return results.map((row) => ({ action: parseDataColumn<TakenAction>(row.data), canceled: row.canceled === 1 }))
  }

  /**
   * Rewrites a taken action (modify or cancel). With `canceled`, only an action not already canceled is
   * touched, so of two racing cancels one wins; returns whether a row changed.
   */
  async saveAction(action: TakenAction, canceled: boolean): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE user_actions SET actioner_user_id = ?, application_ids = ?, expiry = ?, canceled = ?, data = ? WHERE id = ? AND canceled = 0`,
      )
      .bind(
        action.actionerUserId ?? null,
        action.applicationIds === undefined ? null : JSON.stringify(action.applicationIds),
        action.expiry ?? null,
        canceled ? 1 : 0,
        JSON.stringify(action),
        action.id,
      )
      .run()
    return result.meta.changes > 0
  }

  async cancel(id: string): Promise<boolean> {
    return (await this.db.prepare('UPDATE user_actions SET canceled = 1 WHERE id = ? AND canceled = 0').bind(id).run()).meta.changes > 0
  }
}
