-- Woodpecker's restriction of a secret to some events (push, tag, pull_request, manual, cron, ...):
-- the events separated by single spaces, or NULL for every event (what a secret without it has).
-- See dev.slipway.ci.secret.Secrets#restrictEvents.
ALTER TABLE ci_secrets ADD COLUMN events TEXT;
