package service

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/secret"
	"github.com/berth-dev/berth/internal/store"
)

// webhookSecretPrefix starts every webhook signing secret.
const webhookSecretPrefix = "whsec_"

// NewWebhook is a freshly made webhook: Secret is shown once, then only its sealed form is kept.
type NewWebhook struct {
	Webhook domain.Webhook
	Secret  string
}

// CreateWebhook adds a webhook for the organization's account events. Admins only.
func (s *Services) CreateWebhook(ctx context.Context, a Actor, rawURL string) (NewWebhook, error) {
	if err := requireAdmin(a); err != nil {
		return NewWebhook{}, err
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return NewWebhook{}, domain.Invalid("url", "enter an http:// or https:// URL, such as https://example.com/berth-events")
	}
	secretValue := webhookSecretPrefix + randomToken(24)
	w := domain.Webhook{ID: newID(), OrgID: a.OrgID, URL: u.String(), CreatedAt: s.now()}
	if w.SecretSealed, err = s.d.Sealer.Seal([]byte(secretValue), webhookAAD(w.ID)); err != nil {
		return NewWebhook{}, fmt.Errorf("seal webhook secret: %w", err)
	}
	if err := s.d.Store.CreateWebhook(ctx, w); err != nil {
		return NewWebhook{}, fmt.Errorf("create webhook: %w", err)
	}
	return NewWebhook{Webhook: w, Secret: secretValue}, nil
}

func webhookAAD(id string) secret.AAD {
	return secret.AAD{Table: "webhooks", RowID: id, Field: "secret"}
}

// WebhookWithDeliveries is a webhook and its latest deliveries.
type WebhookWithDeliveries struct {
	Webhook    domain.Webhook
	Deliveries []domain.WebhookDelivery
}

// ListWebhooks lists the organization's webhooks with their latest deliveries. Admins only.
func (s *Services) ListWebhooks(ctx context.Context, a Actor) ([]WebhookWithDeliveries, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	hooks, err := s.d.Store.ListWebhooks(ctx, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	out := make([]WebhookWithDeliveries, 0, len(hooks))
	for _, w := range hooks {
		ds, err := s.d.Store.ListDeliveries(ctx, store.ListDeliveriesParams{OrgID: a.OrgID, WebhookID: w.ID, Limit: 20})
		if err != nil {
			return nil, fmt.Errorf("list deliveries: %w", err)
		}
		out = append(out, WebhookWithDeliveries{Webhook: w, Deliveries: ds})
	}
	return out, nil
}

// DeleteWebhook removes a webhook and its delivery log. Admins only.
func (s *Services) DeleteWebhook(ctx context.Context, a Actor, id string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.d.Store.DeleteWebhook(ctx, store.GetWebhookParams{OrgID: a.OrgID, ID: id})
}

// Redeliver queues a delivery to be sent again. Admins only.
func (s *Services) Redeliver(ctx context.Context, a Actor, deliveryID string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	d, err := s.d.Store.GetDelivery(ctx, deliveryID)
	if err != nil || d.OrgID != a.OrgID {
		return errors.Join(domain.ErrNotFound, err)
	}
	d.Status, d.UpdatedAt = domain.DeliveryPending, s.now()
	return s.d.Store.UpdateDelivery(ctx, d)
}

// webhookEvent is the JSON body a webhook receives.
type webhookEvent struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	CreatedAt      time.Time `json:"created_at"`
	OrganizationID string    `json:"organization_id"`
	AccountID      string    `json:"account_id,omitempty"`
	Actor          string    `json:"actor"`
	Message        string    `json:"message"`
}

// queueDeliveries writes, in st, one pending delivery per webhook of the organization for
// each account event; the delivery job picks them up (an outbox, so none is lost).
func (s *Services) queueDeliveries(ctx context.Context, st store.Store, events []domain.Event) error {
	var hooks []domain.Webhook
	loaded := false
	for _, e := range events {
		if !strings.HasPrefix(e.Type, "account.") {
			continue
		}
		if !loaded { // the events of one call belong to one organization
			var err error
			if hooks, err = st.ListWebhooks(ctx, e.OrgID); err != nil {
				return fmt.Errorf("list webhooks: %w", err)
			}
			loaded = true
		}
		if err := s.queueEvent(ctx, st, e, hooks); err != nil {
			return err
		}
	}
	return nil
}

func (s *Services) queueEvent(ctx context.Context, st store.Store, e domain.Event, hooks []domain.Webhook) error {
	body, err := json.Marshal(webhookEvent{ID: e.ID, Type: e.Type, CreatedAt: e.CreatedAt, OrganizationID: e.OrgID,
		AccountID: e.AccountID, Actor: e.ActorLabel, Message: e.Message})
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	for _, w := range hooks {
		d := domain.WebhookDelivery{ID: newID(), OrgID: e.OrgID, WebhookID: w.ID, EventID: e.ID, EventType: e.Type,
			Payload: body, Status: domain.DeliveryPending, CreatedAt: e.CreatedAt, UpdatedAt: e.CreatedAt}
		if err := st.CreateDelivery(ctx, d); err != nil {
			return fmt.Errorf("queue delivery: %w", err)
		}
	}
	return nil
}

// PendingDeliveries lists deliveries waiting to be sent (by their job, or again after a crash).
func (s *Services) PendingDeliveries(ctx context.Context, limit int) ([]domain.WebhookDelivery, error) {
	return s.d.Store.ListStuckDeliveries(ctx, store.ListStuckDeliveriesParams{Before: s.now().Add(time.Second), Limit: limit})
}

// webhookTimeout bounds one delivery attempt.
const webhookTimeout = 10 * time.Second

// Deliver sends one delivery, signed, and records the outcome. final says this is the last
// attempt: a failure then marks the delivery failed. An error means "try again later".
func (s *Services) Deliver(ctx context.Context, deliveryID string, final bool) error {
	d, err := s.d.Store.GetDelivery(ctx, deliveryID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil // its webhook was deleted
	}
	if err != nil || d.Status != domain.DeliveryPending {
		return err
	}
	w, err := s.d.Store.GetWebhook(ctx, store.GetWebhookParams{OrgID: d.OrgID, ID: d.WebhookID})
	if err != nil {
		return ignoreNotFound(err)
	}
	code, sendErr := s.send(ctx, w, d)
	d.Attempts++
	d.LastStatusCode, d.LastError, d.UpdatedAt = code, "", s.now()
	switch {
	case sendErr == nil:
		d.Status = domain.DeliveryDelivered
	case final:
		d.Status, d.LastError = domain.DeliveryFailed, sendErr.Error()
	default:
		d.LastError = sendErr.Error()
	}
	if err := s.d.Store.UpdateDelivery(ctx, d); err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	return sendErr
}

// send POSTs the payload with a Berth-Signature of "t=UNIX,v1=HEX(HMAC-SHA256(secret, t.body))".
func (s *Services) send(ctx context.Context, w domain.Webhook, d domain.WebhookDelivery) (int, error) {
	key, err := s.d.Sealer.Open(w.SecretSealed, webhookAAD(w.ID))
	if err != nil {
		return 0, fmt.Errorf("open webhook secret: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	ts := strconv.FormatInt(s.now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "berth-webhooks")
	req.Header.Set("Berth-Event", d.EventType)
	req.Header.Set("Berth-Delivery", d.ID)
	req.Header.Set("Berth-Signature", "t="+ts+",v1="+Sign(key, ts, d.Payload))
	resp, err := s.d.WebhookClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("POST %s: %w", w.URL, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("POST %s answered %s", w.URL, resp.Status)
	}
	return resp.StatusCode, nil
}

// Sign is the v1 webhook signature: hex HMAC-SHA256 with the secret over "timestamp.body".
func Sign(secretValue []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secretValue)
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}
