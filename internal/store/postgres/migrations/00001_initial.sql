-- +goose Up
CREATE TABLE users (
    id            text PRIMARY KEY,
    email         text NOT NULL UNIQUE, -- lower-cased by the store
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE orgs (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    name_key   text NOT NULL UNIQUE, -- lower(name): names are unique case-insensitively
    created_at timestamptz NOT NULL
);

CREATE TABLE memberships (
    org_id     text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id, created_at);

CREATE TABLE sessions (
    id         text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_org ON sessions (org_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    org_id       text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    hash         text NOT NULL UNIQUE,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);

CREATE TABLE oauth_states (
    id              text PRIMARY KEY,
    provider        text NOT NULL,
    org_id          text NOT NULL,
    user_id         text NOT NULL,
    session_id      text NOT NULL,
    verifier_sealed bytea,
    popup           boolean NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);

CREATE TABLE cloud_accounts (
    id                   text PRIMARY KEY,
    org_id               text NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    provider             text NOT NULL,
    name                 text NOT NULL,
    status               text NOT NULL,
    status_message       text NOT NULL,
    capabilities         text NOT NULL, -- space-separated
    account_email        text NOT NULL,
    team_name            text NOT NULL,
    team_uuid            text NOT NULL,
    auth_type            text NOT NULL,
    scopes               text NOT NULL, -- space-separated
    is_default           boolean NOT NULL,
    last_validated_at    timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    access_token_sealed  bytea, -- credentials, sealed by package secret
    refresh_token_sealed bytea,
    token_expires_at     timestamptz -- the access token's expiry, which is also the account's
);
CREATE INDEX cloud_accounts_org ON cloud_accounts (org_id, created_at);
CREATE UNIQUE INDEX cloud_accounts_team ON cloud_accounts (org_id, provider, team_uuid)
    WHERE team_uuid <> '';
CREATE UNIQUE INDEX cloud_accounts_default ON cloud_accounts (org_id, provider)
    WHERE is_default;

-- +goose Down
DROP TABLE cloud_accounts;
DROP TABLE oauth_states;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE orgs;
DROP TABLE users;
