package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

// connectLinkTTL is how long a connect link works.
const connectLinkTTL = 7 * 24 * time.Hour

// NewConnectLink is a freshly made link: Token goes in the URL, shown once, never stored.
type NewConnectLink struct {
	Link  domain.ConnectLink
	Token string
}

// CreateConnectLink makes a link with which someone not signed in to Berth (the organization's
// DigitalOcean admin) connects an account, or reconnects accountID when it is set. Admins only.
func (s *Services) CreateConnectLink(ctx context.Context, a Actor, accountID string) (NewConnectLink, error) {
	if err := requireAdmin(a); err != nil {
		return NewConnectLink{}, err
	}
	if accountID != "" {
		if _, err := s.GetAccount(ctx, a, accountID); err != nil {
			return NewConnectLink{}, err
		}
	}
	token, now := randomToken(32), s.now()
	l := domain.ConnectLink{ID: hashToken(token), OrgID: a.OrgID, CreatedBy: a.UserID, AccountID: accountID,
		CreatedAt: now, ExpiresAt: now.Add(connectLinkTTL)}
	if err := s.d.Store.CreateConnectLink(ctx, l); err != nil {
		return NewConnectLink{}, fmt.Errorf("create connect link: %w", err)
	}
	return NewConnectLink{Link: l, Token: token}, nil
}

// ConnectLinkView is what a connect link's page shows.
type ConnectLinkView struct {
	OrgName     string
	AccountName string // set for a reconnect link
	ExpiresAt   time.Time
}

// ConnectLink returns what a link offers; used, expired or unknown links are a problem.
func (s *Services) ConnectLink(ctx context.Context, token string) (ConnectLinkView, error) {
	l, err := s.openConnectLink(ctx, token)
	if err != nil {
		return ConnectLinkView{}, err
	}
	org, err := s.d.Store.GetOrg(ctx, l.OrgID)
	if err != nil {
		return ConnectLinkView{}, fmt.Errorf("get organization: %w", err)
	}
	view := ConnectLinkView{OrgName: org.Name, ExpiresAt: l.ExpiresAt}
	if l.AccountID != "" {
		acct, err := s.d.Store.GetCloudAccount(ctx, store.GetCloudAccountParams{OrgID: l.OrgID, ID: l.AccountID})
		if err != nil {
			return ConnectLinkView{}, NewProblem(CodeConnectLinkInvalid, err)
		}
		view.AccountName = acct.Name
	}
	return view, nil
}

func (s *Services) openConnectLink(ctx context.Context, token string) (domain.ConnectLink, error) {
	l, err := s.d.Store.GetConnectLink(ctx, hashToken(token))
	if errors.Is(err, domain.ErrNotFound) || (err == nil && (l.UsedAt != nil || !s.now().Before(l.ExpiresAt))) {
		return l, NewProblem(CodeConnectLinkInvalid, err)
	}
	return l, err
}

// StartLinkedOAuth begins the consent flow from a connect link, bound to the browser's
// link cookie (browserCookie), on behalf of the admin who made the link.
func (s *Services) StartLinkedOAuth(ctx context.Context, token, browserCookie string) (string, error) {
	l, err := s.openConnectLink(ctx, token)
	if err != nil {
		return "", err
	}
	if browserCookie == "" {
		return "", fmt.Errorf("start linked OAuth: %w: no browser cookie", domain.ErrForbidden)
	}
	return s.beginOAuth(ctx, domain.OAuthState{OrgID: l.OrgID, UserID: l.CreatedBy, SessionID: hashToken(browserCookie),
		AccountID: l.AccountID, LinkID: l.ID})
}
