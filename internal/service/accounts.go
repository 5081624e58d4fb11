package service

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/berth-dev/berth/internal/store"
)

// ListAccounts lists the organization's cloud accounts, oldest first.
func (s *Services) ListAccounts(ctx context.Context, a Actor) ([]domain.CloudAccount, error) {
	return s.d.Store.ListCloudAccounts(ctx, a.OrgID)
}

// GetAccount returns one of the organization's accounts; another organization's is ErrNotFound.
func (s *Services) GetAccount(ctx context.Context, a Actor, id string) (domain.CloudAccount, error) {
	return s.d.Store.GetCloudAccount(ctx, store.GetCloudAccountParams{OrgID: a.OrgID, ID: id})
}

// UpdateAccountParams changes what is set: the name and whether the account is its provider's default.
type UpdateAccountParams struct {
	Name      *string
	IsDefault *bool
}

// UpdateAccount renames an account and sets or clears its default flag. Admins only.
func (s *Services) UpdateAccount(ctx context.Context, a Actor, id string, p UpdateAccountParams) (domain.CloudAccount, error) {
	if err := requireAdmin(a); err != nil {
		return domain.CloudAccount{}, err
	}
	var acct domain.CloudAccount
	err := s.d.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		acct, err = tx.GetCloudAccount(ctx, store.GetCloudAccountParams{OrgID: a.OrgID, ID: id})
		if err != nil {
			return err
		}
		before := acct
		if acct, err = s.rename(ctx, tx, acct, p.Name); err != nil {
			return err
		}
		if p.IsDefault != nil && *p.IsDefault != acct.IsDefault {
			err = tx.SetDefaultCloudAccount(ctx, store.SetDefaultCloudAccountParams{OrgID: a.OrgID, ID: id, IsDefault: *p.IsDefault, At: s.now()})
			acct.IsDefault = *p.IsDefault
		}
		if err != nil || (before.Name == acct.Name && before.IsDefault == acct.IsDefault) {
			return err
		}
		return s.recordEvents(ctx, tx, s.newEvent(a, domain.EventAccountUpdated, a.OrgID, id, describeUpdate(before, acct)))
	})
	return acct, err
}

func (s *Services) rename(ctx context.Context, tx store.Store, acct domain.CloudAccount, name *string) (domain.CloudAccount, error) {
	if name == nil {
		return acct, nil
	}
	n, err := accountName(*name)
	if err != nil {
		return acct, err
	}
	if n == "" {
		return acct, domain.Invalid("name", "enter a name")
	}
	acct.Name, acct.UpdatedAt = n, s.now()
	return tx.UpdateCloudAccount(ctx, acct)
}

// ValidateAccount re-reads the account from DigitalOcean, refreshing OAuth tokens first when
// they are near expiry or refused, and records the outcome in the account's status. An error
// means validation could not finish; a refused token is an outcome (status Expired), not an error.
func (s *Services) ValidateAccount(ctx context.Context, a Actor, id string) (domain.CloudAccount, error) {
	return s.validate(ctx, a, store.GetCloudAccountParams{OrgID: a.OrgID, ID: id})
}

// ValidateAccountAsSystem is ValidateAccount for Berth's own jobs, which act for no person.
func (s *Services) ValidateAccountAsSystem(ctx context.Context, orgID, id string) (domain.CloudAccount, error) {
	return s.validate(ctx, systemActor(orgID), store.GetCloudAccountParams{OrgID: orgID, ID: id})
}

// DueAccounts lists accounts, of every organization, whose token is within the refresh window
// or that were not validated for ValidateEvery; at most limit, least recently validated first.
func (s *Services) DueAccounts(ctx context.Context, limit int) ([]domain.CloudAccount, error) {
	now := s.now()
	return s.d.Store.ListDueCloudAccounts(ctx, store.ListDueCloudAccountsParams{
		RefreshBefore: now.Add(s.d.RefreshWindow), ValidateBefore: now.Add(-s.d.ValidateEvery), Limit: limit,
	})
}

func (s *Services) validate(ctx context.Context, a Actor, id store.GetCloudAccountParams) (domain.CloudAccount, error) {
	acct, err := s.d.Store.GetCloudAccount(ctx, id)
	if err != nil {
		return acct, err
	}
	token, seen, err := s.usableToken(ctx, acct)
	if err != nil {
		return s.recordFailure(ctx, a, acct, err)
	}
	info, err := s.d.Accounts.Account(ctx, token)
	if domain.ProviderErrorKindOf(err) == domain.ProviderUnauthorized && acct.AuthType == domain.AuthOAuth {
		if token, err = s.refresh(ctx, acct, seen); err == nil {
			info, err = s.d.Accounts.Account(ctx, token)
		}
	}
	if err != nil {
		return s.recordFailure(ctx, a, acct, err)
	}
	// Ask afresh what the token may do (DigitalOcean's token info, else probes): a grant can
	// lose scopes, or a person their team role, after Berth connected.
	caps, err := s.d.Accounts.Capabilities(ctx, token, nil)
	if err != nil {
		return s.recordFailure(ctx, a, acct, err)
	}
	return s.recordSuccess(ctx, a, acct, info, caps)
}

// usableToken opens the account's access token, refreshing it first when it is near expiry;
// it also returns the sealed token it started from, for refresh to compare against.
func (s *Services) usableToken(ctx context.Context, acct domain.CloudAccount) (string, []byte, error) {
	creds, err := s.d.Store.GetCredentials(ctx, store.GetCloudAccountParams{OrgID: acct.OrgID, ID: acct.ID})
	if err != nil {
		return "", nil, fmt.Errorf("get credentials: %w", err)
	}
	if acct.AuthType == domain.AuthOAuth && creds.ExpiresAt != nil && creds.ExpiresAt.Before(s.now().Add(s.d.RefreshWindow)) {
		token, err := s.refresh(ctx, acct, creds.AccessTokenSealed)
		return token, creds.AccessTokenSealed, err
	}
	access, err := s.d.Sealer.Open(creds.AccessTokenSealed, credentialAAD(acct.ID, "access_token"))
	if err != nil {
		return "", nil, fmt.Errorf("open access token: %w", err)
	}
	return string(access), creds.AccessTokenSealed, nil
}

// refreshTimeout bounds a refresh, which holds the account's lock while DigitalOcean answers.
const refreshTimeout = 15 * time.Second

// refresh is the one path that spends a refresh token. Under the account's lock (a row lock on
// PostgreSQL) it re-reads the credentials: if they changed since the caller read seen, another
// worker refreshed and its token is used. Otherwise it refreshes and saves access token, refresh
// token and expiry together in the same transaction; an answer without a refresh token keeps
// the old one. On any failure the transaction rolls back and nothing is written.
func (s *Services) refresh(ctx context.Context, acct domain.CloudAccount, seen []byte) (string, error) {
	id := store.GetCloudAccountParams{OrgID: acct.OrgID, ID: acct.ID}
	var token string
	err := s.d.Store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.LockCloudAccount(ctx, id); err != nil {
			return err
		}
		creds, err := tx.GetCredentials(ctx, id)
		if err != nil {
			return fmt.Errorf("get credentials: %w", err)
		}
		if !bytes.Equal(creds.AccessTokenSealed, seen) {
			access, err := s.d.Sealer.Open(creds.AccessTokenSealed, credentialAAD(acct.ID, "access_token"))
			token = string(access)
			return err
		}
		token, err = s.refreshLocked(ctx, tx, acct, creds)
		return err
	})
	return token, err
}

// refreshLocked spends the refresh token in creds and saves the new pair in tx.
func (s *Services) refreshLocked(ctx context.Context, tx store.Store, acct domain.CloudAccount, creds domain.Credentials) (string, error) {
	if len(creds.RefreshTokenSealed) == 0 {
		return "", &domain.ProviderError{Kind: domain.ProviderInvalidGrant, Message: "no refresh token stored"}
	}
	rt, err := s.d.Sealer.Open(creds.RefreshTokenSealed, credentialAAD(acct.ID, "refresh_token"))
	if err != nil {
		return "", fmt.Errorf("open refresh token: %w", err)
	}
	refreshCtx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	tok, err := s.d.OAuth.Refresh(refreshCtx, string(rt))
	if err != nil {
		return "", err
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = string(rt)
	}
	sealed, err := s.sealCredentials(acct.ID, tok)
	if err != nil {
		return "", err
	}
	err = tx.SaveCredentials(ctx, store.SaveCredentialsParams{OrgID: acct.OrgID, ID: acct.ID, Credentials: sealed, At: s.now()})
	if err != nil {
		return "", fmt.Errorf("save refreshed credentials: %w", err)
	}
	s.d.Logger.InfoContext(ctx, "cloud account token refreshed", "account_id", acct.ID)
	return tok.AccessToken, nil
}

func (s *Services) recordSuccess(ctx context.Context, a Actor, acct domain.CloudAccount, info provider.AccountInfo, caps []domain.Capability) (domain.CloudAccount, error) {
	now, before := s.now(), acct.Status
	applyAccountInfo(&acct, info)
	acct.Capabilities, acct.FailingSince = domain.SortCapabilities(caps), nil
	explainMissing(&acct)
	acct.LastValidatedAt, acct.UpdatedAt = &now, now
	var events []domain.Event
	if before != acct.Status {
		events = append(events, s.statusEvent(a, acct, before))
		if acct.Status == domain.StatusActive {
			events = append(events, s.newEvent(a, domain.EventAccountRecovered, acct.OrgID, acct.ID, acct.Name+" works again"))
		}
	}
	return s.saveAccount(ctx, acct, events...)
}

// saveAccount writes the account and its events in one transaction.
func (s *Services) saveAccount(ctx context.Context, acct domain.CloudAccount, events ...domain.Event) (domain.CloudAccount, error) {
	var saved domain.CloudAccount
	err := s.d.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		if saved, err = tx.UpdateCloudAccount(ctx, acct); err != nil {
			return err
		}
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return acct, fmt.Errorf("save cloud account: %w", err)
	}
	return saved, nil
}

// recordFailure records what a failure says about the account. Refused tokens are an outcome:
// the account is saved as Expired with the remedy in its status message, and no error is
// returned. DigitalOcean not answering is remembered (FailingSince), turns the account Error
// only once it has lasted ErrorAfter, and returns the problem so that jobs retry. Anything
// else leaves the account as it was and returns the problem.
func (s *Services) recordFailure(ctx context.Context, a Actor, acct domain.CloudAccount, cause error) (domain.CloudAccount, error) {
	switch domain.ProviderErrorKindOf(cause) {
	case domain.ProviderUnauthorized, domain.ProviderInvalidGrant:
		return s.recordExpired(ctx, a, acct, cause)
	case domain.ProviderUnavailable:
		return s.recordUnreachable(ctx, a, acct, cause)
	}
	return acct, providerProblem(cause, CodeProviderRefused)
}

func (s *Services) recordExpired(ctx context.Context, a Actor, acct domain.CloudAccount, cause error) (domain.CloudAccount, error) {
	code := CodeTokensExpired
	if acct.AuthType == domain.AuthToken {
		code = CodeTokenRejected
	}
	problem, before := NewProblem(code, cause), acct.Status
	acct.Status, acct.StatusMessage, acct.FailingSince, acct.UpdatedAt = domain.StatusExpired, problem.Detail, nil, s.now()
	var events []domain.Event
	if before != acct.Status {
		events = append(events, s.newEvent(a, domain.EventAccountRefreshFailed, acct.OrgID, acct.ID, acct.Name+": "+problem.Detail),
			s.statusEvent(a, acct, before))
	}
	updated, err := s.saveAccount(ctx, acct, events...)
	if err != nil {
		return acct, fmt.Errorf("record expired status: %w", err)
	}
	s.d.Logger.WarnContext(ctx, "cloud account expired", "account_id", acct.ID, "error", cause)
	return updated, nil
}

func (s *Services) recordUnreachable(ctx context.Context, a Actor, acct domain.CloudAccount, cause error) (domain.CloudAccount, error) {
	now, before := s.now(), acct.Status
	if acct.FailingSince == nil {
		acct.FailingSince = &now
	}
	if now.Sub(*acct.FailingSince) >= s.d.ErrorAfter && acct.Status == domain.StatusActive {
		acct.Status = domain.StatusError
		acct.StatusMessage = fmt.Sprintf("DigitalOcean has not answered Berth since %s. Berth keeps trying; check DigitalOcean's status page, then click Refresh.",
			acct.FailingSince.Format("2006-01-02 15:04 UTC"))
	}
	acct.UpdatedAt = now
	var events []domain.Event
	if before != acct.Status {
		events = append(events, s.statusEvent(a, acct, before))
	}
	updated, err := s.saveAccount(ctx, acct, events...)
	if err != nil {
		return acct, fmt.Errorf("record unreachable: %w", err)
	}
	return updated, NewProblem(CodeProviderUnreachable, cause)
}

// explainMissing says, on an otherwise healthy account, which capabilities the grant or the
// person's DigitalOcean role does not allow, and what it takes.
func explainMissing(acct *domain.CloudAccount) {
	if acct.Status != domain.StatusActive || acct.StatusMessage != "" {
		return
	}
	var missing []string
	for _, c := range domain.AllCapabilities {
		if !slices.Contains(acct.Capabilities, c) {
			missing = append(missing, capabilityName[c])
		}
	}
	if len(missing) > 0 {
		acct.StatusMessage = NewProblem(CodeInsufficientScope, nil).Detail + " (not allowed now: " + strings.Join(missing, ", ") + ")"
	}
}

// capabilityName is how people call each capability.
var capabilityName = map[domain.Capability]string{domain.CapCompute: "Compute", domain.CapStorage: "Storage", domain.CapDNS: "DNS"}
