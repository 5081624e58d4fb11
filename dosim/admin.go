package dosim

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// adminRoutes serves the fault controls under /_admin/ (Options.Admin). Every route takes
// and answers JSON; errors answer {"error": "..."} with 400 (bad body) or 404 (unknown
// token, team or route). Tokens travel in bodies only, never in paths, so logs never see them.
//
//	GET    /_admin/faults                          the armed faults (as below)
//	DELETE /_admin/faults                          ClearFaults; answers the (empty) faults
//	POST   /_admin/tokens/expire                   {"token", "grant": bool} ExpireToken, or ExpireGrant when grant
//	POST   /_admin/tokens/revoke                   {"token", "grant": bool} RevokeToken, or RevokeGrant when grant
//	POST   /_admin/tokens/drop-scope               {"token", "scope"} DropScope
//	POST   /_admin/teams/{team_uuid}/expire-grants ExpireGrants; answers {"grants": n}
//	POST   /_admin/teams/{team_uuid}/revoke-grants RevokeGrants; answers {"grants": n}
//	POST   /_admin/teams/{team_uuid}/drop-scope    {"scope"} DropScopeFromGrants; answers {"grants": n}
//	PUT    /_admin/teams/{team_uuid}/status        {"status", "status_message"} SetAccountStatus
//	POST   /_admin/token-endpoint/fail             {"grant", "count", "status", "error", "error_description"} FailTokenRequests
//	POST   /_admin/token-endpoint/hang             {"grant", "count", "max": "30s"} HangTokenRequests
//	POST   /_admin/token-endpoint/lose-refresh     {"count"} LoseRefreshAnswers
//	POST   /_admin/api/throttle                    {"token", "count", "retry_after": "30s"} ThrottleAPI
//	PUT    /_admin/api/error-rate                  {"rate", "seed", "statuses": [500, 503]} SetErrorRate
//	PUT    /_admin/api/latency                     {"latency": "250ms"} SetLatency
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_admin/faults", s.adminFaults)
	mux.HandleFunc("DELETE /_admin/faults", s.adminClear)
	mux.HandleFunc("POST /_admin/tokens/expire", s.adminExpireToken)
	mux.HandleFunc("POST /_admin/tokens/revoke", s.adminRevokeToken)
	mux.HandleFunc("POST /_admin/tokens/drop-scope", s.adminDropScope)
	mux.HandleFunc("POST /_admin/teams/{team_uuid}/expire-grants", s.adminTeamGrants(s.ExpireGrants))
	mux.HandleFunc("POST /_admin/teams/{team_uuid}/revoke-grants", s.adminTeamGrants(s.RevokeGrants))
	mux.HandleFunc("POST /_admin/teams/{team_uuid}/drop-scope", s.adminTeamDropScope)
	mux.HandleFunc("PUT /_admin/teams/{team_uuid}/status", s.adminAccountStatus)
	mux.HandleFunc("POST /_admin/token-endpoint/fail", s.adminFailToken)
	mux.HandleFunc("POST /_admin/token-endpoint/hang", s.adminHangToken)
	mux.HandleFunc("POST /_admin/token-endpoint/lose-refresh", s.adminLoseRefresh)
	mux.HandleFunc("POST /_admin/api/throttle", s.adminThrottle)
	mux.HandleFunc("PUT /_admin/api/error-rate", s.adminErrorRate)
	mux.HandleFunc("PUT /_admin/api/latency", s.adminLatency)
	mux.HandleFunc("/_admin/", func(w http.ResponseWriter, _ *http.Request) {
		adminError(w, http.StatusNotFound, "no such admin route; see the doc comment of adminRoutes")
	})
}

// duration is a time.Duration written in JSON as a Go duration string such as "250ms".
type duration time.Duration

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	*d = duration(v)
	return err
}

func (d duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// tokenRequest is the body of the /_admin/tokens/* routes.
type tokenRequest struct {
	Token string `json:"token"`
	Grant bool   `json:"grant"`
	Scope string `json:"scope"`
}

// grantsAnswer counts the grants a team-wide control acted on.
type grantsAnswer struct {
	Grants int `json:"grants"`
}

// adminFaults answers GET /_admin/faults.
func (s *Server) adminFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.faultView())
}

// adminClear answers DELETE /_admin/faults.
func (s *Server) adminClear(w http.ResponseWriter, _ *http.Request) {
	s.ClearFaults()
	writeJSON(w, http.StatusOK, s.faultView())
}

// adminExpireToken answers POST /_admin/tokens/expire.
func (s *Server) adminExpireToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if decodeAdmin(w, r, &req) {
		adminDone(w, pick(req.Grant, s.ExpireGrant, s.ExpireToken)(req.Token), struct{}{})
	}
}

// adminRevokeToken answers POST /_admin/tokens/revoke.
func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if decodeAdmin(w, r, &req) {
		adminDone(w, pick(req.Grant, s.RevokeGrant, s.RevokeToken)(req.Token), struct{}{})
	}
}

// pick returns whole when grant is set, else one.
func pick(grant bool, whole, one func(string) error) func(string) error {
	if grant {
		return whole
	}
	return one
}

// adminDropScope answers POST /_admin/tokens/drop-scope.
func (s *Server) adminDropScope(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if decodeAdmin(w, r, &req) {
		adminDone(w, s.DropScope(req.Token, req.Scope), struct{}{})
	}
}

// adminTeamGrants answers a team-wide grant control with the number of grants it acted on.
func (s *Server) adminTeamGrants(act func(string) (int, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, err := act(r.PathValue("team_uuid"))
		adminDone(w, err, grantsAnswer{Grants: n})
	}
}

// adminTeamDropScope answers POST /_admin/teams/{team_uuid}/drop-scope.
func (s *Server) adminTeamDropScope(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Scope string `json:"scope"`
	}
	if decodeAdmin(w, r, &req) {
		n, err := s.DropScopeFromGrants(r.PathValue("team_uuid"), req.Scope)
		adminDone(w, err, grantsAnswer{Grants: n})
	}
}

// accountStatusJSON is the body of PUT /_admin/teams/{team_uuid}/status, and its answer.
type accountStatusJSON struct {
	TeamUUID      string `json:"team_uuid,omitempty"`
	Status        string `json:"status"`
	StatusMessage string `json:"status_message"`
}

// adminAccountStatus answers PUT /_admin/teams/{team_uuid}/status.
func (s *Server) adminAccountStatus(w http.ResponseWriter, r *http.Request) {
	var req accountStatusJSON
	if !decodeAdmin(w, r, &req) {
		return
	}
	team := r.PathValue("team_uuid")
	if err := s.SetAccountStatus(team, req.Status, req.StatusMessage); err != nil {
		adminDone(w, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, s.accountStatus(team))
}

// adminFailToken answers POST /_admin/token-endpoint/fail.
func (s *Server) adminFailToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Grant       string `json:"grant"`
		Count       int    `json:"count"`
		Status      int    `json:"status"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if !decodeAdmin(w, r, &req) {
		return
	}
	if req.Status != 0 && (req.Status < 400 || req.Status > 599) {
		adminError(w, http.StatusBadRequest, "status must be a 4xx or 5xx status")
		return
	}
	s.FailTokenRequests(TokenFailure{Grant: req.Grant, Count: req.Count, Status: req.Status, Error: req.Error, Description: req.Description})
	writeJSON(w, http.StatusOK, s.faultView())
}

// adminHangToken answers POST /_admin/token-endpoint/hang.
func (s *Server) adminHangToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Grant string   `json:"grant"`
		Count int      `json:"count"`
		Max   duration `json:"max"`
	}
	if decodeAdmin(w, r, &req) {
		s.HangTokenRequests(req.Grant, req.Count, time.Duration(req.Max))
		writeJSON(w, http.StatusOK, s.faultView())
	}
}

// adminLoseRefresh answers POST /_admin/token-endpoint/lose-refresh.
func (s *Server) adminLoseRefresh(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Count int `json:"count"`
	}
	if decodeAdmin(w, r, &req) {
		s.LoseRefreshAnswers(req.Count)
		writeJSON(w, http.StatusOK, s.faultView())
	}
}

// adminThrottle answers POST /_admin/api/throttle.
func (s *Server) adminThrottle(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Token      string   `json:"token"`
		Count      int      `json:"count"`
		RetryAfter duration `json:"retry_after"`
	}
	if decodeAdmin(w, r, &req) {
		s.ThrottleAPI(req.Token, req.Count, time.Duration(req.RetryAfter))
		writeJSON(w, http.StatusOK, s.faultView())
	}
}

// errorRateJSON is the body of PUT /_admin/api/error-rate, and its view in the faults.
type errorRateJSON struct {
	Rate     float64 `json:"rate"`
	Seed     uint64  `json:"seed"`
	Statuses []int   `json:"statuses,omitempty"`
}

// adminErrorRate answers PUT /_admin/api/error-rate.
func (s *Server) adminErrorRate(w http.ResponseWriter, r *http.Request) {
	var req errorRateJSON
	if !decodeAdmin(w, r, &req) {
		return
	}
	if err := s.SetErrorRate(req.Rate, req.Seed, req.Statuses...); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, s.faultView())
}

// adminLatency answers PUT /_admin/api/latency.
func (s *Server) adminLatency(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Latency duration `json:"latency"`
	}
	if decodeAdmin(w, r, &req) {
		s.SetLatency(time.Duration(req.Latency))
		writeJSON(w, http.StatusOK, s.faultView())
	}
}

// decodeAdmin reads a JSON body into v (an empty body leaves v as it is), or answers 400.
func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		adminError(w, http.StatusBadRequest, "read the JSON body: "+err.Error())
		return false
	}
	return true
}

// adminDone answers ok, or the error: 404 for ErrNotFound, else 400.
func adminDone(w http.ResponseWriter, err error, ok any) {
	switch {
	case errors.Is(err, ErrNotFound):
		adminError(w, http.StatusNotFound, err.Error())
	case err != nil:
		adminError(w, http.StatusBadRequest, err.Error())
	default:
		writeJSON(w, http.StatusOK, ok)
	}
}

// adminError answers {"error": message}.
func adminError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}

// faultsJSON is the answer of GET /_admin/faults. Tokens are never shown.
type faultsJSON struct {
	TokenEndpoint []tokenFaultJSON    `json:"token_endpoint"`
	Throttles     []throttleJSON      `json:"throttles"`
	ErrorRate     errorRateJSON       `json:"error_rate"`
	Latency       duration            `json:"latency"`
	Accounts      []accountStatusJSON `json:"accounts"`
	Waiting       int64               `json:"waiting"` // requests held back right now (hang or latency)
}

// tokenFaultJSON is one armed token endpoint fault; count 0 means until cleared.
type tokenFaultJSON struct {
	Mode        tokenFaultMode `json:"mode"`
	Grant       string         `json:"grant,omitempty"`
	Count       int            `json:"count"`
	Status      int            `json:"status,omitempty"`
	Error       string         `json:"error,omitempty"`
	Description string         `json:"error_description,omitempty"`
	Max         *duration      `json:"max,omitempty"`
}

// throttleJSON is one armed 429 burst; count 0 means until cleared.
type throttleJSON struct {
	AllTokens  bool     `json:"all_tokens"`
	Count      int      `json:"count"`
	RetryAfter duration `json:"retry_after"`
}

// faultView describes every armed fault.
func (s *Server) faultView() faultsJSON {
	f := s.faults
	f.mu.Lock()
	v := faultsJSON{TokenEndpoint: []tokenFaultJSON{}, Throttles: []throttleJSON{},
		ErrorRate: errorRateJSON{Rate: f.errRate.rate, Seed: f.errRate.seed, Statuses: f.errRate.statuses},
		Latency:   duration(s.latency.Load()), Waiting: f.waiting.Load()}
	for _, tf := range f.token {
		v.TokenEndpoint = append(v.TokenEndpoint, tf.view())
	}
	for _, th := range f.throttles {
		v.Throttles = append(v.Throttles, throttleJSON{AllTokens: th.token == "", Count: th.left, RetryAfter: duration(th.retryAfter)})
	}
	f.mu.Unlock()
	v.Accounts = s.accountStatuses()
	return v
}

// view describes one armed token endpoint fault.
func (tf *tokenFault) view() tokenFaultJSON {
	v := tokenFaultJSON{Mode: tf.mode, Grant: tf.grant, Count: tf.left, Status: tf.status, Error: tf.code, Description: tf.desc}
	if tf.mode == modeHang {
		v.Max = new(duration(tf.maxHang))
	}
	return v
}

// accountStatuses lists the teams whose account is not active, in the order they were added.
func (s *Server) accountStatuses() []accountStatusJSON {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []accountStatusJSON{}
	for _, id := range s.st.teamOrder {
		if ts := s.st.teams[id]; ts.status != "" && ts.status != statusActive {
			out = append(out, accountStatusJSON{TeamUUID: id, Status: ts.status, StatusMessage: ts.statusMessage})
		}
	}
	return out
}

// accountStatus returns what GET /v2/account reports about a team's status.
func (s *Server) accountStatus(teamUUID string) accountStatusJSON {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.st.teams[teamUUID]
	return accountStatusJSON{TeamUUID: teamUUID, Status: cmp.Or(ts.status, statusActive), StatusMessage: ts.statusMessage}
}
