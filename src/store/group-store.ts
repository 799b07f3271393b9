/**
 * Groups, their roles and their members (migrations/0010_groups.sql): the only SQL about them. Lists of ids and
 * members travel as one JSON array bound once and unpacked with json_each, so no request, however many members
 * it names, comes near D1's 100 bound parameters per statement.
 */
import type { Application } from '../domain/application'
import { type Group, type GroupMember, type RoleGrant, type StoredGroup, groupRoles, roleNamesOf } from '../domain/group'
import type { User } from '../domain/user'
import type { D1Handle } from './d1-handle'
import { type DataRow, parseDataColumn } from './json-column'

/**
 * A user's memberships as one JSON array, for a SELECT that aliases users as `u` (user views and the login).
 * The index on (user_id, insert_instant, id) walks them in creation order.
 */
export const MEMBERSHIPS_COLUMN = '(SELECT json_group_array(json(gm.data)) FROM group_members gm WHERE gm.user_id = u.id) AS memberships'

/**
 * Sets `user.memberships` from a MEMBERSHIPS_COLUMN value: the table is the truth, so a `memberships` key in the
 * stored JSON (an import's, say) never shows; none leaves the key out.
 */
export function attachMemberships(user: User, column: unknown): void {
  const memberships = typeof column === 'string' && column !== '' ? parseDataColumn<GroupMember[]>(column) : []
  if (memberships.length > 0) user.memberships = memberships
  else delete user.memberships
}

/**
 * The roles a user's groups grant for the applications it is registered to, for the login's read batch: one row per
 * (user, application) with the application's JSON (for role names) and the granted role ids. `users` yields users
 * as `u`, `where` picks the user (see login-store.ts); every join is an index search.
 */
export function inheritedRolesQuery(users: string, where: string): string {
  return `SELECT gm.user_id, ga.data AS application, json_group_array(gr.role_id) AS role_ids
    FROM ${users} JOIN group_members gm ON gm.user_id = u.id
    JOIN group_roles gr ON gr.group_id = gm.group_id
    JOIN registrations gx ON gx.user_id = u.id AND gx.application_id = gr.application_id
    JOIN applications ga ON ga.id = gr.application_id
    WHERE ${where} GROUP BY gm.user_id, ga.id`
}

/** Role names per application id from rows of inheritedRolesQuery that belong to `userId`. */
export function inheritedRolesFromRows(rows: readonly unknown[], userId: string): Map<string, string[]> {
  const inherited = new Map<string, string[]>()
  // Rows of inheritedRolesQuery: its own three columns.
  for (const row of rows as { user_id: string; application: string; role_ids: string }[]) {
    if (row.user_id !== userId) continue
    const application = parseDataColumn<Application>(row.application)
    inherited.set(application.id, roleNamesOf(application, parseDataColumn<string[]>(row.role_ids)))
  }
  return inherited
}

/** What a group search or member search pages over. */
export interface Page {
  startRow: number
  numberOfResults: number
}

export interface MemberSearch extends Page {
  groupId?: string
  userId?: string
  /** The request's tenant scope (header or key lock), else the criteria's `tenantId`; null: every tenant. */
  tenantId: string | null
  orderBy: { column: 'group_id' | 'id' | 'insert_instant' | 'user_id'; descending: boolean }
}

export class GroupStore {
  constructor(private readonly db: D1Handle) {}

  async get(id: string): Promise<Group | null> {
    const [group] = await this.getMany([id])
    return group ?? null
  }

  /** The groups with these ids that exist, with their roles, in one round trip however many are named. */
  async getMany(ids: readonly string[]): Promise<Group[]> {
    if (ids.length === 0) return []
    const json = JSON.stringify(ids)
    const [groupRows, ...roleRows] = await this.db.batch([
      this.db.prepare('SELECT data FROM user_groups WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').bind(json),
      ...this.roleStatements(json),
    ])
    const groups = ((groupRows?.results ?? []) as DataRow[]).map((row) => parseDataColumn<StoredGroup>(row.data))
    return GroupStore.attachRoles(groups, roleRows)
  }

  /** The groups of one tenant (every tenant when null) without their roles, by name. */
  async listStored(tenantId: string | null): Promise<StoredGroup[]> {
    const statement =
      tenantId === null
        ? this.db.prepare('SELECT data FROM user_groups ORDER BY name COLLATE NOCASE, id')
        : this.db.prepare('SELECT data FROM user_groups WHERE tenant_id = ? ORDER BY name COLLATE NOCASE, id').bind(tenantId)
    const { results } = await statement.all<DataRow>()
    return results.map((row) => parseDataColumn<StoredGroup>(row.data))
  }

  async list(tenantId: string | null): Promise<Group[]> {
    return this.withRoles(await this.listStored(tenantId))
  }

  /** The groups with their `roles` resolved from the applications' current roles, in one round trip. */
  async withRoles(groups: readonly StoredGroup[]): Promise<Group[]> {
    if (groups.length === 0) return []
    return GroupStore.attachRoles(groups, await this.db.batch(this.roleStatements(JSON.stringify(groups.map((group) => group.id)))))
  }

  /** The role grants of the groups in `ids` (a JSON array) and the applications they name, for attachRoles. */
  private roleStatements(ids: string): D1PreparedStatement[] {
    return [
      this.db
        .prepare(
          'SELECT group_id, application_id AS applicationId, role_id AS roleId FROM group_roles WHERE group_id IN (SELECT value FROM json_each(?))',
        )
        .bind(ids),
      this.db
        .prepare(
          'SELECT data FROM applications WHERE id IN (SELECT application_id FROM group_roles WHERE group_id IN (SELECT value FROM json_each(?)))',
        )
        .bind(ids),
    ]
  }

  /** `groups` with their roles from the results of roleStatements. */
  private static attachRoles(groups: readonly StoredGroup[], [grantRows, applicationRows]: readonly (D1Result | undefined)[]): Group[] {
    const applications = new Map<string, Application>()
    for (const row of (applicationRows?.results ?? []) as DataRow[]) {
      const application = parseDataColumn<Application>(row.data)
      applications.set(application.id, application)
    }
    const grants = new Map<string, RoleGrant[]>()
    // Rows of roleStatements' first SELECT.
    for (const row of (grantRows?.results ?? []) as (RoleGrant & { group_id: string })[]) {
      const list = grants.get(row.group_id) ?? []
      list.push({ applicationId: row.applicationId, roleId: row.roleId })
      grants.set(row.group_id, list)
    }
    return groups.map((group) => ({ ...group, roles: groupRoles(grants.get(group.id) ?? [], applications) }))
  }

  async nameTaken(tenantId: string, name: string, exceptId: string): Promise<boolean> {
    const row = await this.db
      .prepare('SELECT 1 FROM user_groups WHERE tenant_id = ? AND name = ? COLLATE NOCASE AND id != ?')
      .bind(tenantId, name, exceptId)
      .first()
    return row !== null
  }

  async idTaken(id: string): Promise<boolean> {
    return (await this.db.prepare('SELECT 1 FROM user_groups WHERE id = ?').bind(id).first()) !== null
  }

  insertStatement(group: StoredGroup): D1PreparedStatement {
    return this.db
      .prepare('INSERT INTO user_groups (id, tenant_id, name, data, insert_instant, last_update_instant) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(group.id, group.tenantId, group.name, JSON.stringify(group), group.insertInstant, group.lastUpdateInstant)
  }

  updateStatement(group: StoredGroup): D1PreparedStatement {
    return this.db
      .prepare('UPDATE user_groups SET name = ?, data = ?, last_update_instant = ? WHERE id = ?')
      .bind(group.name, JSON.stringify(group), group.lastUpdateInstant, group.id)
  }

  /**
   * Replaces the group's roles. The insert joins the applications, so a grant whose application was deleted
   * meanwhile is dropped rather than failing the batch on its foreign key.
   */
  replaceRolesStatements(groupId: string, grants: readonly RoleGrant[]): D1PreparedStatement[] {
    return [
      this.db.prepare('DELETE FROM group_roles WHERE group_id = ?').bind(groupId),
      this.db
        .prepare(
          `INSERT INTO group_roles (group_id, application_id, role_id)
           SELECT ?1, a.id, json_extract(j.value, '$.roleId') FROM json_each(?2) j
           JOIN applications a ON a.id = json_extract(j.value, '$.applicationId') WHERE 1
           ON CONFLICT DO NOTHING`,
        )
        .bind(groupId, JSON.stringify(grants)),
    ]
  }

  /** Deletes the group; its roles and memberships go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    return (await this.db.prepare('DELETE FROM user_groups WHERE id = ?').bind(id).run()).meta.changes > 0
  }

  /** Forgets a role deleted from its application, so a role later created with the same id is not granted again. */
  forgetRoleStatement(roleId: string): D1PreparedStatement {
    return this.db.prepare('DELETE FROM group_roles WHERE role_id = ?').bind(roleId)
  }

  /**
   * Adds the members (one statement, whatever their number). A user already in the group keeps its membership;
   * the joins keep out a group or user deleted since it was checked, and a user of another tenant than the group's.
   */
  addMembersStatement(members: readonly GroupMember[]): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO group_members (id, group_id, user_id, data, insert_instant)
         SELECT json_extract(j.value, '$.id'), g.id, u.id, j.value, json_extract(j.value, '$.insertInstant') FROM json_each(?) j
         JOIN user_groups g ON g.id = json_extract(j.value, '$.groupId')
         JOIN users u ON u.id = json_extract(j.value, '$.userId') AND u.tenant_id = g.tenant_id
         WHERE 1 ON CONFLICT DO NOTHING`,
      )
      .bind(JSON.stringify(members))
  }

  /** Which of these membership ids exist (any group). */
  async memberIdsTaken(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set()
    const { results } = await this.db
      .prepare('SELECT id FROM group_members WHERE id IN (SELECT value FROM json_each(?))')
      .bind(JSON.stringify(ids))
      .all<{ id: string }>()
    return new Set(results.map((row) => row.id))
  }

  /** The tenant of each of these groups that exists (only the tenant's when scoped). */
  async tenantsOf(scopeTenantId: string | null, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map()
    const scope = scopeTenantId === null ? '' : ' AND tenant_id = ?2'
    const statement = this.db.prepare(`SELECT id, tenant_id FROM user_groups WHERE id IN (SELECT value FROM json_each(?1))${scope}`)
    const bound = scopeTenantId === null ? statement.bind(JSON.stringify(ids)) : statement.bind(JSON.stringify(ids), scopeTenantId)
    const { results } = await bound.all<{ id: string; tenant_id: string }>()
    return new Map(results.map((row) => [row.id, row.tenant_id]))
  }

  /** Which of these users exist, with their tenants. */
  async userTenants(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map()
    const { results } = await this.db
      .prepare('SELECT id, tenant_id FROM users WHERE id IN (SELECT value FROM json_each(?))')
      .bind(JSON.stringify(ids))
      .all<{ id: string; tenant_id: string }>()
    return new Map(results.map((row) => [row.id, row.tenant_id]))
  }

  /** The memberships of these (group, user) pairs as they stand, in the order given. */
  membersStatement(pairs: readonly Pick<GroupMember, 'groupId' | 'userId'>[]): D1PreparedStatement {
    return this.db
      .prepare(
        `SELECT m.data FROM json_each(?) j JOIN group_members m
         ON m.group_id = json_extract(j.value, '$.groupId') AND m.user_id = json_extract(j.value, '$.userId') ORDER BY j.key`,
      )
      .bind(JSON.stringify(pairs.map(({ groupId, userId }) => ({ groupId, userId }))))
  }

  /** The memberships of these (group, user) pairs as they stand, read now (membersStatement as a read). */
  async membersOfPairs(pairs: readonly Pick<GroupMember, 'groupId' | 'userId'>[]): Promise<GroupMember[]> {
    if (pairs.length === 0) return []
    return GroupStore.membersOf(await this.membersStatement(pairs).all())
  }

  /** The memberships with these ids, only those of groups in the tenant (any tenant when null). */
  async membersWithIds(tenantId: string | null, ids: readonly string[]): Promise<GroupMember[]> {
    if (ids.length === 0) return []
    const scope = tenantId === null ? '' : ' AND group_id IN (SELECT id FROM user_groups WHERE tenant_id = ?2)'
    const statement = this.db.prepare(
      `SELECT data FROM group_members WHERE id IN (SELECT value FROM json_each(?1))${scope} ORDER BY insert_instant, id`,
    )
    const bound = tenantId === null ? statement.bind(JSON.stringify(ids)) : statement.bind(JSON.stringify(ids), tenantId)
    return GroupStore.membersOf(await bound.all())
  }

  static membersOf(result: D1Result | undefined): GroupMember[] {
    return ((result?.results ?? []) as DataRow[]).map((row) => parseDataColumn<GroupMember>(row.data))
  }

  /** Empties these groups: one statement, however many. */
  removeAllStatement(groupIds: readonly string[]): D1PreparedStatement {
    return this.db.prepare('DELETE FROM group_members WHERE group_id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(groupIds))
  }

  /** Removes these users from these groups (group id -> user ids): one statement, however many. */
  removeUsersStatement(groups: ReadonlyMap<string, readonly string[]>): D1PreparedStatement {
    const pairs = [...groups].flatMap(([groupId, userIds]) => userIds.map((userId) => ({ groupId, userId })))
    return this.db
      .prepare(
        `DELETE FROM group_members WHERE id IN (SELECT m.id FROM json_each(?) j JOIN group_members m
         ON m.group_id = json_extract(j.value, '$.groupId') AND m.user_id = json_extract(j.value, '$.userId'))`,
      )
      .bind(JSON.stringify(pairs))
  }

  /** Deletes memberships by id, only those of groups in the tenant (any tenant when null). */
  removeMemberIdsStatement(tenantId: string | null, ids: readonly string[]): D1PreparedStatement {
    const scope = tenantId === null ? '' : ' AND group_id IN (SELECT id FROM user_groups WHERE tenant_id = ?2)'
    const statement = this.db.prepare(`DELETE FROM group_members WHERE id IN (SELECT value FROM json_each(?1))${scope}`)
    return tenantId === null ? statement.bind(JSON.stringify(ids)) : statement.bind(JSON.stringify(ids), tenantId)
  }

  /** Rows a remove statement deleted. */
  static changes(result: D1Result | undefined): number {
    return result?.meta.changes ?? 0
  }

  /** A page of memberships and how many match, in one round trip. */
  async searchMembers(search: MemberSearch): Promise<{ members: GroupMember[]; total: number }> {
    const conditions: string[] = []
    const binds: unknown[] = []
    if (search.tenantId !== null) {
      binds.push(search.tenantId)
      conditions.push(`m.group_id IN (SELECT id FROM user_groups WHERE tenant_id = ?${binds.length})`)
    }
    if (search.groupId !== undefined) {
      binds.push(search.groupId)
      conditions.push(`m.group_id = ?${binds.length}`)
    }
    if (search.userId !== undefined) {
      binds.push(search.userId)
      conditions.push(`m.user_id = ?${binds.length}`)
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`
    const { column, descending } = search.orderBy
    const order = `m.${column} ${descending ? 'DESC' : 'ASC'}, m.id`
    const [page, count] = await this.db.batch([
      this.db
        .prepare(`SELECT m.data FROM group_members m ${where} ORDER BY ${order} LIMIT ${search.numberOfResults} OFFSET ${search.startRow}`)
        .bind(...binds),
      this.db.prepare(`SELECT COUNT(*) AS total FROM group_members m ${where}`).bind(...binds),
    ])
    const total = (count?.results[0] as { total: number } | undefined)?.total ?? 0
    return { members: GroupStore.membersOf(page), total }
  }
}
