-- Indexes for the periodic search for accounts due a refresh or a validation.

-- +goose Up
CREATE INDEX cloud_accounts_token_expires_at ON cloud_accounts (token_expires_at);
CREATE INDEX cloud_accounts_last_validated_at ON cloud_accounts (last_validated_at);

-- +goose Down
DROP INDEX cloud_accounts_last_validated_at;
DROP INDEX cloud_accounts_token_expires_at;
