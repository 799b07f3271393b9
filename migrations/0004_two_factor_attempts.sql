-- Wrong codes per pending two-factor login. A six-digit code must not be guessable within a twoFactorId's
-- lifetime even when the tenant has no lockout action: after MAX_CODE_ATTEMPTS wrong codes the id is spent.
CREATE TABLE two_factor_attempts (
  -- `login:<sha256(twoFactorId)>`, as two_factor_codes.scope
  scope TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  expires_instant INTEGER NOT NULL
);
CREATE INDEX two_factor_attempts_expiry ON two_factor_attempts (expires_instant);
