// Package dosimtest runs the DigitalOcean simulator in tests and checks every API v2 exchange against DigitalOcean's OpenAPI description.
package dosimtest

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/berth-dev/berth/dosim"
)

// openapiJSON is DigitalOcean's public API description (Apache-2.0, see info.license),
// bundled into one file with its prose removed.
//
//go:embed openapi.json
var openapiJSON []byte

// maxMessage bounds a reported kin-openapi message; schema dumps can be long.
const maxMessage = 4000

var (
	loadOnce  sync.Once
	loadedDoc *openapi3.T
	docRouter routers.Router
	loadErr   error
)

// Document returns DigitalOcean's API description, loaded once per process. Its servers
// are removed so that routes match any host. Callers must not modify it.
func Document() (*openapi3.T, error) {
	loadOnce.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(openapiJSON)
		if err != nil {
			loadErr = fmt.Errorf("load DigitalOcean API description: %w", err)
			return
		}
		doc.Servers = nil
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			loadErr = fmt.Errorf("route DigitalOcean API description: %w", err)
			return
		}
		loadedDoc, docRouter = doc, r
	})
	return loadedDoc, loadErr
}

// Options changes how the harness judges the exchanges of one simulator.
type Options struct {
	// AllowInvalidRequests is for tests that send requests the description does not allow,
	// on purpose. Such a request is recorded (see InvalidRequests) instead of reported, and
	// the simulator must refuse it with a 4xx status, as DigitalOcean would: answering it
	// with any other status is reported as a violation. Responses are validated as usual.
	AllowInvalidRequests bool
}

// Sim is a simulator served by an httptest server whose API v2 traffic is validated.
type Sim struct {
	URL string // base URL of the server, e.g. http://127.0.0.1:41234
	*dosim.Server

	t          testing.TB
	opts       Options
	ts         *httptest.Server
	mu         sync.Mutex
	violations []string
	invalid    []string
}

// Start serves a new simulator for the rest of the test. Every /v2 request and response
// is checked against DigitalOcean's API description, and every violation is reported with
// t.Errorf. On t.Cleanup the simulator is closed (releasing requests a fault holds back),
// then the server. At most one harness Options may be given.
func Start(t testing.TB, opts dosim.Options, hopts ...Options) *Sim {
	t.Helper()
	if _, err := Document(); err != nil {
		t.Fatalf("dosimtest: %v", err)
	}
	if len(hopts) > 1 {
		t.Fatalf("dosimtest: Start takes at most one Options, got %d", len(hopts))
	}
	sim := &Sim{Server: dosim.New(opts), t: t}
	if len(hopts) == 1 {
		sim.opts = hopts[0]
	}
	sim.ts = httptest.NewServer(sim.validating(sim.Server))
	t.Cleanup(sim.ts.Close)
	t.Cleanup(sim.Server.Close) // runs first: a hanging request must not block ts.Close
	sim.URL = sim.ts.URL
	return sim
}

// Client returns an HTTP client for the server.
func (s *Sim) Client() *http.Client { return s.ts.Client() }

// Violations returns every violation reported so far.
func (s *Sim) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// InvalidRequests returns the requests the description does not allow that a simulator
// started with AllowInvalidRequests has received, each with the reason.
func (s *Sim) InvalidRequests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.invalid...)
}

// reportRequest records an invalid request: a violation, unless invalid requests are allowed.
func (s *Sim) reportRequest(r *http.Request, err error) {
	if !s.opts.AllowInvalidRequests {
		s.report(r, "request: %v", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalid = append(s.invalid, fmt.Sprintf("%s %s: %v", r.Method, r.URL.Path, err))
}

// report records and reports one violation.
func (s *Sim) report(r *http.Request, format string, args ...any) {
	msg := fmt.Sprintf("dosimtest: %s %s: ", r.Method, r.URL.Path) + fmt.Sprintf(format, args...)
	if len(msg) > maxMessage {
		msg = msg[:maxMessage] + "…"
	}
	s.mu.Lock()
	s.violations = append(s.violations, msg)
	s.mu.Unlock()
	s.t.Errorf("%s", msg)
}

// validating wraps next so that API v2 exchanges are validated.
func (s *Sim) validating(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2" && !strings.HasPrefix(r.URL.Path, "/v2/") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			s.report(r, "read request body: %v", err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		in, reqErr := validateRequest(r, body)
		if reqErr != nil {
			s.reportRequest(r, reqErr)
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if !rec.wrote && r.Context().Err() != nil {
			return // the client gave up before any answer: nothing to judge
		}
		if reqErr != nil && s.opts.AllowInvalidRequests && (rec.status < 400 || rec.status > 499) {
			s.report(r, "the description does not allow this request (%v), yet the simulator answered %d", reqErr, rec.status)
		}
		if in == nil {
			return
		}
		recordCoverage(in.Route, rec.status)
		if err := validateResponse(in, rec.status, w.Header(), rec.body.Bytes()); err != nil {
			s.report(r, "response %d: %v", rec.status, err)
		}
	})
}

// Route is an operation of the description: a method and a path template such as
// /v2/droplets/{droplet_id}.
type Route struct{ Method, Path string }

// coverage is every route the harness has seen answered in this process, with the statuses.
var coverage = struct {
	sync.Mutex
	seen map[Route]map[int]bool
}{seen: map[Route]map[int]bool{}}

// recordCoverage notes that a route was answered with a status.
func recordCoverage(rt *routers.Route, status int) {
	key := Route{Method: rt.Method, Path: rt.Path}
	coverage.Lock()
	defer coverage.Unlock()
	if coverage.seen[key] == nil {
		coverage.seen[key] = map[int]bool{}
	}
	coverage.seen[key][status] = true
}

// Coverage returns, for every route of the description the harness has seen answered in
// this process (by any simulator), the statuses it was answered with, in ascending order.
// A TestMain can compare it with dosim.Operations() after m.Run.
func Coverage() map[Route][]int {
	coverage.Lock()
	defer coverage.Unlock()
	out := make(map[Route][]int, len(coverage.seen))
	for rt, statuses := range coverage.seen {
		for st := range statuses {
			out[rt] = append(out[rt], st)
		}
		slices.Sort(out[rt])
	}
	return out
}

// errUndocumented is returned for requests the description has no operation for.
var errUndocumented = errors.New("no such operation in DigitalOcean's API description")

// ValidateRequest checks one request (with its body) against DigitalOcean's API description.
func ValidateRequest(r *http.Request, body []byte) error {
	_, err := validateRequest(r, body)
	return err
}

// ValidateResponse checks one response to r against DigitalOcean's API description.
// Unlike the harness it does not check the request itself.
func ValidateResponse(r *http.Request, status int, header http.Header, body []byte) error {
	in, err := findRoute(r)
	if err != nil {
		return err
	}
	return validateResponse(in, status, header, body)
}

// findRoute finds the operation for r and prepares its validation input.
func findRoute(r *http.Request) (*openapi3filter.RequestValidationInput, error) {
	if _, err := Document(); err != nil {
		return nil, err
	}
	route, params, err := docRouter.FindRoute(r)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", errUndocumented, err)
	}
	return &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route, Options: validationOptions(),
	}, nil
}

// validateRequest validates r against its operation; the returned input is nil when the
// operation could not be found.
func validateRequest(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	in, err := findRoute(r)
	if err != nil {
		return nil, err
	}
	// Validate a copy so the simulator sees the request exactly as sent (no defaults added).
	cp := r.Clone(r.Context())
	cp.Body = io.NopCloser(bytes.NewReader(body))
	vin := *in
	vin.Request = cp
	return in, openapi3filter.ValidateRequest(context.Background(), &vin)
}

// validateResponse validates one response against the operation found for its request.
func validateResponse(in *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) error {
	var errs []error
	for _, h := range []string{"Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset", "X-Request-Id"} {
		if header.Get(h) == "" {
			errs = append(errs, fmt.Errorf("header %s is missing", h))
		}
	}
	err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: in.Options,
	})
	return errors.Join(append(errs, err)...)
}

// validationOptions are the kin-openapi options the harness uses.
func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		AuthenticationFunc:    requireBearer,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
				"ipv4": openapi3.NewIPValidator(true),
				"ipv6": openapi3.NewIPValidator(false),
				"uuid": openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562),
			}),
		},
	}
}

// requireBearer accepts any request that carries a bearer token; whether the token is
// valid is the simulator's business.
func requireBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, ok := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(token) == "" {
		return errors.New("no bearer token in the Authorization header")
	}
	return nil
}

// recorder passes a response through while keeping a copy of its status and body.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
