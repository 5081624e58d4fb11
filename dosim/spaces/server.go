// Package spaces simulates DigitalOcean Spaces: a path-style SigV4 S3 endpoint over gofakes3 that honours Spaces key grants.
package spaces

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Defaults for Options fields left zero.
const (
	DefaultRegion     = "nyc3"
	DefaultMaxBuckets = 100
)

// Options configures a Server. Every field is optional.
type Options struct {
	// Region is the region slug clients sign with (us-east-1 is accepted too). Default: nyc3.
	Region string
	// Now is the clock for signature times and object dates. Default: time.Now.
	Now func() time.Time
	// Logger receives one line per request; secrets and signatures are never logged. Default: discard.
	Logger *slog.Logger
	// MaxBuckets is how many buckets one team may own. Default: 100, as on DigitalOcean.
	MaxBuckets int
}

// Server is the Spaces S3 endpoint, an http.Handler. It is safe for concurrent use.
type Server struct {
	keys       Keys
	region     string
	now        func() time.Time
	log        *slog.Logger
	maxBuckets int
	backend    *s3mem.Backend
	fake       http.Handler
	buckets    registry
	nextID     atomic.Uint64
}

// New returns an empty Spaces endpoint that accepts the keys keys knows.
func New(keys Keys, opts Options) *Server {
	s := &Server{keys: keys, region: opts.Region, now: opts.Now, log: opts.Logger,
		maxBuckets: opts.MaxBuckets, buckets: registry{buckets: map[string]bucketInfo{}}}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.maxBuckets <= 0 {
		s.maxBuckets = DefaultMaxBuckets
	}
	clock := clock(s.now)
	s.backend = s3mem.New(s3mem.WithTimeSource(clock))
	s.fake = gofakes3.New(s.backend, gofakes3.WithTimeSource(clock), gofakes3.WithTimeSkewLimit(0),
		gofakes3.WithLogger(fakeLogger{s.log})).Server()
	return s
}

// ServeHTTP authenticates, authorizes and answers one S3 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, s.newRequestID()))
	w.Header().Set("X-Amz-Request-Id", requestID(r))
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	key, err := s.serve(sw, r)
	if err != nil {
		s.writeError(sw, r, err)
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "spaces request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
		slog.String("access_key", key.AccessKey), slog.String("request_id", requestID(r)))
}

// serve answers r, or returns the error to answer with, and the key that signed r.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) (Key, *apiError) {
	chk := &bodyCheck{}
	key, err := s.authenticate(r, chk)
	if err != nil {
		return Key{}, err
	}
	op, err := classify(r)
	if err == nil {
		err = s.authorize(key, op)
	}
	if err != nil {
		return key, err
	}
	switch op.kind {
	case opListBuckets:
		s.listBuckets(w, key)
	case opCreateBucket:
		err = s.createBucket(w, r, key, op.bucket)
	case opDeleteBucket:
		err = s.deleteBucket(w, op.bucket)
	case opLocation:
		err = s.location(w, op.bucket)
	default:
		s.fake.ServeHTTP(&guardWriter{ResponseWriter: w, s: s, r: r, check: chk}, r)
	}
	return key, err
}

type requestIDKey struct{}

// requestID returns the id ServeHTTP gave the request.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

func (s *Server) newRequestID() string {
	return fmt.Sprintf("tx%016x-%s", s.nextID.Add(1), s.region)
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

// clock adapts Options.Now to gofakes3's TimeSource.
type clock func() time.Time

func (c clock) Now() time.Time                  { return c().UTC() }
func (c clock) Since(t time.Time) time.Duration { return c().Sub(t) }

// fakeLogger sends gofakes3's own log lines to the debug level.
type fakeLogger struct{ log *slog.Logger }

func (l fakeLogger) Print(level gofakes3.LogLevel, v ...any) {
	l.log.Debug("gofakes3", slog.String("level", string(level)), slog.String("msg", fmt.Sprint(v...)))
}
