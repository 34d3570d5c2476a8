-- Every registration gets a stable number (Woodpecker's API names repositories by number), from
-- the ci_counters row 'repository'. See dev.slipway.ci.registration.RegistrationStore.
ALTER TABLE ci_repositories ADD COLUMN id BIGINT;
UPDATE ci_repositories SET id = (SELECT COUNT(*) FROM ci_repositories r
    WHERE r.owner < ci_repositories.owner OR (r.owner = ci_repositories.owner AND r.name <= ci_repositories.name));
INSERT INTO ci_counters(name, value) VALUES ('repository', (SELECT COUNT(*) FROM ci_repositories));
CREATE UNIQUE INDEX ci_repositories_id ON ci_repositories(id);
