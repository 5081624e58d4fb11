// Package app wires Berth together: store, secrets, provider, services, job queue and HTTP server.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/api"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/httpserver"
	"github.com/berth-dev/berth/internal/jobs"
	"github.com/berth-dev/berth/internal/provider/digitalocean"
	"github.com/berth-dev/berth/internal/service"
	"github.com/berth-dev/berth/internal/web"
)

// simPrefix is where sandbox mode serves the built-in DigitalOcean simulator.
const simPrefix = "/_sim"

// App is a configured Berth, ready to serve.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	db       *database
	queue    jobs.Queue
	services *service.Services
	handler  http.Handler
	sim      *dosim.Server // nil unless in sandbox mode
}

// New builds Berth from cfg: it opens and migrates the store, loads the sealing keys, and
// wires everything; nothing runs until Serve.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := cfg.Normalize(); err != nil {
		return nil, err
	}
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a, err := build(cfg, log, db)
	if err != nil {
		db.close()
		return nil, err
	}
	return a, nil
}

func build(cfg config.Config, log *slog.Logger, db *database) (*App, error) {
	sealer, err := loadSealer(cfg, log)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, db: db}
	do := a.digitalOcean()
	a.services = service.New(service.Deps{
		Store: db.store, Sealer: sealer, OAuth: do, Accounts: do, Logger: log,
		SessionTTL: cfg.SessionTTL, OpenSignup: cfg.OpenSignup,
		RefreshWindow: cfg.RefreshWindow, ValidateEvery: cfg.ValidateEvery, ErrorAfter: cfg.ErrorAfter,
	})
	a.queue, err = db.newQueue(jobs.Options{Services: a.services, Logger: log, ScheduleEvery: cfg.CheckEvery, RescueAfter: cfg.RescueAfter})
	if err != nil {
		return nil, err
	}
	a.handler = a.buildHandler()
	return a, nil
}

// digitalOcean returns the provider client: DigitalOcean itself, or in sandbox mode the
// built-in simulator, reached in-process for Berth's own calls and at /_sim by browsers.
func (a *App) digitalOcean() *digitalocean.Client {
	opts := digitalocean.Options{
		OAuthURL: a.cfg.DOOAuthURL, APIURL: a.cfg.DOAPIURL,
		ClientID: a.cfg.DOClientID, ClientSecret: a.cfg.DOClientSecret,
		RedirectURL: a.cfg.RedirectURI(), Scopes: strings.Fields(a.cfg.DOScopes), UserAgent: "berth",
	}
	if a.cfg.Sandbox() {
		client := dosim.Client{ID: "berth-sandbox", Secret: "berth-sandbox-" + randomHex(16), RedirectURI: a.cfg.RedirectURI(), Name: "Berth"}
		a.sim = dosim.New(dosim.Options{BaseURL: a.cfg.PublicURL + simPrefix, Clients: []dosim.Client{client}, Logger: a.log.With("component", "dosim"), Seed: true})
		opts.ClientID, opts.ClientSecret = client.ID, client.Secret
		opts.OAuthURL, opts.APIURL = a.cfg.PublicURL+simPrefix, a.cfg.PublicURL+simPrefix
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: inProcess(http.StripPrefix(simPrefix, a.sim))}
		a.log.Warn("sandbox mode: no BERTH_DO_CLIENT_ID is set, so Berth talks to its built-in DigitalOcean simulator at " + a.cfg.PublicURL + simPrefix)
	}
	return digitalocean.New(opts)
}

func (a *App) buildHandler() http.Handler {
	mounts := map[string]http.Handler{}
	if a.sim != nil {
		mounts[simPrefix] = a.sim
	}
	return httpserver.New(httpserver.Options{
		Logger: a.log,
		Routes: []interface{ Register(*http.ServeMux) }{
			web.New(web.Options{Services: a.services, Logger: a.log, Sandbox: a.cfg.Sandbox(), SecureCookies: a.cfg.SecureCookies(), PublicURL: a.cfg.PublicURL}),
			api.New(a.services, a.log, a.cfg.PublicURL),
		},
		Mounts: mounts,
		Ready:  a.db.ping,
	})
}

// Handler is Berth's whole HTTP surface.
func (a *App) Handler() http.Handler { return a.handler }

// Services are Berth's use cases, for the CLI and tests.
func (a *App) Services() *service.Services { return a.services }

// Simulator is the built-in DigitalOcean simulator in sandbox mode, else nil.
func (a *App) Simulator() *dosim.Server { return a.sim }

// Serve runs the job queue and serves HTTP on ln until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	if err := a.queue.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.log.Info("berth serving", "addr", ln.Addr().String(), "public_url", a.cfg.PublicURL, "sandbox", a.cfg.Sandbox(), "store", a.db.kind)
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	err := errors.Join(srv.Shutdown(shutdownCtx), a.queue.Stop(shutdownCtx))
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return errors.Join(serveErr, err)
}

// Close releases the store, and the sandbox simulator's held requests.
func (a *App) Close() error {
	if a.sim != nil {
		a.sim.Close()
	}
	return a.db.close()
}
