package sqlstore

import (
	"context"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const webhookColumns = `id, org_id, url, secret_sealed, created_at`

func scanWebhook(r rowScanner) (domain.Webhook, error) {
	var w domain.Webhook
	err := r.Scan(&w.ID, &w.OrgID, &w.URL, bytesDest{&w.SecretSealed}, timeDest{&w.CreatedAt})
	return w, err
}

// CreateWebhook stores a webhook with its sealed secret.
func (s *Store) CreateWebhook(ctx context.Context, w domain.Webhook) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		w.ID, w.OrgID, w.URL, nullBytes(w.SecretSealed), s.timeArg(w.CreatedAt))
	return s.fail("create webhook", err)
}

// ListWebhooks lists an organization's webhooks, oldest first.
func (s *Store) ListWebhooks(ctx context.Context, orgID string) ([]domain.Webhook, error) {
	return queryList(ctx, s, "list webhooks", scanWebhook,
		`SELECT `+webhookColumns+` FROM webhooks WHERE org_id = $1 ORDER BY created_at, id`, orgID)
}

// GetWebhook returns one of an organization's webhooks.
func (s *Store) GetWebhook(ctx context.Context, p store.GetWebhookParams) (domain.Webhook, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID)
	w, err := scanWebhook(row)
	return w, s.fail("get webhook", err)
}

// DeleteWebhook deletes a webhook and, by cascade, its deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, p store.GetWebhookParams) error {
	return s.execOne(ctx, "delete webhook", `DELETE FROM webhooks WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID)
}

const deliveryColumns = `id, org_id, webhook_id, event_id, event_type, payload, status, attempts,
	last_status_code, last_error, created_at, updated_at`

func scanDelivery(r rowScanner) (domain.WebhookDelivery, error) {
	var d domain.WebhookDelivery
	var payload string
	err := r.Scan(&d.ID, &d.OrgID, &d.WebhookID, &d.EventID, &d.EventType, &payload, &d.Status, &d.Attempts,
		&d.LastStatusCode, &d.LastError, timeDest{&d.CreatedAt}, timeDest{&d.UpdatedAt})
	d.Payload = []byte(payload)
	return d, err
}

// CreateDelivery stores a delivery to make.
func (s *Store) CreateDelivery(ctx context.Context, d domain.WebhookDelivery) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO webhook_deliveries (`+deliveryColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		d.ID, d.OrgID, d.WebhookID, d.EventID, d.EventType, string(d.Payload), d.Status, d.Attempts,
		d.LastStatusCode, d.LastError, s.timeArg(d.CreatedAt), s.timeArg(d.UpdatedAt))
	return s.fail("create delivery", err)
}

// GetDelivery returns one delivery.
func (s *Store) GetDelivery(ctx context.Context, id string) (domain.WebhookDelivery, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = $1`, id)
	d, err := scanDelivery(row)
	return d, s.fail("get delivery", err)
}

// UpdateDelivery records how a delivery went.
func (s *Store) UpdateDelivery(ctx context.Context, d domain.WebhookDelivery) error {
	return s.execOne(ctx, "update delivery",
		`UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
			updated_at = $6 WHERE id = $1`,
		d.ID, d.Status, d.Attempts, d.LastStatusCode, d.LastError, s.timeArg(d.UpdatedAt))
}

// ListDeliveries lists a webhook's latest deliveries, newest first.
func (s *Store) ListDeliveries(ctx context.Context, p store.ListDeliveriesParams) ([]domain.WebhookDelivery, error) {
	return queryList(ctx, s, "list deliveries", scanDelivery,
		`SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE org_id = $1 AND webhook_id = $2
		ORDER BY created_at DESC, id DESC LIMIT $3`, p.OrgID, p.WebhookID, p.Limit)
}

// ListStuckDeliveries lists pending deliveries not touched since Before, oldest first.
func (s *Store) ListStuckDeliveries(ctx context.Context, p store.ListStuckDeliveriesParams) ([]domain.WebhookDelivery, error) {
	return queryList(ctx, s, "list stuck deliveries", scanDelivery,
		`SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE status = 'pending' AND updated_at < $1
		ORDER BY updated_at, id LIMIT $2`, s.timeArg(p.Before), p.Limit)
}
