-- Times are TEXT in sqlstore.TextTime's fixed-width UTC form (2006-01-02T15:04:05.000000Z), so
-- they compare and sort as times. Booleans are INTEGER 0/1.

-- +goose Up
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE, -- lower-cased by the store
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE orgs (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE, -- lower(name): names are unique case-insensitively
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE memberships (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
) STRICT;
CREATE INDEX memberships_user ON memberships (user_id, created_at);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_org ON sessions (org_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
) STRICT;
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);

CREATE TABLE oauth_states (
    id              TEXT PRIMARY KEY,
    provider        TEXT NOT NULL,
    org_id          TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    verifier_sealed BLOB,
    popup           INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL
) STRICT;
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);

CREATE TABLE cloud_accounts (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    provider             TEXT NOT NULL,
    name                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    status_message       TEXT NOT NULL,
    capabilities         TEXT NOT NULL, -- space-separated
    account_email        TEXT NOT NULL,
    team_name            TEXT NOT NULL,
    team_uuid            TEXT NOT NULL,
    auth_type            TEXT NOT NULL,
    scopes               TEXT NOT NULL, -- space-separated
    is_default           INTEGER NOT NULL,
    last_validated_at    TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    access_token_sealed  BLOB, -- credentials, sealed by package secret
    refresh_token_sealed BLOB,
    token_expires_at     TEXT -- the access token's expiry, which is also the account's
) STRICT;
CREATE INDEX cloud_accounts_org ON cloud_accounts (org_id, created_at);
CREATE UNIQUE INDEX cloud_accounts_team ON cloud_accounts (org_id, provider, team_uuid)
    WHERE team_uuid <> '';
CREATE UNIQUE INDEX cloud_accounts_default ON cloud_accounts (org_id, provider)
    WHERE is_default = 1;

-- +goose Down
DROP TABLE cloud_accounts;
DROP TABLE oauth_states;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE orgs;
DROP TABLE users;
