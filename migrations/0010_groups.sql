-- Groups and group memberships (FusionAuth's Group API). A member of a group inherits the group's application
-- roles for the applications it is registered to: the login reads them in its one read batch (store/login-store.ts).
--
-- A group's roles are kept as role ids per application. Application roles live inside the application's JSON, so
-- names are resolved from it when read: a role deleted from its application drops out of every group without a
-- write here, and a renamed role shows its new name at once.

CREATE TABLE user_groups (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  -- the Group JSON without `roles` (computed from group_roles when read)
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL
);
-- FusionAuth: a group name is unique within its tenant.
CREATE UNIQUE INDEX user_groups_tenant_name ON user_groups (tenant_id, name COLLATE NOCASE);

CREATE TABLE group_roles (
  group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  role_id TEXT NOT NULL,
  PRIMARY KEY (group_id, role_id)
);
CREATE INDEX group_roles_application ON group_roles (application_id);

CREATE TABLE group_members (
  id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- the GroupMember JSON: id, groupId, userId, data, insertInstant
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL
);
CREATE UNIQUE INDEX group_members_group_user ON group_members (group_id, user_id);
-- A user's memberships in creation order: the user views and the login read them by user.
CREATE INDEX group_members_user ON group_members (user_id, insert_instant, id);
