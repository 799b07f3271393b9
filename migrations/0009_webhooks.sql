-- Webhooks (/api/webhook, FusionAuth's Webhook API) and the lookup event delivery makes on every event: the
-- enabled webhooks of tenant T for event type E (store/webhook-store.ts `enabledFor`), one query on two primary keys.
-- A webhook's JSON is in `data`, without its tenants (webhook_tenants is the one record of them, so deleting a tenant
-- takes it off every webhook) and without its HTTP basic password, which only `http_authentication_password` holds,
-- AES-GCM encrypted with ENCRYPTION_KEY.
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  -- 1: the webhook serves every tenant (FusionAuth's `global`)
  global INTEGER NOT NULL DEFAULT 0,
  http_authentication_password TEXT,
  data TEXT NOT NULL,
  insert_instant INTEGER NOT NULL,
  last_update_instant INTEGER NOT NULL
);

-- The tenants of a webhook that is not global, in the order of its `tenantIds`.
CREATE TABLE webhook_tenants (
  webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (webhook_id, tenant_id)
) WITHOUT ROWID;
-- ON DELETE CASCADE from tenants looks links up by tenant.
CREATE INDEX webhook_tenants_tenant ON webhook_tenants (tenant_id);

-- The event types a webhook has enabled (`eventsEnabled` entries that are true), keyed for the lookup by type.
CREATE TABLE webhook_events (
  event_type TEXT NOT NULL,
  webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  PRIMARY KEY (event_type, webhook_id)
) WITHOUT ROWID;
CREATE INDEX webhook_events_webhook ON webhook_events (webhook_id);

-- Tenants stored before this migration get FusionAuth's defaults for the new setting (every tenant event type
-- disabled, transaction type None: domain/events/event-configuration.ts), so a read shows it and a PATCH validates.
UPDATE tenants SET data = json_set(data, '$.eventConfiguration', json('{"events":{"jwt.public-key.update":{"enabled":false,"transactionType":"None"},"jwt.refresh-token.revoke":{"enabled":false,"transactionType":"None"},"jwt.refresh":{"enabled":false,"transactionType":"None"},"group.create":{"enabled":false,"transactionType":"None"},"group.create.complete":{"enabled":false,"transactionType":"None"},"group.delete":{"enabled":false,"transactionType":"None"},"group.delete.complete":{"enabled":false,"transactionType":"None"},"group.member.add":{"enabled":false,"transactionType":"None"},"group.member.add.complete":{"enabled":false,"transactionType":"None"},"group.member.remove":{"enabled":false,"transactionType":"None"},"group.member.remove.complete":{"enabled":false,"transactionType":"None"},"group.member.update":{"enabled":false,"transactionType":"None"},"group.member.update.complete":{"enabled":false,"transactionType":"None"},"group.update":{"enabled":false,"transactionType":"None"},"group.update.complete":{"enabled":false,"transactionType":"None"},"user.action":{"enabled":false,"transactionType":"None"},"user.bulk.create":{"enabled":false,"transactionType":"None"},"user.create":{"enabled":false,"transactionType":"None"},"user.create.complete":{"enabled":false,"transactionType":"None"},"user.deactivate":{"enabled":false,"transactionType":"None"},"user.delete":{"enabled":false,"transactionType":"None"},"user.delete.complete":{"enabled":false,"transactionType":"None"},"user.email.update":{"enabled":false,"transactionType":"None"},"user.email.verified":{"enabled":false,"transactionType":"None"},"user.identity-provider.link":{"enabled":false,"transactionType":"None"},"user.identity-provider.unlink":{"enabled":false,"transactionType":"None"},"user.identity.update":{"enabled":false,"transactionType":"None"},"user.identity.verified":{"enabled":false,"transactionType":"None"},"user.loginId.duplicate.create":{"enabled":false,"transactionType":"None"},"user.loginId.duplicate.update":{"enabled":false,"transactionType":"None"},"user.login.failed":{"enabled":false,"transactionType":"None"},"user.login.new-device":{"enabled":false,"transactionType":"None"},"user.login.success":{"enabled":false,"transactionType":"None"},"user.login.suspicious":{"enabled":false,"transactionType":"None"},"user.password.breach":{"enabled":false,"transactionType":"None"},"user.password.reset.send":{"enabled":false,"transactionType":"None"},"user.password.reset.start":{"enabled":false,"transactionType":"None"},"user.password.reset.success":{"enabled":false,"transactionType":"None"},"user.password.update":{"enabled":false,"transactionType":"None"},"user.reactivate":{"enabled":false,"transactionType":"None"},"user.registration.create":{"enabled":false,"transactionType":"None"},"user.registration.create.complete":{"enabled":false,"transactionType":"None"},"user.registration.delete":{"enabled":false,"transactionType":"None"},"user.registration.delete.complete":{"enabled":false,"transactionType":"None"},"user.registration.update":{"enabled":false,"transactionType":"None"},"user.registration.update.complete":{"enabled":false,"transactionType":"None"},"user.registration.verified":{"enabled":false,"transactionType":"None"},"user.two-factor.method.add":{"enabled":false,"transactionType":"None"},"user.two-factor.method.remove":{"enabled":false,"transactionType":"None"},"user.update":{"enabled":false,"transactionType":"None"},"user.update.complete":{"enabled":false,"transactionType":"None"},"user.two-factor.challenge":{"enabled":false,"transactionType":"None"},"user.two-factor.failed-attempt":{"enabled":false,"transactionType":"None"},"user.two-factor.success":{"enabled":false,"transactionType":"None"},"entity.create":{"enabled":false,"transactionType":"None"},"entity.create.complete":{"enabled":false,"transactionType":"None"},"entity.delete":{"enabled":false,"transactionType":"None"},"entity.delete.complete":{"enabled":false,"transactionType":"None"},"entity.update":{"enabled":false,"transactionType":"None"},"entity.update.complete":{"enabled":false,"transactionType":"None"}}}'))
WHERE json_type(data, '$.eventConfiguration') IS NULL;
