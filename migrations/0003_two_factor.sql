-- Two-factor methods, recovery codes and emailed one-time codes (issue 4).

-- One row per enabled method. `data` is the public view (no secret); the user's JSON keeps a copy under
-- `$.twoFactor.methods`, rebuilt from this table in the same batch as every change (store/two-factor-store.ts).
CREATE TABLE two_factor_methods (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- four characters, unique per user (FusionAuth's method ids)
  id TEXT NOT NULL,
  method TEXT NOT NULL,
  -- authenticator only: the TOTP key, AES-GCM encrypted with ENCRYPTION_KEY
  secret_encrypted TEXT,
  -- authenticator only: the last accepted TOTP time step; it and earlier steps are refused (replay)
  last_step INTEGER,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  PRIMARY KEY (user_id, id)
);

-- Recovery codes, keyed HMAC-SHA-256 of the normalised code. A code is spent by DELETE ... RETURNING.
CREATE TABLE two_factor_recovery_codes (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  PRIMARY KEY (user_id, code_hash)
);

-- Emailed one-time codes: one row per scope (a pending login's twoFactorId, or a user's enable/disable
-- request), so a later send replaces the earlier code. Kept in D1 rather than KV: a resend must invalidate
-- the old code everywhere at once, and KV allows one write per second to a key.
CREATE TABLE two_factor_codes (
  scope TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  -- what the code was sent for (`email:<address>` or `method:<id>`), checked on use
  target TEXT NOT NULL,
  expires_instant INTEGER NOT NULL
);
CREATE INDEX two_factor_codes_expiry ON two_factor_codes (expires_instant);
