// Package dosim simulates DigitalOcean's OAuth endpoints and API v2 as an in-memory http.Handler.
package dosim

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for Options fields left zero.
const (
	DefaultAccessTokenTTL     = 30 * 24 * time.Hour
	DefaultRateLimitPerHour   = 5000
	DefaultRateLimitPerMinute = 250
	DefaultDropletActiveAfter = 30 * time.Second
)

// Options configures a Server. Every field is optional.
type Options struct {
	// BaseURL is the absolute URL prefix the simulator is reached at (for example
	// http://127.0.0.1:8080/_sim when mounted with http.StripPrefix). Every absolute URL
	// the simulator generates starts with it. Default: scheme://host of each request.
	BaseURL string
	// Clients are the registered OAuth applications. More can be added with RegisterClient.
	Clients []Client
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// AccessTokenTTL is how long an OAuth access token lives. Default: 30 days.
	AccessTokenTTL time.Duration
	// Logger receives one line per request; token values are never logged. Default: discard.
	Logger *slog.Logger
	// Seed starts the simulator with believable data: see the Seed* constants in seed.go.
	// Default false: empty except what the caller adds.
	Seed bool
	// RateLimitPerHour is the number of API requests a token may make in any hour. Default: 5000.
	RateLimitPerHour int
	// RateLimitPerMinute is the number of API requests a token may make in any minute. Default: 250.
	RateLimitPerMinute int
	// DropletActiveAfter is how long a created Droplet stays "new" before it turns "active",
	// gets its public IPv4 and its create action completes. Default: 30s.
	DropletActiveAfter time.Duration
	// FreshDropletNotFound, when positive, makes GET /v2/droplets/{id} answer 404 for that
	// long after the Droplet was created, as DigitalOcean sometimes does. Default 0: off.
	FreshDropletNotFound time.Duration
	// Latency is added (in real time) to every API v2 request, for benchmarks. Default: none.
	// SetLatency changes it while the simulator runs.
	Latency time.Duration
	// Admin serves the fault controls over HTTP under /_admin/ (see admin.go). Default false:
	// /_admin/ answers 404, so a simulator exposed for sandbox use cannot be tampered with.
	Admin bool
}

// Server is the simulator. It is safe for concurrent use.
type Server struct {
	baseURL  string
	now      func() time.Time
	tokenTTL time.Duration
	log      *slog.Logger
	limiter  *rateLimiter
	mux      *http.ServeMux

	activeAfter   time.Duration
	freshNotFound time.Duration
	baseLatency   time.Duration // Options.Latency, restored by ClearFaults
	latency       atomic.Int64  // the added latency now, a time.Duration
	admin         bool

	faults    *faults
	closed    chan struct{} // closed by Close: releases every waiting request
	closeOnce sync.Once

	mu sync.Mutex
	st *state
}

// New returns a simulator configured by opts.
func New(opts Options) *Server {
	s := &Server{
		baseURL:  strings.TrimSuffix(opts.BaseURL, "/"),
		now:      opts.Now,
		tokenTTL: opts.AccessTokenTTL,
		log:      opts.Logger,
		limiter:  newRateLimiter(opts.RateLimitPerHour, opts.RateLimitPerMinute),
		st:       newState(),

		activeAfter:   opts.DropletActiveAfter,
		freshNotFound: opts.FreshDropletNotFound,
		baseLatency:   opts.Latency,
		admin:         opts.Admin,
		faults:        newFaults(),
		closed:        make(chan struct{}),
	}
	s.latency.Store(int64(opts.Latency))
	if s.activeAfter <= 0 {
		s.activeAfter = DefaultDropletActiveAfter
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.tokenTTL <= 0 {
		s.tokenTTL = DefaultAccessTokenTTL
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for _, c := range opts.Clients {
		s.RegisterClient(c)
	}
	if opts.Seed {
		s.seed()
	}
	s.mux = s.routes()
	return s
}

// routes builds the top-level mux: OAuth endpoints, API v2, the admin endpoint when enabled,
// and a plain 404 for the rest.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/oauth/authorize", s.handleAuthorizeForm)
	mux.HandleFunc("POST /v1/oauth/authorize", s.handleAuthorizeDecision)
	mux.HandleFunc("POST /v1/oauth/token", s.handleToken)
	mux.HandleFunc("POST /v1/oauth/revoke", s.handleRevoke)
	mux.HandleFunc("GET /v1/oauth/token/info", s.handleTokenInfo)
	mux.Handle("/v2/", s.apiHandler())
	mux.Handle("/v2", s.apiHandler())
	if s.admin {
		s.adminRoutes(mux)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "404 page not found", http.StatusNotFound)
	})
	return mux
}

// ServeHTTP answers one request, tagging it with a request id and logging it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := newUUID()
	w.Header().Set("X-Request-Id", id)
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.mux.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "dosim request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", sw.status), slog.String("request_id", id))
}

// Close releases every request a fault or latency holds back, now and later; call it before closing the HTTP server.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
}

// externalURL returns the absolute URL of path (a path as the simulator sees it).
func (s *Server) externalURL(r *http.Request, path string) string {
	if s.baseURL != "" {
		return s.baseURL + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

type requestIDKey struct{}

// requestID returns the id ServeHTTP gave the request.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// statusWriter remembers the status code for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
