-- Request counters in fixed windows (issue 8): tenant.rateLimitConfiguration (failedLogin, forgotPassword,
-- sendTwoFactor, ...) and the per-user cap on two-factor code checks. Counted with one upsert that returns the
-- new count before the work is done, so concurrent requests cannot all pass a check made before any of them counted.
CREATE TABLE rate_limits (
  -- `<type>:<tenant id>:<subject>`, the subject a user id or the SHA-256 of a login id (store/rate-limit-store.ts)
  key TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  -- the window the count belongs to: it began at window_start_instant and ends at expires_instant
  window_start_instant INTEGER NOT NULL,
  expires_instant INTEGER NOT NULL
);
CREATE INDEX rate_limits_expiry ON rate_limits (expires_instant);

-- Tenants stored before this migration get FusionAuth's defaults for the new setting (every type disabled,
-- 5 per 60 s), so a PATCH of an older tenant validates like a new one.
UPDATE tenants SET data = json_set(data, '$.rateLimitConfiguration', json('{"failedLogin":{"enabled":false,"limit":5,"timePeriodInSeconds":60},"forgotPassword":{"enabled":false,"limit":5,"timePeriodInSeconds":60},"sendEmailVerification":{"enabled":false,"limit":5,"timePeriodInSeconds":60},"sendPasswordless":{"enabled":false,"limit":5,"timePeriodInSeconds":60},"sendRegistrationVerification":{"enabled":false,"limit":5,"timePeriodInSeconds":60},"sendTwoFactor":{"enabled":false,"limit":5,"timePeriodInSeconds":60}}'))
WHERE json_type(data, '$.rateLimitConfiguration') IS NULL;
