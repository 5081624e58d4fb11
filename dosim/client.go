package dosim

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Client is a registered OAuth application.
type Client struct {
	ID          string
	Secret      string
	RedirectURI string // the one callback URL the application may use, compared exactly
	Name        string // shown on the consent page; empty means ID
}

// displayName is the name the consent page shows.
func (c Client) displayName() string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// RegisterClient adds (or replaces) an OAuth application.
func (s *Server) RegisterClient(c Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.clients[c.ID] = c
}

// ParseClientFlag parses "ID:SECRET:REDIRECT_URI". The redirect URI keeps its own colons.
func ParseClientFlag(v string) (Client, error) {
	id, rest, ok1 := strings.Cut(v, ":")
	secret, redirect, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 {
		return Client{}, errors.New("parse client: want ID:SECRET:REDIRECT_URI")
	}
	if id == "" || secret == "" {
		return Client{}, errors.New("parse client: ID and SECRET must not be empty")
	}
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return Client{}, fmt.Errorf("parse client: redirect URI %q is not an absolute URL", redirect)
	}
	if u.Fragment != "" {
		return Client{}, fmt.Errorf("parse client: redirect URI %q must not have a fragment", redirect)
	}
	return Client{ID: id, Secret: secret, RedirectURI: redirect}, nil
}
