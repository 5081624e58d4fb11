package app_test

import (
	"bytes"
	"context"
	"github.com/berth-dev/berth/internal/testkit"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"slices"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
	"github.com/berth-dev/berth/internal/app"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/secret"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
)

// engines are the stores every app test runs on.
var engines = []string{"sqlite", "postgres"}

// berth is a running Berth for one test, with everything it said recorded.
type berth struct {
	URL    string
	App    *app.App
	Sim    *dosimtest.Sim // the separate simulator; nil in sandbox mode
	logs   *testkit.LockedBuffer
	bodies *testkit.LockedBuffer // every response body the test's clients read from Berth
	shown  []string              // secrets Berth rightly showed once (a new API key), allowed in bodies
}

type berthOptions struct {
	engine    string
	sandbox   bool
	configure func(*config.Config) // changes the configuration before Berth starts
}

// startBerth runs Berth on a loopback port until the test ends.
func startBerth(t *testing.T, o berthOptions) *berth {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Addr = ln.Addr().String()
	cfg.DataDir = t.TempDir()
	b := &berth{URL: "http://" + cfg.Addr, logs: &testkit.LockedBuffer{}, bodies: &testkit.LockedBuffer{}}
	if o.engine == "postgres" {
		cfg.DatabaseURL = pgtest.URL(t)
		key, _ := secret.GenerateKey("t1")
		cfg.SecretKeys = key.Encode()
	}
	if !o.sandbox {
		redirect := b.URL + "/oauth/digitalocean/callback"
		b.Sim = dosimtest.Start(t, dosim.Options{Seed: true, Clients: []dosim.Client{{ID: "berth-test", Secret: "test-secret", RedirectURI: redirect, Name: "Berth"}}})
		cfg.DOClientID, cfg.DOClientSecret = "berth-test", "test-secret"
		cfg.DOOAuthURL, cfg.DOAPIURL = b.Sim.URL, b.Sim.URL
	}
	if o.configure != nil {
		o.configure(&cfg)
	}
	log := slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	b.App, err = app.New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("app.New() = %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- b.App.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve() = %v", err)
		}
		b.App.Close()
		assertNoSecrets(t, "logs", b.logs.String())
		assertNoSecrets(t, "responses", b.bodies.String(), b.shown...)
	})
	return b
}

// client returns a browser-like client with its own cookies, recording response bodies.
func (b *berth) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: recordingTransport{b.bodies}}
}

type recordingTransport struct{ into *testkit.LockedBuffer }

func (rt recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	rt.into.Write(body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// tokenPattern matches DigitalOcean tokens of every kind, Berth API keys and webhook secrets.
var tokenPattern = regexp.MustCompile(`do[opr]_v1_[0-9a-f]{16,}|berth_[A-Za-z0-9_-]{30,}|whsec_[A-Za-z0-9_-]{20,}`)

// assertNoSecrets fails when text holds a token or key other than the allowed ones.
func assertNoSecrets(t *testing.T, where, text string, allowed ...string) {
	t.Helper()
	for _, m := range tokenPattern.FindAllString(text, -1) {
		if !slices.Contains(allowed, m) {
			t.Errorf("%s contain a secret %q…", where, m[:12])
		}
	}
}
