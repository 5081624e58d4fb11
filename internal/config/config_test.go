package config

import (
	"strings"
	"testing"
)

func lookupFrom(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestFromEnvDefaults(t *testing.T) {
	t.Parallel()
	c, err := FromEnv(lookupFrom(nil))
	if err != nil {
		t.Fatalf("FromEnv(empty) error = %v", err)
	}
	if err := c.Normalize(); err != nil {
		t.Fatalf("Normalize() = %v", err)
	}
	if c.PublicURL != "http://127.0.0.1:8080" || !c.Sandbox() || c.UsesPostgres() {
		t.Errorf("defaults = %+v, want public URL from addr, sandbox, SQLite", c)
	}
	if got := c.RedirectURI(); got != "http://127.0.0.1:8080/oauth/digitalocean/callback" {
		t.Errorf("RedirectURI() = %q", got)
	}
}

func TestNormalizeErrorsNameTheSetting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"BERTH_ADDR": "nope"}, "BERTH_ADDR"},
		{map[string]string{"BERTH_PUBLIC_URL": "ftp://x"}, "BERTH_PUBLIC_URL"},
		{map[string]string{"BERTH_DATABASE_URL": "mysql://x"}, "BERTH_DATABASE_URL"},
		{map[string]string{"BERTH_DO_CLIENT_ID": "id"}, "BERTH_DO_CLIENT_SECRET"},
		{map[string]string{"BERTH_DO_CLIENT_ID": "id", "BERTH_DO_CLIENT_SECRET": "s", "BERTH_DO_API_URL": "nope"}, "BERTH_DO_API_URL"},
		{map[string]string{"BERTH_DO_SCOPES": "  "}, "BERTH_DO_SCOPES"},
		{map[string]string{"BERTH_LOG_LEVEL": "loud"}, "BERTH_LOG_LEVEL"},
		{map[string]string{"BERTH_SESSION_TTL": "1s"}, "BERTH_SESSION_TTL"},
		{map[string]string{"BERTH_REFRESH_WINDOW": "0s"}, "BERTH_REFRESH_WINDOW"},
		{map[string]string{"BERTH_CHECK_EVERY": "soon"}, "BERTH_CHECK_EVERY"},
	}
	for _, tt := range tests {
		c, err := FromEnv(lookupFrom(tt.env))
		if err == nil {
			err = c.Normalize()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("config from %v: error = %v, want one naming %s", tt.env, err, tt.want)
		}
	}
	if _, err := FromEnv(lookupFrom(map[string]string{"BERTH_OPEN_SIGNUP": "maybe"})); err == nil {
		t.Errorf("FromEnv(BERTH_OPEN_SIGNUP=maybe) error = nil, want one")
	}
}

func TestRealDigitalOceanDefaults(t *testing.T) {
	t.Parallel()
	c, _ := FromEnv(lookupFrom(map[string]string{"BERTH_DO_CLIENT_ID": "id", "BERTH_DO_CLIENT_SECRET": "s", "BERTH_PUBLIC_URL": "https://berth.example.com/"}))
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	if c.Sandbox() || c.DOOAuthURL != "https://cloud.digitalocean.com" || c.DOAPIURL != "https://api.digitalocean.com" || !c.SecureCookies() || c.PublicURL != "https://berth.example.com" {
		t.Errorf("config = %+v, want DigitalOcean's endpoints and secure cookies", c)
	}
}
