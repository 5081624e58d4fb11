package dosim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Operation is one API v2 operation the simulator implements.
type Operation struct {
	Method string // GET, POST, PUT, PATCH or DELETE
	Path   string // as in DigitalOcean's API description, e.g. /v2/domains/{domain_name}
	Scope  string // the granular scope the operation requires, e.g. domain:read
}

// apiRoute binds an operation to its handler.
type apiRoute struct {
	Operation
	handle func(w http.ResponseWriter, r *http.Request, c caller)
}

// apiRoutes is the table of implemented API v2 operations. Add a resource by adding its
// operations here and its handlers in a file of its own.
func apiRoutes(s *Server) []apiRoute {
	return []apiRoute{
		{Operation{http.MethodGet, "/v2/account", "account:read"}, s.getAccount},
		{Operation{http.MethodGet, "/v2/droplets", "droplet:read"}, s.listDroplets},
		{Operation{http.MethodGet, "/v2/domains", "domain:read"}, s.listDomains},
		{Operation{http.MethodPost, "/v2/domains", "domain:create"}, s.createDomain},
		{Operation{http.MethodGet, "/v2/spaces/keys", "spaces_key:read"}, s.listSpacesKeys},
		{Operation{http.MethodPost, "/v2/spaces/keys", "spaces_key:create_credentials"}, s.createSpacesKey},
	}
}

// Operations lists the API v2 operations the simulator implements.
func Operations() []Operation {
	var out []Operation
	for _, rt := range apiRoutes(nil) {
		out = append(out, rt.Operation)
	}
	return out
}

type callerKey struct{}

// apiHandler authenticates, rate-limits and routes API v2 requests.
func (s *Server) apiHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range apiRoutes(s) {
		mux.Handle(rt.Method+" "+rt.Path, s.scoped(rt))
	}
	mux.HandleFunc("/", notFound)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.authenticate(bearerToken(r))
		if !ok {
			s.unauthenticatedHeaders(w.Header())
			writeAPIError(w, r, http.StatusUnauthorized, "unauthorized", msgUnauthorized)
			return
		}
		st := s.limiter.take(c.token, s.now())
		st.writeHeaders(w.Header())
		if !st.allowed {
			writeAPIError(w, r, http.StatusTooManyRequests, "too_many_requests", msgRateLimited)
			return
		}
		mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	})
}

// scoped wraps a route handler with the scope check: 403 when the token lacks the scope.
func (s *Server) scoped(rt apiRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Context().Value(callerKey{}).(caller)
		if !scopeAllows(c.scopes, rt.Scope) {
			writeAPIError(w, r, http.StatusForbidden, "forbidden", msgForbidden)
			return
		}
		rt.handle(w, r, c)
	})
}

// unauthenticatedHeaders reports an untouched allowance: requests without a valid token
// are not counted against any token.
func (s *Server) unauthenticatedHeaders(h http.Header) {
	h.Set("Ratelimit-Limit", strconv.Itoa(s.limiter.perHour))
	h.Set("Ratelimit-Remaining", strconv.Itoa(s.limiter.perHour))
	h.Set("Ratelimit-Reset", strconv.FormatInt(s.now().Unix(), 10))
}

// maxBodyBytes bounds request bodies.
const maxBodyBytes = 1 << 20

// decodeBody parses a JSON request body into v, answering 400 when it cannot.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		badRequest(w, r, msgBadBody)
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil || json.Unmarshal(body, v) != nil {
		badRequest(w, r, msgBadBody)
		return false
	}
	return true
}
