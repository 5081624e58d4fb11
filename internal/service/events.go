package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

// systemActor is Berth itself, acting for an organization from a job.
func systemActor(orgID string) Actor { return Actor{OrgID: orgID} }

// who describes the actor for the audit log.
func (a Actor) who() (domain.ActorKind, string, string) {
	switch {
	case a.APIKeyID != "":
		return domain.ActorAPIKey, a.APIKeyID, fmt.Sprintf("API key %q of %s", a.APIKeyName, a.Email)
	case a.UserID != "":
		return domain.ActorUser, a.UserID, a.Email
	}
	return domain.ActorJob, "berth", "Berth (background job)"
}

func (s *Services) newEvent(a Actor, typ, orgID, accountID, message string) domain.Event {
	kind, id, label := a.who()
	return domain.Event{ID: newID(), OrgID: orgID, Type: typ, AccountID: accountID,
		ActorKind: kind, ActorID: id, ActorLabel: label, Message: message, CreatedAt: s.now()}
}

// statusEvent says an account's status changed from before to what it is now.
func (s *Services) statusEvent(a Actor, acct domain.CloudAccount, before domain.AccountStatus) domain.Event {
	msg := fmt.Sprintf("%s: %s -> %s", acct.Name, before, acct.Status)
	if acct.StatusMessage != "" {
		msg += ": " + acct.StatusMessage
	}
	return s.newEvent(a, domain.EventAccountStatusChanged, acct.OrgID, acct.ID, msg)
}

// recordEvents appends events to the audit log within st (a transaction, where the change is)
// and queues their webhook deliveries alongside.
func (s *Services) recordEvents(ctx context.Context, st store.Store, events ...domain.Event) error {
	for _, e := range events {
		if err := st.CreateEvent(ctx, e); err != nil {
			return fmt.Errorf("record %s: %w", e.Type, err)
		}
	}
	return s.queueDeliveries(ctx, st, events)
}

func describeUpdate(before, after domain.CloudAccount) string {
	var parts []string
	if before.Name != after.Name {
		parts = append(parts, fmt.Sprintf("renamed %q to %q", before.Name, after.Name))
	}
	if before.IsDefault != after.IsDefault {
		if after.IsDefault {
			parts = append(parts, "set as default for DigitalOcean")
		} else {
			parts = append(parts, "no longer the default")
		}
	}
	return after.Name + ": " + strings.Join(parts, ", ")
}

// auditPageSize bounds one page of the audit log.
const auditPageSize = 100

// AuditEvents lists the organization's audit log, newest first, a page at a time: pass the
// last event's id as before for the next page. Admins only.
func (s *Services) AuditEvents(ctx context.Context, a Actor, before string, limit int) ([]domain.Event, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > auditPageSize {
		limit = auditPageSize
	}
	return s.d.Store.ListEvents(ctx, store.ListEventsParams{OrgID: a.OrgID, Before: before, Limit: limit})
}
