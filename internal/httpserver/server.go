// Package httpserver builds Berth's HTTP handler: routes, middleware, health checks.
package httpserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"
)

// Options are the parts the server puts together.
type Options struct {
	Logger *slog.Logger
	// Routes register the UI and the API on the mux.
	Routes []interface{ Register(*http.ServeMux) }
	// Mounts are extra handlers served under a path prefix outside Berth's middleware
	// chain (the sandbox simulator at /_sim/), which strip their prefix.
	Mounts map[string]http.Handler
	// Ready reports whether the server can serve (the store answers).
	Ready func(context.Context) error
}

// New returns the root handler.
func New(o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	app := http.NewServeMux()
	for _, r := range o.Routes {
		r.Register(app)
	}
	app.HandleFunc("GET /healthz", healthz(o.Ready))
	csrf := http.NewCrossOriginProtection()
	var h http.Handler = csrf.Handler(securityHeaders(app))
	root := http.NewServeMux()
	root.Handle("/", h)
	for prefix, m := range o.Mounts {
		root.Handle(prefix+"/", http.StripPrefix(prefix, m))
	}
	return requestLog(o.Logger, recoverPanics(o.Logger, root))
}

func healthz(ready func(context.Context) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if ready != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := ready(ctx); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"status":"unavailable"}` + "\n"))
				return
			}
		}
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	}
}

// securityHeaders sets a strict content security policy and friends on Berth's own pages.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// requestLog gives each request an id (X-Request-Id) and logs method, path, status and time;
// never the query string, which can carry OAuth codes and states.
func requestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)))
	})
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "handler panicked", "path", r.URL.Path, "panic", v)
				http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
