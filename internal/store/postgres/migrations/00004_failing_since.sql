-- When DigitalOcean stopped answering for an account, so that only lasting failures turn it Error.

-- +goose Up
ALTER TABLE cloud_accounts ADD COLUMN failing_since timestamptz;

-- +goose Down
ALTER TABLE cloud_accounts DROP COLUMN failing_since;
