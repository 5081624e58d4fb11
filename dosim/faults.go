package dosim

import (
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxHang bounds a hanging token request whose client never gives up.
const DefaultMaxHang = 2 * time.Minute

// faults is what the fault controls have armed. Its own mutex guards it.
type faults struct {
	mu        sync.Mutex
	token     []*tokenFault // the token endpoint's, first match first
	throttles []*throttle   // API 429 bursts, first match first
	errRate   errorRate
	release   chan struct{} // closed by ClearFaults: releases the requests waiting now
	onWait    func()        // test hook: a request starts waiting
	waiting   atomic.Int64
}

func newFaults() *faults { return &faults{release: make(chan struct{})} }

// tokenFaultMode is how a token request misbehaves.
type tokenFaultMode string

const (
	modeFail tokenFaultMode = "fail" // answer an error instead
	modeHang tokenFaultMode = "hang" // answer nothing until the client gives up
	modeLose tokenFaultMode = "lose" // process the request, then drop the answer
)

// tokenFault is one armed misbehaviour of POST /v1/oauth/token.
type tokenFault struct {
	mode    tokenFaultMode
	grant   string // grant_type it applies to; "" for all
	left    int    // requests still to spoil; 0 means every one until cleared
	status  int
	code    string
	desc    string
	maxHang time.Duration
}

// TokenFailure makes the token endpoint answer an error; see FailTokenRequests.
type TokenFailure struct {
	Grant       string // grant_type it applies to ("refresh_token", "authorization_code"); "" for every one
	Count       int    // how many requests to fail; 0 means every one until ClearFaults
	Status      int    // the HTTP status; default 500
	Error       string // the OAuth error code; default by status (400 invalid_grant, 401 invalid_client, 503 temporarily_unavailable, else server_error)
	Description string // error_description; default a sentence matching Error
}

// FailTokenRequests answers the next token requests with an OAuth error; nothing is processed.
func (s *Server) FailTokenRequests(f TokenFailure) {
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	if f.Error == "" {
		f.Error = defaultOAuthError(f.Status)
	}
	if f.Description == "" {
		f.Description = describeOAuthError(f.Error)
	}
	s.faults.addToken(&tokenFault{mode: modeFail, grant: f.Grant, left: max(f.Count, 0),
		status: f.Status, code: f.Error, desc: f.Description})
}

// HangTokenRequests holds the next count token requests (0: all) unprocessed until the client gives up, else 504 after maxHang.
func (s *Server) HangTokenRequests(grant string, count int, maxHang time.Duration) {
	if maxHang <= 0 {
		maxHang = DefaultMaxHang
	}
	s.faults.addToken(&tokenFault{mode: modeHang, grant: grant, left: max(count, 0), maxHang: maxHang})
}

// LoseRefreshAnswers applies the next count refresh grants (0: all) but resets the connection instead of answering (502 if it cannot).
func (s *Server) LoseRefreshAnswers(count int) {
	s.faults.addToken(&tokenFault{mode: modeLose, grant: "refresh_token", left: max(count, 0)})
}

// addToken arms a token endpoint fault after those already armed.
func (f *faults) addToken(tf *tokenFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = append(f.token, tf)
}

// takeToken returns the first armed fault for grant and spends one of its requests.
func (f *faults) takeToken(grant string) *tokenFault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, tf := range f.token {
		if tf.grant != "" && tf.grant != grant {
			continue
		}
		if tf.left > 0 {
			tf.left--
			if tf.left == 0 {
				f.token = append(f.token[:i:i], f.token[i+1:]...)
			}
		}
		cp := *tf
		return &cp
	}
	return nil
}

// defaultOAuthError is the OAuth error code a failure with status answers by default.
func defaultOAuthError(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_grant"
	case http.StatusUnauthorized:
		return "invalid_client"
	case http.StatusServiceUnavailable:
		return "temporarily_unavailable"
	}
	return "server_error"
}

// describeOAuthError is the default error_description of an injected OAuth error.
func describeOAuthError(code string) string {
	switch code {
	case "invalid_grant":
		return "The refresh token is invalid, expired, revoked, already used, or was issued to another client."
	case "invalid_client":
		return "Client authentication failed."
	case "temporarily_unavailable":
		return "The authorization server is temporarily unavailable. Try again later."
	}
	return "The authorization server encountered an unexpected condition."
}

// injectTokenFault answers a token request the way f says.
func (s *Server) injectTokenFault(w http.ResponseWriter, r *http.Request, f *tokenFault) {
	switch f.mode {
	case modeHang:
		s.hang(w, r, f.maxHang)
	case modeLose:
		s.answerToken(discardResponse{header: http.Header{}}, r)
		dropConnection(w)
	default:
		writeOAuthError(w, f.status, f.code, f.desc)
	}
}

// hang answers nothing until the client gives up; after maxHang, Close or ClearFaults it answers 504.
func (s *Server) hang(w http.ResponseWriter, r *http.Request, maxHang time.Duration) {
	if s.wait(r, maxHang) == waitGaveUp {
		return
	}
	writeOAuthError(w, http.StatusGatewayTimeout, "temporarily_unavailable", "The authorization server did not answer in time.")
}

// waitResult is how a wait ended.
type waitResult int

const (
	waitElapsed  waitResult = iota // the whole duration passed
	waitReleased                   // Close or ClearFaults released it
	waitGaveUp                     // the client went away
)

// wait holds a request for d, less if the client gives up or the simulator releases it.
func (s *Server) wait(r *http.Request, d time.Duration) waitResult {
	s.faults.waiting.Add(1)
	defer s.faults.waiting.Add(-1)
	release := s.faults.releaseChan()
	s.faults.notifyWait()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return waitGaveUp
	case <-s.closed:
		return waitReleased
	case <-release:
		return waitReleased
	case <-t.C:
		return waitElapsed
	}
}

// releaseChan returns the channel ClearFaults closes next.
func (f *faults) releaseChan() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.release
}

// notifyWait calls the test hook, if any, as a request starts waiting.
func (f *faults) notifyWait() {
	f.mu.Lock()
	hook := f.onWait
	f.mu.Unlock()
	if hook != nil {
		hook()
	}
}

// dropConnection resets the connection, or answers 502 as a proxy would where it cannot be taken over.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
		return
	}
	resetOnClose(conn)
	_ = conn.Close()
}

// resetOnClose makes closing a TCP connection send a reset rather than a clean end.
func resetOnClose(conn net.Conn) {
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		conn = nc.NetConn()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
}

// discardResponse is a ResponseWriter that forgets everything written to it.
type discardResponse struct{ header http.Header }

func (d discardResponse) Header() http.Header         { return d.header }
func (d discardResponse) Write(b []byte) (int, error) { return len(b), nil }
func (d discardResponse) WriteHeader(int)             {}

// throttle is an armed 429 burst.
type throttle struct {
	token      string // "" for every token
	left       int    // requests still to refuse; 0 means every one until cleared
	retryAfter time.Duration
}

// errorRate makes a fraction of API requests fail with a 5xx status.
type errorRate struct {
	rate     float64
	seed     uint64
	statuses []int
	rng      *rand.Rand
}

// ClearFaults disarms every fault, releases held requests and restores Options.Latency; changed tokens stay changed.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.token, s.faults.throttles, s.faults.errRate = nil, nil, errorRate{}
	close(s.faults.release)
	s.faults.release = make(chan struct{})
	s.faults.mu.Unlock()
	s.latency.Store(int64(s.baseLatency))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ts := range s.st.teams {
		ts.status, ts.statusMessage = "", ""
	}
}
