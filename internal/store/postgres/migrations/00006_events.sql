-- The audit log: what happened to an organization's accounts and people, and who did it.

-- +goose Up
CREATE TABLE events (
    id          TEXT PRIMARY KEY, -- time-ordered (UUIDv7), so it pages in order
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    message     TEXT NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX events_org ON events (org_id, id);

-- +goose Down
DROP TABLE events;
