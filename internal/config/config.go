// Package config holds Berth's one Config struct: every setting, its BERTH_* variable and its default.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting Berth reads. Each field names its environment variable and default;
// flags of the same name (lower-case, dashes) override the environment.
type Config struct {
	// Addr is the listen address of `berth serve` (BERTH_ADDR, default 127.0.0.1:8080).
	Addr string
	// PublicURL is the URL people reach Berth at; redirect URIs and links are built from it
	// (BERTH_PUBLIC_URL, default "http://" + Addr).
	PublicURL string
	// DataDir holds the embedded SQLite database and generated keys (BERTH_DATA_DIR, default ./berth-data).
	DataDir string
	// DatabaseURL selects PostgreSQL when it is a postgres:// URL; empty means SQLite in DataDir
	// (BERTH_DATABASE_URL, default empty).
	DatabaseURL string
	// SecretKeys seals tokens: comma-separated ID:BASE64_OF_32_BYTES, the first seals, all open
	// (BERTH_SECRET_KEYS; default empty, which only the embedded SQLite store may fill by
	// generating a key file in DataDir).
	SecretKeys string
	// DOClientID and DOClientSecret are Berth's DigitalOcean OAuth application
	// (BERTH_DO_CLIENT_ID, BERTH_DO_CLIENT_SECRET; default empty, which means sandbox mode:
	// Berth runs its built-in DigitalOcean simulator and talks to it).
	DOClientID     string
	DOClientSecret string
	// DOOAuthURL is where DigitalOcean's OAuth endpoints live (BERTH_DO_OAUTH_URL,
	// default https://cloud.digitalocean.com; in sandbox mode the built-in simulator).
	DOOAuthURL string
	// DOAPIURL is DigitalOcean's API base URL (BERTH_DO_API_URL, default https://api.digitalocean.com;
	// in sandbox mode the built-in simulator).
	DOAPIURL string
	// DOScopes are the OAuth scopes Berth asks for, space-separated (BERTH_DO_SCOPES, default "read write").
	DOScopes string
	// OpenSignup lets anyone create a new organization; when false only the very first visitor
	// may sign up (BERTH_OPEN_SIGNUP, default false).
	OpenSignup bool
	// SessionTTL is how long a browser session lasts (BERTH_SESSION_TTL, default 336h).
	SessionTTL time.Duration
	// RefreshWindow: OAuth tokens expiring within it are refreshed ahead of time
	// (BERTH_REFRESH_WINDOW, default 168h).
	RefreshWindow time.Duration
	// ValidateEvery is how often every connection is re-validated at the least
	// (BERTH_VALIDATE_EVERY, default 24h).
	ValidateEvery time.Duration
	// ErrorAfter is how long DigitalOcean may fail to answer for a connection before it shows
	// Error; shorter outages leave its status alone (BERTH_ERROR_AFTER, default 72h).
	ErrorAfter time.Duration
	// RescueAfter is how long a job that a crashed or killed process was running waits before
	// another process takes it over (BERTH_RESCUE_AFTER, default 5m).
	RescueAfter time.Duration
	// CheckEvery is how often Berth looks for connections due a refresh or a validation
	// (BERTH_CHECK_EVERY, default 5m).
	CheckEvery time.Duration
	// LogLevel is debug, info, warn or error (BERTH_LOG_LEVEL, default info).
	LogLevel string
}

// Default returns the configuration with every default filled in.
func Default() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       "./berth-data",
		DOScopes:      "read write",
		SessionTTL:    14 * 24 * time.Hour,
		RefreshWindow: 7 * 24 * time.Hour,
		ValidateEvery: 24 * time.Hour,
		ErrorAfter:    72 * time.Hour,
		RescueAfter:   5 * time.Minute,
		CheckEvery:    5 * time.Minute,
		LogLevel:      "info",
	}
}

// FromEnv returns Default overridden by the BERTH_* variables that lookup finds.
func FromEnv(lookup func(string) (string, bool)) (Config, error) {
	c := Default()
	strs := map[string]*string{
		"BERTH_ADDR": &c.Addr, "BERTH_PUBLIC_URL": &c.PublicURL, "BERTH_DATA_DIR": &c.DataDir,
		"BERTH_DATABASE_URL": &c.DatabaseURL, "BERTH_SECRET_KEYS": &c.SecretKeys,
		"BERTH_DO_CLIENT_ID": &c.DOClientID, "BERTH_DO_CLIENT_SECRET": &c.DOClientSecret,
		"BERTH_DO_OAUTH_URL": &c.DOOAuthURL, "BERTH_DO_API_URL": &c.DOAPIURL,
		"BERTH_DO_SCOPES": &c.DOScopes, "BERTH_LOG_LEVEL": &c.LogLevel,
	}
	for name, field := range strs {
		if v, ok := lookup(name); ok {
			*field = strings.TrimSpace(v)
		}
	}
	var errs []error
	if v, ok := lookup("BERTH_OPEN_SIGNUP"); ok {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("BERTH_OPEN_SIGNUP: want true or false, got %q", v))
		}
		c.OpenSignup = b
	}
	durations := map[string]*time.Duration{
		"BERTH_SESSION_TTL": &c.SessionTTL, "BERTH_REFRESH_WINDOW": &c.RefreshWindow,
		"BERTH_VALIDATE_EVERY": &c.ValidateEvery, "BERTH_CHECK_EVERY": &c.CheckEvery, "BERTH_ERROR_AFTER": &c.ErrorAfter, "BERTH_RESCUE_AFTER": &c.RescueAfter,
	}
	for name, field := range durations {
		if v, ok := lookup(name); ok {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: want a duration such as 24h or 5m, got %q", name, v))
			}
			*field = d
		}
	}
	return c, errors.Join(errs...)
}

// FromOS is FromEnv over the process environment.
func FromOS() (Config, error) { return FromEnv(os.LookupEnv) }

// Sandbox reports whether Berth runs against its built-in DigitalOcean simulator.
func (c Config) Sandbox() bool { return c.DOClientID == "" }

// UsesPostgres reports whether DatabaseURL selects PostgreSQL.
func (c Config) UsesPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// Normalize fills derived defaults and validates; each message names the setting.
func (c *Config) Normalize() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("BERTH_ADDR: want host:port, got %q", c.Addr))
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if err := checkHTTPURL(c.PublicURL); err != nil {
		errs = append(errs, fmt.Errorf("BERTH_PUBLIC_URL: %w", err))
	}
	if c.DatabaseURL != "" && !c.UsesPostgres() {
		errs = append(errs, fmt.Errorf("BERTH_DATABASE_URL: want a postgres:// URL or nothing (SQLite in BERTH_DATA_DIR)"))
	}
	if c.DOClientID != "" && c.DOClientSecret == "" {
		errs = append(errs, errors.New("BERTH_DO_CLIENT_SECRET: required when BERTH_DO_CLIENT_ID is set"))
	}
	errs = append(errs, c.normalizeDOURLs()...)
	if len(strings.Fields(c.DOScopes)) == 0 {
		errs = append(errs, errors.New("BERTH_DO_SCOPES: want at least one scope, such as \"read write\""))
	}
	if c.SessionTTL < time.Minute {
		errs = append(errs, fmt.Errorf("BERTH_SESSION_TTL: want at least 1m, got %s", c.SessionTTL))
	}
	for name, d := range map[string]time.Duration{"BERTH_REFRESH_WINDOW": c.RefreshWindow, "BERTH_VALIDATE_EVERY": c.ValidateEvery, "BERTH_CHECK_EVERY": c.CheckEvery, "BERTH_ERROR_AFTER": c.ErrorAfter, "BERTH_RESCUE_AFTER": c.RescueAfter} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a positive duration, got %s", name, d))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("BERTH_LOG_LEVEL: want debug, info, warn or error, got %q", c.LogLevel))
	}
	return errors.Join(errs...)
}

func (c *Config) normalizeDOURLs() []error {
	if c.Sandbox() {
		return nil // the app points these at the built-in simulator
	}
	if c.DOOAuthURL == "" {
		c.DOOAuthURL = "https://cloud.digitalocean.com"
	}
	if c.DOAPIURL == "" {
		c.DOAPIURL = "https://api.digitalocean.com"
	}
	c.DOOAuthURL = strings.TrimRight(c.DOOAuthURL, "/")
	c.DOAPIURL = strings.TrimRight(c.DOAPIURL, "/")
	var errs []error
	if err := checkHTTPURL(c.DOOAuthURL); err != nil {
		errs = append(errs, fmt.Errorf("BERTH_DO_OAUTH_URL: %w", err))
	}
	if err := checkHTTPURL(c.DOAPIURL); err != nil {
		errs = append(errs, fmt.Errorf("BERTH_DO_API_URL: %w", err))
	}
	return errs
}

// RedirectURI is the one OAuth callback Berth registers with DigitalOcean.
func (c Config) RedirectURI() string { return c.PublicURL + "/oauth/digitalocean/callback" }

// SecureCookies reports whether cookies get the Secure flag (PublicURL is https).
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an http:// or https:// URL, got %q", raw)
	}
	return nil
}
