package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/berth-dev/berth/internal/secret"
	"github.com/berth-dev/berth/internal/store"
	"golang.org/x/oauth2"
)

// oauthStateTTL is how long a person has to finish the consent page.
const oauthStateTTL = 10 * time.Minute

// defaultAccountName is what a new DigitalOcean account is called until someone renames it.
const defaultAccountName = "DigitalOcean"

// StartOAuthParams shape a consent flow.
type StartOAuthParams struct {
	Popup     bool   // the flow runs in a tab Berth opened, which closes itself at the end
	AccountID string // reconnect this account: new tokens on the same record
}

// StartOAuth begins the one-click connect (or a reconnect): it records a single-use state bound
// to the actor's session and returns DigitalOcean's consent page URL. Admins only.
func (s *Services) StartOAuth(ctx context.Context, a Actor, p StartOAuthParams) (string, error) {
	if err := requireAdmin(a); err != nil {
		return "", err
	}
	if a.SessionID == "" {
		return "", fmt.Errorf("start OAuth: %w: a browser session is required", domain.ErrForbidden)
	}
	if p.AccountID != "" {
		if _, err := s.GetAccount(ctx, a, p.AccountID); err != nil {
			return "", err
		}
	}
	return s.beginOAuth(ctx, domain.OAuthState{OrgID: a.OrgID, UserID: a.UserID, SessionID: a.SessionID,
		Popup: p.Popup, AccountID: p.AccountID})
}

// beginOAuth records a single-use state (with a sealed PKCE verifier) for st's flow and returns
// DigitalOcean's consent page URL.
func (s *Services) beginOAuth(ctx context.Context, st domain.OAuthState) (string, error) {
	state, verifier := randomToken(32), oauth2.GenerateVerifier()
	st.ID, st.Provider = hashToken(state), domain.ProviderDigitalOcean
	sealed, err := s.d.Sealer.Seal([]byte(verifier), secret.AAD{Table: "oauth_states", RowID: st.ID, Field: "verifier"})
	if err != nil {
		return "", fmt.Errorf("seal PKCE verifier: %w", err)
	}
	now := s.now()
	st.VerifierSealed, st.CreatedAt, st.ExpiresAt = sealed, now, now.Add(oauthStateTTL)
	if err := s.d.Store.CreateOAuthState(ctx, st); err != nil {
		return "", fmt.Errorf("save OAuth state: %w", err)
	}
	return s.d.OAuth.AuthCodeURL(state, verifier), nil
}

// OAuthCallback is what DigitalOcean sent back to the redirect URI.
type OAuthCallback struct {
	State            string
	Code             string
	Error            string
	ErrorDescription string
}

// OAuthResult says how the flow ended; Popup is known even when err is not nil.
type OAuthResult struct {
	Account domain.CloudAccount
	Popup   bool
	Linked  bool // the flow ran from a connect link, for someone who may not be signed in
}

// Browser is what a callback request carries that can match a pending state: the signed-in
// session, and the cookie a connect link set.
type Browser struct {
	SessionID  string // the session's id (a hash), when signed in
	LinkCookie string // the connect-link cookie's value, when present
}

func (b Browser) matches(binding string) bool {
	return binding != "" && (binding == b.SessionID || (b.LinkCookie != "" && binding == hashToken(b.LinkCookie)))
}

// CompleteOAuth finishes a consent flow started by a signed-in actor.
func (s *Services) CompleteOAuth(ctx context.Context, a Actor, cb OAuthCallback) (OAuthResult, error) {
	return s.CompleteOAuthIn(ctx, Browser{SessionID: a.SessionID}, cb)
}

// CompleteOAuthIn finishes the one-click connect (or reconnect, or connect link) for the
// browser the state was bound to, on behalf of the person who started it. The state is
// consumed first, so it works once whatever happens; nothing is stored unless DigitalOcean
// gave tokens and confirmed the account.
func (s *Services) CompleteOAuthIn(ctx context.Context, b Browser, cb OAuthCallback) (OAuthResult, error) {
	state, err := s.consumeState(ctx, b, cb.State)
	res := OAuthResult{Popup: state.Popup, Linked: state.LinkID != ""}
	if err != nil {
		return res, err
	}
	switch {
	case cb.Error == "access_denied":
		return res, NewProblem(CodeAuthorizationDenied, nil)
	case cb.Error != "":
		return res, NewProblem(CodeAuthorizationFailed, fmt.Errorf("DigitalOcean answered %s: %s", cb.Error, cb.ErrorDescription))
	case cb.Code == "":
		return res, NewProblem(CodeAuthorizationInvalid, errors.New("callback without code"))
	}
	a, err := s.memberActor(ctx, state.UserID, state.OrgID)
	if err != nil || !a.IsAdmin() {
		return res, NewProblem(CodeAuthorizationInvalid, errors.Join(errors.New("the person who started the flow is no longer an admin"), err))
	}
	verifier, err := s.d.Sealer.Open(state.VerifierSealed, secret.AAD{Table: "oauth_states", RowID: state.ID, Field: "verifier"})
	if err != nil {
		return res, fmt.Errorf("open PKCE verifier: %w", err)
	}
	tok, err := s.d.OAuth.Exchange(ctx, cb.Code, string(verifier))
	if err != nil {
		return res, providerProblem(err, CodeTokenExchangeFailed)
	}
	res.Account, err = s.connect(ctx, a, connection{authType: domain.AuthOAuth, token: tok, accountID: state.AccountID, linkID: state.LinkID})
	return res, err
}

// consumeState uses up a state and checks that it belongs to the browser and is still fresh.
func (s *Services) consumeState(ctx context.Context, b Browser, value string) (domain.OAuthState, error) {
	if value == "" {
		return domain.OAuthState{}, NewProblem(CodeAuthorizationInvalid, errors.New("callback without state"))
	}
	state, err := s.d.Store.ConsumeOAuthState(ctx, hashToken(value))
	if errors.Is(err, domain.ErrNotFound) {
		return state, NewProblem(CodeAuthorizationInvalid, errors.New("unknown or reused state"))
	}
	if err != nil {
		return state, fmt.Errorf("consume OAuth state: %w", err)
	}
	if !b.matches(state.SessionID) {
		return state, NewProblem(CodeWrongSessionForOAuth, nil)
	}
	if !s.now().Before(state.ExpiresAt) {
		return state, NewProblem(CodeAuthorizationExpired, nil)
	}
	return state, nil
}

// ConnectTokenParams connect an account with a personal access token.
type ConnectTokenParams struct {
	Provider domain.Provider
	Token    string
	Name     string
}

// ConnectToken connects an account with an API token after DigitalOcean accepts it. Admins only.
func (s *Services) ConnectToken(ctx context.Context, a Actor, p ConnectTokenParams) (domain.CloudAccount, error) {
	if err := requireAdmin(a); err != nil {
		return domain.CloudAccount{}, err
	}
	if p.Provider != domain.ProviderDigitalOcean {
		return domain.CloudAccount{}, domain.Invalid("provider", "must be \"digitalocean\"")
	}
	token := strings.TrimSpace(p.Token)
	if token == "" || len(token) > 1024 || strings.IndexFunc(token, unicode.IsSpace) >= 0 {
		return domain.CloudAccount{}, domain.Invalid("token", "paste a DigitalOcean API token, such as dop_v1_...")
	}
	name, err := accountName(p.Name)
	if err != nil {
		return domain.CloudAccount{}, err
	}
	return s.connect(ctx, a, connection{authType: domain.AuthToken, token: provider.Token{AccessToken: token}, name: name})
}

func accountName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if len([]rune(name)) > 100 {
		return "", domain.Invalid("name", "use at most 100 characters")
	}
	return name, nil
}

// connection is a set of tokens about to become (or refresh) a cloud account.
type connection struct {
	authType  domain.AuthType
	token     provider.Token
	name      string // empty keeps the existing name, or the default for a new account
	accountID string // reconnect this account; it must be the same DigitalOcean team
	linkID    string // the connect link this connection uses up
}

// connect confirms the token with DigitalOcean, then creates the account, or updates the
// organization's existing account for the same team, in one transaction.
func (s *Services) connect(ctx context.Context, a Actor, c connection) (domain.CloudAccount, error) {
	info, err := s.d.Accounts.Account(ctx, c.token.AccessToken)
	if err != nil {
		return domain.CloudAccount{}, providerProblem(err, CodeTokenRejected)
	}
	scopes := c.token.Scopes
	if c.authType == domain.AuthOAuth && scopes == nil {
		scopes = []string{"read"} // DigitalOcean's default when it does not say
	}
	caps, err := s.d.Accounts.Capabilities(ctx, c.token.AccessToken, scopes)
	if err != nil {
		return domain.CloudAccount{}, providerProblem(err, CodeTokenRejected)
	}
	var acct domain.CloudAccount
	err = s.d.Store.InTx(ctx, func(tx store.Store) error {
		acct, err = s.upsertAccount(ctx, tx, a, c, info, scopes, caps)
		return err
	})
	if err != nil {
		s.discard(ctx, c)
		return domain.CloudAccount{}, err
	}
	acct = s.defaultIfFirst(ctx, acct)
	s.d.Logger.InfoContext(ctx, "cloud account connected", "org_id", a.OrgID, "account_id", acct.ID, "auth_type", acct.AuthType)
	return acct, nil
}

// discard revokes OAuth tokens that will not be stored, so nothing Berth got stays usable.
func (s *Services) discard(ctx context.Context, c connection) {
	if c.authType != domain.AuthOAuth {
		return
	}
	if err := s.d.OAuth.Revoke(ctx, c.token.AccessToken); err != nil {
		s.d.Logger.WarnContext(ctx, "revoke unused OAuth token", "error", err)
	}
}

func (s *Services) upsertAccount(ctx context.Context, tx store.Store, a Actor, c connection, info provider.AccountInfo, scopes []string, caps []domain.Capability) (domain.CloudAccount, error) {
	now := s.now()
	acct, err := s.targetAccount(ctx, tx, a.OrgID, c.accountID, info.TeamUUID)
	if err != nil {
		return acct, err
	}
	isNew := acct.ID == ""
	if isNew {
		acct = domain.CloudAccount{ID: newID(), OrgID: a.OrgID, Provider: domain.ProviderDigitalOcean, Name: defaultAccountName, CreatedAt: now}
	}
	if c.name != "" {
		acct.Name = c.name
	}
	applyAccountInfo(&acct, info)
	acct.AuthType, acct.Scopes, acct.Capabilities = c.authType, scopes, domain.SortCapabilities(caps)
	explainMissing(&acct)
	acct.LastValidatedAt, acct.UpdatedAt = &now, now
	creds, err := s.sealCredentials(acct.ID, c.token)
	if err != nil {
		return acct, err
	}
	if c.linkID != "" {
		if err := tx.UseConnectLink(ctx, store.UseConnectLinkParams{ID: c.linkID, At: now}); err != nil {
			return acct, NewProblem(CodeConnectLinkInvalid, err)
		}
	}
	if isNew {
		acct, err = tx.CreateCloudAccount(ctx, store.CreateCloudAccountParams{Account: acct, Credentials: creds})
	} else if err = tx.SaveCredentials(ctx, store.SaveCredentialsParams{OrgID: a.OrgID, ID: acct.ID, Credentials: creds, At: now}); err == nil {
		acct, err = tx.UpdateCloudAccount(ctx, acct)
	}
	if err != nil {
		return acct, fmt.Errorf("save cloud account: %w", err)
	}
	typ, verb := domain.EventAccountReconnected, "reconnected"
	if isNew {
		typ, verb = domain.EventAccountConnected, "connected"
	}
	msg := fmt.Sprintf("%s %s (%s, team %s) with %s", acct.Name, verb, acct.AccountEmail, acct.TeamName, describeAuth(acct.AuthType))
	if err := s.recordEvents(ctx, tx, s.newEvent(a, typ, a.OrgID, acct.ID, msg)); err != nil {
		return acct, err
	}
	return acct, nil
}

func describeAuth(t domain.AuthType) string {
	if t == domain.AuthOAuth {
		return "one-click OAuth"
	}
	return "an API token"
}

// targetAccount is the account a connection updates: the one being reconnected (which must be
// the same team), else the organization's account for the team, else a zero account (new).
func (s *Services) targetAccount(ctx context.Context, tx store.Store, orgID, accountID, teamUUID string) (domain.CloudAccount, error) {
	if accountID == "" {
		return s.existingAccount(ctx, tx, orgID, teamUUID)
	}
	acct, err := tx.GetCloudAccount(ctx, store.GetCloudAccountParams{OrgID: orgID, ID: accountID})
	if err != nil {
		return acct, fmt.Errorf("reconnect: %w", err)
	}
	if acct.TeamUUID != "" && acct.TeamUUID != teamUUID {
		return acct, NewProblem(CodeReconnectWrongTeam, fmt.Errorf("authorized team %s, account is team %s", teamUUID, acct.TeamUUID))
	}
	return acct, nil
}

// existingAccount finds the organization's account for a DigitalOcean team, or returns a zero account.
func (s *Services) existingAccount(ctx context.Context, tx store.Store, orgID, teamUUID string) (domain.CloudAccount, error) {
	if teamUUID == "" {
		return domain.CloudAccount{}, nil
	}
	acct, err := tx.FindCloudAccountByTeam(ctx, store.FindCloudAccountByTeamParams{OrgID: orgID, Provider: domain.ProviderDigitalOcean, TeamUUID: teamUUID})
	if errors.Is(err, domain.ErrNotFound) {
		return domain.CloudAccount{}, nil
	}
	return acct, err
}

// defaultIfFirst makes a just-connected account its provider's default when the organization
// has none. It runs after the connect committed: two first connections at once may both try,
// and the one that loses (a conflict) simply is not the default. Nothing else fails for it.
func (s *Services) defaultIfFirst(ctx context.Context, acct domain.CloudAccount) domain.CloudAccount {
	all, err := s.d.Store.ListCloudAccounts(ctx, acct.OrgID)
	if err != nil {
		s.d.Logger.WarnContext(ctx, "choose a default account", "org_id", acct.OrgID, "error", err)
		return acct
	}
	for _, other := range all {
		if other.Provider == acct.Provider && other.IsDefault {
			acct.IsDefault = other.ID == acct.ID
			return acct
		}
	}
	err = s.d.Store.SetDefaultCloudAccount(ctx, store.SetDefaultCloudAccountParams{OrgID: acct.OrgID, ID: acct.ID, IsDefault: true, At: s.now()})
	if err != nil {
		s.d.Logger.InfoContext(ctx, "another account became the default first", "org_id", acct.OrgID, "error", err)
		return acct
	}
	acct.IsDefault = true
	return acct
}

func applyAccountInfo(acct *domain.CloudAccount, info provider.AccountInfo) {
	acct.AccountEmail, acct.TeamUUID, acct.TeamName = info.Email, info.TeamUUID, info.TeamName
	acct.Status, acct.StatusMessage = domain.StatusActive, ""
	switch info.Status {
	case "locked":
		acct.Status = domain.StatusError
		acct.StatusMessage = "DigitalOcean has locked this account: " + info.StatusMessage
	case "warning":
		acct.StatusMessage = info.StatusMessage
	}
}

// expiry is when a token that was just issued expires, or nil when it does not.
func (s *Services) expiry(tok provider.Token) *time.Time {
	if tok.ExpiresIn <= 0 {
		return nil
	}
	t := s.now().Add(tok.ExpiresIn)
	return &t
}

// sealCredentials seals the tokens of one account, each bound to its row and field.
func (s *Services) sealCredentials(accountID string, tok provider.Token) (domain.Credentials, error) {
	access, err := s.d.Sealer.Seal([]byte(tok.AccessToken), credentialAAD(accountID, "access_token"))
	if err != nil {
		return domain.Credentials{}, fmt.Errorf("seal access token: %w", err)
	}
	creds := domain.Credentials{AccessTokenSealed: access, ExpiresAt: s.expiry(tok)}
	if tok.RefreshToken != "" {
		creds.RefreshTokenSealed, err = s.d.Sealer.Seal([]byte(tok.RefreshToken), credentialAAD(accountID, "refresh_token"))
		if err != nil {
			return domain.Credentials{}, fmt.Errorf("seal refresh token: %w", err)
		}
	}
	return creds, nil
}

func credentialAAD(accountID, field string) secret.AAD {
	return secret.AAD{Table: "cloud_accounts", RowID: accountID, Field: field}
}

// providerProblem turns a provider failure into what a person can act on; fallback names
// what a refusal means in the calling use case.
func providerProblem(err error, fallback string) error {
	switch domain.ProviderErrorKindOf(err) {
	case "":
		return err
	case domain.ProviderUnavailable:
		return NewProblem(CodeProviderUnreachable, err)
	case domain.ProviderRateLimited:
		return NewProblem(CodeProviderRateLimited, err)
	case domain.ProviderForbidden:
		return NewProblem(CodeInsufficientScope, err)
	default:
		return NewProblem(fallback, err)
	}
}
