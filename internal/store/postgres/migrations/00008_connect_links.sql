-- Connect links: someone not signed in authorizes an account into an organization.

-- +goose Up
CREATE TABLE connect_links (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    account_id TEXT NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
ALTER TABLE oauth_states ADD COLUMN link_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE oauth_states DROP COLUMN link_id;
DROP TABLE connect_links;
