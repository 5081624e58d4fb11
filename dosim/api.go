package dosim

import (
	"context"
	"net/http"
	"strconv"
	"time"
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
	const (
		get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	)
	return []apiRoute{
		{Operation{get, "/v2/account", "account:read"}, s.getAccount},
		{Operation{get, "/v2/regions", "regions:read"}, s.listRegions},
		{Operation{get, "/v2/sizes", "sizes:read"}, s.listSizes},
		{Operation{get, "/v2/images", "image:read"}, s.listImages},
		{Operation{get, "/v2/account/keys", "ssh_key:read"}, s.listSSHKeys},
		{Operation{post, "/v2/account/keys", "ssh_key:create"}, s.createSSHKey},
		{Operation{get, "/v2/account/keys/{ssh_key_identifier}", "ssh_key:read"}, s.getSSHKey},
		{Operation{del, "/v2/account/keys/{ssh_key_identifier}", "ssh_key:delete"}, s.deleteSSHKey},
		{Operation{get, "/v2/droplets", "droplet:read"}, s.listDroplets},
		{Operation{post, "/v2/droplets", "droplet:create"}, s.createDroplets},
		{Operation{del, "/v2/droplets", "droplet:delete"}, s.deleteDropletsByTag},
		{Operation{get, "/v2/droplets/{droplet_id}", "droplet:read"}, s.getDroplet},
		{Operation{del, "/v2/droplets/{droplet_id}", "droplet:delete"}, s.deleteDroplet},
		{Operation{get, "/v2/actions/{action_id}", "actions:read"}, s.getAction},
		{Operation{get, "/v2/domains", "domain:read"}, s.listDomains},
		{Operation{post, "/v2/domains", "domain:create"}, s.createDomain},
		{Operation{get, "/v2/domains/{domain_name}", "domain:read"}, s.getDomain},
		{Operation{get, "/v2/domains/{domain_name}/records", "domain:read"}, s.listRecords},
		{Operation{post, "/v2/domains/{domain_name}/records", "domain:create"}, s.createRecord},
		{Operation{get, "/v2/domains/{domain_name}/records/{domain_record_id}", "domain:read"}, s.getRecord},
		{Operation{put, "/v2/domains/{domain_name}/records/{domain_record_id}", "domain:update"}, s.updateRecord},
		{Operation{patch, "/v2/domains/{domain_name}/records/{domain_record_id}", "domain:update"}, s.updateRecord},
		{Operation{del, "/v2/domains/{domain_name}/records/{domain_record_id}", "domain:delete"}, s.deleteRecord},
		{Operation{get, "/v2/spaces/keys", "spaces_key:read"}, s.listSpacesKeys},
		{Operation{post, "/v2/spaces/keys", "spaces_key:create_credentials"}, s.createSpacesKey},
		{Operation{get, "/v2/spaces/keys/{access_key}", "spaces_key:read"}, s.getSpacesKey},
		{Operation{del, "/v2/spaces/keys/{access_key}", "spaces_key:delete"}, s.deleteSpacesKey},
		{Operation{get, "/v2/customers/my/balance", "billing:read"}, s.getBalance},
		{Operation{get, "/v2/customers/my/billing_history", "billing:read"}, s.listBillingHistory},
		{Operation{get, "/v2/monitoring/metrics/droplet/cpu", "monitoring:read"}, s.getDropletCPU},
		{Operation{get, "/v2/volumes", "block_storage:read"}, s.listInventory(KindVolumes)},
		{Operation{get, "/v2/databases", "database:read"}, s.listInventory(KindDatabases)},
		{Operation{get, "/v2/kubernetes/clusters", "kubernetes:read"}, s.listInventory(KindKubernetesClusters)},
		{Operation{get, "/v2/load_balancers", "load_balancer:read"}, s.listInventory(KindLoadBalancers)},
		{Operation{get, "/v2/reserved_ips", "reserved_ip:read"}, s.listInventory(KindReservedIPs)},
		{Operation{get, "/v2/snapshots", "snapshot:read"}, s.listInventory(KindSnapshots)},
		{Operation{get, "/v2/apps", "app:read"}, s.listInventory(KindApps)},
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
		if !s.delay(r) {
			return
		}
		c, ok := s.authenticate(bearerToken(r))
		if !ok {
			s.unauthenticatedHeaders(w.Header())
			writeAPIError(w, r, http.StatusUnauthorized, "unauthorized", msgUnauthorized)
			return
		}
		if s.throttled(w, r, c) {
			return
		}
		st := s.limiter.take(c.token, s.now())
		st.writeHeaders(w.Header())
		if !st.allowed {
			writeAPIError(w, r, http.StatusTooManyRequests, "too_many_requests", msgRateLimited)
			return
		}
		if s.failed(w, r, c) {
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

// delay waits the added latency (cut short by Close or ClearFaults); false if the client gave up.
func (s *Server) delay(r *http.Request) bool {
	d := time.Duration(s.latency.Load())
	if d <= 0 {
		return true
	}
	return s.wait(r, d) != waitGaveUp
}

// unauthenticatedHeaders reports an untouched allowance: requests without a valid token
// are not counted against any token.
func (s *Server) unauthenticatedHeaders(h http.Header) {
	h.Set("Ratelimit-Limit", strconv.Itoa(s.limiter.perHour))
	h.Set("Ratelimit-Remaining", strconv.Itoa(s.limiter.perHour))
	h.Set("Ratelimit-Reset", strconv.FormatInt(s.now().Unix(), 10))
}
