-- User action definitions (/api/user-action) and actions taken on users (/api/user/action),
-- plus the failed-login counter that drives the tenant's lockout policy.

CREATE TABLE user_action_definitions (
  id TEXT PRIMARY KEY,
  -- NULL: the action is available in every tenant
  tenant_id TEXT REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prevent_login INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL
);

CREATE TABLE user_actions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  action_id TEXT NOT NULL REFERENCES user_action_definitions (id) ON DELETE CASCADE,
  actioner_user_id TEXT,
  -- copied from the definition so the login path needs no join to decide
  prevent_login INTEGER NOT NULL,
  -- JSON array of application ids; NULL means every application
  application_ids TEXT,
  -- NULL: in force until cancelled
  expiry INTEGER,
  canceled INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL
);
CREATE INDEX user_actions_user ON user_actions (user_id, prevent_login, canceled);

-- One row per (tenant, user) with failures; the lockout decision reads and bumps it in one UPDATE ... RETURNING.
CREATE TABLE failed_logins (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_failed_instant INTEGER NOT NULL
);
