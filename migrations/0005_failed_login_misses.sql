-- Failed logins for login ids that name no user, per tenant. Written so that an unknown user's 404 costs the same
-- round trip as a counted wrong password (the upsert in failed_logins); the count also shows enumeration attempts.
CREATE TABLE failed_login_misses (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  count INTEGER NOT NULL,
  last_failed_instant INTEGER NOT NULL
);
