-- A pending authorization can reconnect an existing account.

-- +goose Up
ALTER TABLE oauth_states ADD COLUMN account_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE oauth_states DROP COLUMN account_id;
