-- Core aggregates. FusionAuth objects keep their full JSON in `data`; the columns beside it are what
-- queries filter, join or enforce uniqueness on. Instants are epoch milliseconds.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL
);
CREATE UNIQUE INDEX tenants_name ON tenants (name COLLATE NOCASE);

CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL
);
CREATE INDEX applications_tenant ON applications (tenant_id);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- lower-cased copies enforce case-insensitive uniqueness; `data` keeps the values as given
  email_key TEXT,
  username_key TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  -- password: Base64 hash, Base64 salt, scheme name, factor
  password_hash TEXT,
  password_salt TEXT,
  encryption_scheme TEXT,
  factor INTEGER,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL,
  last_login_instant INTEGER
);
CREATE UNIQUE INDEX users_tenant_email ON users (tenant_id, email_key) WHERE email_key IS NOT NULL;
CREATE UNIQUE INDEX users_tenant_username ON users (tenant_id, username_key) WHERE username_key IS NOT NULL;

CREATE TABLE registrations (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL,
  last_login_instant INTEGER
);
CREATE UNIQUE INDEX registrations_user_application ON registrations (user_id, application_id);
CREATE INDEX registrations_application ON registrations (application_id);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  -- SHA-256 of the key, Base64url; the key itself is never stored
  key_hash TEXT NOT NULL UNIQUE,
  tenant_id TEXT REFERENCES tenants (id) ON DELETE CASCADE,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL
);

CREATE TABLE signing_keys (
  id TEXT PRIMARY KEY,
  kid TEXT NOT NULL UNIQUE,
  algorithm TEXT NOT NULL,
  name TEXT NOT NULL,
  -- public half (PEM) for RS/ES keys; NULL for HMAC keys
  public_key TEXT,
  -- secret or private key, AES-GCM encrypted with ENCRYPTION_KEY
  secret_encrypted TEXT NOT NULL,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL
);

-- One row (id = 1). default_tenant_id decides which of several racing bootstraps wins.
CREATE TABLE system_configuration (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  default_tenant_id TEXT NOT NULL,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL
);

CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  -- SHA-256 of the token, Base64url
  token_hash TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  application_id TEXT,
  start_instant INTEGER NOT NULL,
  expiration_instant INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Single-use ids (oneTimePassword, twoFactorId, change-password ids, ...) are redeemed by inserting their hash:
-- the primary key lets exactly one of two racing requests win. Rows are purged after expires_instant.
CREATE TABLE redemptions (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  redeemed_instant INTEGER NOT NULL,
  expires_instant INTEGER NOT NULL
);
CREATE INDEX redemptions_expiry ON redemptions (expires_instant);

-- Login history. No foreign keys: records outlive deleted users and applications, as in FusionAuth.
CREATE TABLE login_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  application_id TEXT,
  login_id TEXT NOT NULL,
  login_id_type TEXT,
  instant INTEGER NOT NULL,
  ip_address TEXT,
  authentication_type TEXT NOT NULL
);
-- Newest-first keyset pagination on (instant, id) for every filter the search and export allow.
CREATE INDEX login_records_instant ON login_records (instant DESC, id DESC);
CREATE INDEX login_records_user_instant ON login_records (user_id, instant DESC, id DESC);
CREATE INDEX login_records_application_instant ON login_records (application_id, instant DESC, id DESC);
