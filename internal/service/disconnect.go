package service

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

// Disconnection says how a disconnect ended at DigitalOcean; the account is gone from Berth
// either way.
type Disconnection struct {
	Revoked bool   // DigitalOcean confirmed that Berth's access is revoked
	Detail  string // what the person should know or do next
}

// Texts for the ways a disconnect can end.
const (
	disconnectedRevoked = "DigitalOcean revoked Berth's access, and Berth deleted the tokens."
	disconnectedToken   = "Berth deleted the API token, which still works at DigitalOcean until you delete it there: API > Tokens in DigitalOcean's control panel."
	disconnectedFailed  = "Berth deleted the tokens but could not revoke its access at DigitalOcean. Revoke it by hand: API > OAuth Applications > Authorized Applications in DigitalOcean's control panel, then Revoke next to Berth."
)

// DisconnectAccount revokes the account's access at DigitalOcean, then deletes the account and
// its sealed tokens. If DigitalOcean cannot revoke, the account is still disconnected here and
// the result says where to revoke by hand. Admins only.
func (s *Services) DisconnectAccount(ctx context.Context, a Actor, id string) (Disconnection, error) {
	if err := requireAdmin(a); err != nil {
		return Disconnection{}, err
	}
	ref := store.GetCloudAccountParams{OrgID: a.OrgID, ID: id}
	acct, err := s.d.Store.GetCloudAccount(ctx, ref)
	if err != nil {
		return Disconnection{}, err
	}
	result := s.revoke(ctx, acct)
	err = s.d.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.DeleteCloudAccount(ctx, ref); err != nil {
			return err
		}
		return s.recordEvents(ctx, tx, s.newEvent(a, domain.EventAccountDisconnected, a.OrgID, id, acct.Name+" disconnected. "+result.Detail))
	})
	if err != nil {
		return Disconnection{}, fmt.Errorf("delete cloud account: %w", err)
	}
	s.d.Logger.InfoContext(ctx, "cloud account disconnected", "org_id", a.OrgID, "account_id", id, "revoked", result.Revoked)
	return result, nil
}

// revoke asks DigitalOcean to revoke an OAuth account's access token.
func (s *Services) revoke(ctx context.Context, acct domain.CloudAccount) Disconnection {
	if acct.AuthType != domain.AuthOAuth {
		return Disconnection{Detail: disconnectedToken}
	}
	creds, err := s.d.Store.GetCredentials(ctx, store.GetCloudAccountParams{OrgID: acct.OrgID, ID: acct.ID})
	if err != nil {
		s.d.Logger.WarnContext(ctx, "read credentials to revoke", "account_id", acct.ID, "error", err)
		return Disconnection{Detail: disconnectedFailed}
	}
	access, err := s.d.Sealer.Open(creds.AccessTokenSealed, credentialAAD(acct.ID, "access_token"))
	if err == nil {
		err = s.d.OAuth.Revoke(ctx, string(access))
	}
	if err != nil {
		s.d.Logger.WarnContext(ctx, "revoke at DigitalOcean failed", "account_id", acct.ID, "error", err)
		return Disconnection{Detail: disconnectedFailed}
	}
	return Disconnection{Revoked: true, Detail: disconnectedRevoked}
}

// RefreshAccount refreshes an OAuth account's tokens now, whatever their expiry, then
// validates it; an API-token account is validated. Members may do this.
func (s *Services) RefreshAccount(ctx context.Context, a Actor, id string) (domain.CloudAccount, error) {
	ref := store.GetCloudAccountParams{OrgID: a.OrgID, ID: id}
	acct, err := s.d.Store.GetCloudAccount(ctx, ref)
	if err != nil || acct.AuthType != domain.AuthOAuth {
		return s.validate(ctx, a, ref)
	}
	creds, err := s.d.Store.GetCredentials(ctx, ref)
	if err != nil {
		return acct, fmt.Errorf("get credentials: %w", err)
	}
	if _, err := s.refresh(ctx, acct, creds.AccessTokenSealed); err != nil {
		return s.recordFailure(ctx, a, acct, err)
	}
	return s.validate(ctx, a, ref)
}
