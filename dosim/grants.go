package dosim

import (
	"fmt"
	"slices"
	"time"
)

// ExpireToken ends an access token's lifetime now; its refresh token still works.
func (s *Server) ExpireToken(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.st.tokens.access[token]
	if !ok {
		return fmt.Errorf("expire token: access token: %w", ErrNotFound)
	}
	expireAt(at, s.now())
	return nil
}

// ExpireGrant expires every access token of the grant token (access or refresh) belongs to.
func (s *Server) ExpireGrant(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.st.tokens.accessOf(token)
	if !ok {
		return fmt.Errorf("expire grant: token: %w", ErrNotFound)
	}
	for _, t := range s.st.tokens.grantTokens(at) {
		expireAt(t, s.now())
	}
	return nil
}

// RevokeToken revokes an access or refresh token with its pair, as POST /v1/oauth/revoke does.
func (s *Server) RevokeToken(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.tokens.accessOf(token); !ok {
		return fmt.Errorf("revoke token: %w", ErrNotFound)
	}
	s.st.tokens.revoke(token, "", true)
	return nil
}

// RevokeGrant revokes every token of the grant token (access or refresh) belongs to.
func (s *Server) RevokeGrant(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.st.tokens.accessOf(token)
	if !ok {
		return fmt.Errorf("revoke grant: token: %w", ErrNotFound)
	}
	if at.fam == nil {
		at.revoked = true
		return nil
	}
	at.fam.revoked = true
	return nil
}

// DropScope removes scope (as granted, e.g. "write") from the grant of token (access or refresh), refreshes included.
func (s *Server) DropScope(token, scope string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.st.tokens.accessOf(token)
	if !ok {
		return fmt.Errorf("drop scope: token: %w", ErrNotFound)
	}
	if !slices.Contains(at.scopes, scope) {
		return fmt.Errorf("drop scope: the grant has no scope %q (it has %q)", scope, at.scopes)
	}
	for _, t := range s.st.tokens.grantTokens(at) {
		dropScope(t, scope)
	}
	return nil
}

// ExpireGrants expires the access tokens of a team's live OAuth grants (refresh still works) and counts the grants.
func (s *Server) ExpireGrants(teamUUID string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	grants, err := s.st.teamGrants(teamUUID, s.now())
	if err != nil {
		return 0, fmt.Errorf("expire grants: %w", err)
	}
	for _, toks := range grants {
		for _, t := range toks {
			expireAt(t, s.now())
		}
	}
	return len(grants), nil
}

// RevokeGrants revokes every token of a team's live OAuth grants and counts the grants.
func (s *Server) RevokeGrants(teamUUID string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	grants, err := s.st.teamGrants(teamUUID, s.now())
	if err != nil {
		return 0, fmt.Errorf("revoke grants: %w", err)
	}
	for fam := range grants {
		fam.revoked = true
	}
	return len(grants), nil
}

// DropScopeFromGrants removes scope from a team's live OAuth grants and counts those that had it.
func (s *Server) DropScopeFromGrants(teamUUID, scope string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	grants, err := s.st.teamGrants(teamUUID, s.now())
	if err != nil {
		return 0, fmt.Errorf("drop scope from grants: %w", err)
	}
	n := 0
	for _, toks := range grants {
		if slices.ContainsFunc(toks, func(t *accessToken) bool { return slices.Contains(t.scopes, scope) }) {
			n++
		}
		for _, t := range toks {
			dropScope(t, scope)
		}
	}
	return n, nil
}

// expireAt makes an access token stop authenticating at now, unless it already has.
func expireAt(at *accessToken, now time.Time) {
	if at.expiresAt.IsZero() || at.expiresAt.After(now) {
		at.expiresAt = now
	}
}

// dropScope removes a scope from a token, replacing the slice: callers may hold the old one.
func dropScope(at *accessToken, scope string) {
	at.scopes = slices.DeleteFunc(slices.Clone(at.scopes), func(s string) bool { return s == scope })
}

// accessOf returns the access token of a token: itself, or the one a refresh token was issued with.
func (ts *tokenStore) accessOf(token string) (*accessToken, bool) {
	if at, ok := ts.access[token]; ok {
		return at, true
	}
	if rt, ok := ts.refresh[token]; ok {
		at, ok := ts.access[rt.access]
		return at, ok
	}
	return nil, false
}

// grantTokens returns the access tokens of at's grant: its family, or at alone.
func (ts *tokenStore) grantTokens(at *accessToken) []*accessToken {
	if at.fam == nil {
		return []*accessToken{at}
	}
	var out []*accessToken
	for _, t := range ts.access {
		if t.fam == at.fam {
			out = append(out, t)
		}
	}
	return out
}

// teamGrants maps a team's live OAuth grants (a valid access or usable refresh token) to their access tokens.
func (st *state) teamGrants(teamUUID string, now time.Time) (map[*family][]*accessToken, error) {
	if _, err := st.team(teamUUID); err != nil {
		return nil, err
	}
	live := map[*family]bool{}
	for _, rt := range st.tokens.refresh {
		if at, ok := st.tokens.access[rt.access]; ok && at.teamUUID == teamUUID && rt.usable() {
			live[rt.fam] = true
		}
	}
	grants := map[*family][]*accessToken{}
	for _, at := range st.tokens.access {
		if at.personal || at.teamUUID != teamUUID || at.fam.revoked {
			continue
		}
		if live[at.fam] || at.valid(now) {
			grants[at.fam] = append(grants[at.fam], at)
		}
	}
	return grants, nil
}
