package dosim

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Token prefixes, as DigitalOcean issues them.
const (
	personalTokenPrefix = "dop_v1_"
	accessTokenPrefix   = "doo_v1_"
	refreshTokenPrefix  = "dor_v1_"
	codeTTL             = 10 * time.Minute
)

// family links every token descended from one authorization code, so that a replayed
// code can revoke them all (RFC 6749 section 4.1.2).
type family struct{ revoked bool }

// accessToken is an OAuth access token or a personal access token.
type accessToken struct {
	personal  bool
	clientID  string
	userUUID  string
	teamUUID  string
	scopes    []string
	createdAt time.Time
	expiresAt time.Time // zero: never expires
	revoked   bool
	refresh   string // the refresh token issued with it (OAuth only)
	fam       *family
}

// valid reports whether the token still authenticates at now.
func (t *accessToken) valid(now time.Time) bool {
	if t.revoked || (t.fam != nil && t.fam.revoked) {
		return false
	}
	return t.expiresAt.IsZero() || now.Before(t.expiresAt)
}

// refreshToken is a single-use OAuth refresh token.
type refreshToken struct {
	clientID string
	access   string // the access token issued with it
	used     bool
	revoked  bool
	fam      *family
}

// usable reports whether the token may still be exchanged.
func (t *refreshToken) usable() bool {
	return !t.used && !t.revoked && !t.fam.revoked
}

// authCode is a single-use authorization code.
type authCode struct {
	clientID    string
	redirectURI string
	challenge   string
	method      string
	scopes      []string
	userUUID    string
	teamUUID    string
	expiresAt   time.Time
	used        bool
	fam         *family
}

// GrantCounts counts the token requests one client made, by grant type and outcome.
type GrantCounts struct {
	AuthorizationCode         int // authorization_code grants that issued tokens
	AuthorizationCodeRejected int // authorization_code grants answered with an error
	RefreshToken              int // refresh_token grants that issued tokens
	RefreshTokenRejected      int // refresh_token grants answered with an error
}

// tokenStore holds codes and tokens. Server.mu guards it.
type tokenStore struct {
	access  map[string]*accessToken
	refresh map[string]*refreshToken
	codes   map[string]*authCode
	grants  map[string]*GrantCounts
}

func newTokenStore() tokenStore {
	return tokenStore{
		access:  map[string]*accessToken{},
		refresh: map[string]*refreshToken{},
		codes:   map[string]*authCode{},
		grants:  map[string]*GrantCounts{},
	}
}

// counts returns the grant counters of a client, creating them on first use.
func (ts *tokenStore) counts(clientID string) *GrantCounts {
	c, ok := ts.grants[clientID]
	if !ok {
		c = &GrantCounts{}
		ts.grants[clientID] = c
	}
	return c
}

// pruneCodes forgets codes that expired more than a code lifetime ago; until then a
// replayed code is still recognised and revokes its tokens.
func (ts *tokenStore) pruneCodes(now time.Time) {
	for k, c := range ts.codes {
		if now.Sub(c.expiresAt) > codeTTL {
			delete(ts.codes, k)
		}
	}
}

// issuedPair is what a successful grant hands out.
type issuedPair struct {
	access  string
	refresh string
}

// issuePair creates an access token and its refresh token.
func (ts *tokenStore) issuePair(clientID, userUUID, teamUUID string, scopes []string, fam *family, now time.Time, ttl time.Duration) issuedPair {
	a := accessTokenPrefix + randomHex(32)
	r := refreshTokenPrefix + randomHex(32)
	at := &accessToken{
		clientID: clientID, userUUID: userUUID, teamUUID: teamUUID, scopes: scopes,
		createdAt: now, expiresAt: now.Add(ttl), refresh: r, fam: fam,
	}
	ts.access[a] = at
	ts.refresh[r] = &refreshToken{clientID: clientID, access: a, fam: fam}
	return issuedPair{access: a, refresh: r}
}

// revoke revokes an access or refresh token together with its pair. Only tokens of
// clientID are revoked, and personal access tokens only when held is true (the caller
// presented the token itself).
func (ts *tokenStore) revoke(token, clientID string, held bool) {
	if at, ok := ts.access[token]; ok && (held || (!at.personal && at.clientID == clientID)) {
		at.revoked = true
		if rt, ok := ts.refresh[at.refresh]; ok {
			rt.revoked = true
		}
		return
	}
	if rt, ok := ts.refresh[token]; ok && (held || rt.clientID == clientID) {
		rt.revoked = true
		if at, ok := ts.access[rt.access]; ok {
			at.revoked = true
		}
	}
}

// AddPersonalToken adds a personal access token (dop_v1_...) that never expires, acting
// as userUUID within teamUUID. Nil scopes mean full access ("read write").
func (s *Server) AddPersonalToken(token, teamUUID, userUUID string, scopes []string) error {
	if !strings.HasPrefix(token, personalTokenPrefix) || len(token) <= len(personalTokenPrefix) {
		return errors.New("add personal token: a personal access token starts with dop_v1_")
	}
	if scopes == nil {
		scopes = []string{"read", "write"}
	}
	parsed, err := parseScopes(strings.Join(scopes, " "))
	if err != nil {
		return fmt.Errorf("add personal token: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.st.isMember(teamUUID, userUUID) {
		return fmt.Errorf("add personal token: user %q in team %q: %w", userUUID, teamUUID, ErrNotFound)
	}
	s.st.tokens.access[token] = &accessToken{
		personal: true, userUUID: userUUID, teamUUID: teamUUID,
		scopes: parsed, createdAt: s.now(),
	}
	return nil
}

// TokenGrants returns the token requests a client has made so far.
func (s *Server) TokenGrants(clientID string) GrantCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.st.tokens.grants[clientID]; ok {
		return *c
	}
	return GrantCounts{}
}

// caller is the authenticated party behind an API request.
type caller struct {
	token         string
	scopes        []string
	user          User
	team          Team
	status        string // account status: active, warning or locked
	statusMessage string
}

// authenticate resolves a bearer token to its caller, or reports false when the token is
// unknown, expired or revoked.
func (s *Server) authenticate(token string) (caller, bool) {
	if token == "" {
		return caller{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.st.tokens.access[token]
	if !ok || !at.valid(s.now()) {
		return caller{}, false
	}
	u, uok := s.st.users[at.userUUID]
	t, tok := s.st.teams[at.teamUUID]
	if !uok || !tok {
		return caller{}, false
	}
	return caller{token: token, scopes: at.scopes, user: *u, team: t.Team,
		status: cmp.Or(t.status, statusActive), statusMessage: t.statusMessage}, true
}

// bearerToken returns the token of an "Authorization: Bearer" header, or "".
func bearerToken(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
