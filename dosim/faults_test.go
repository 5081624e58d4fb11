package dosim_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// waits returns a channel that receives each time a request starts being held back by sim.
func waits(sim *dosimtest.Sim) <-chan struct{} {
	ch := make(chan struct{}, 16)
	dosim.OnWait(sim.Server, func() { ch <- struct{}{} })
	return ch
}

// outcome is how a request sent in the background ended.
type outcome struct {
	status int
	body   string
	err    error
}

// async sends req in the background; its outcome arrives on the channel.
func async(req *http.Request) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		resp, err := noRedirects.Do(req)
		if err != nil {
			ch <- outcome{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		ch <- outcome{status: resp.StatusCode, body: string(b), err: err}
	}()
	return ch
}

// refreshRequest is a refresh_token grant request with form client credentials.
func refreshRequest(t *testing.T, ctx context.Context, base, refreshToken string) *http.Request {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken},
		"client_id": {testClientID}, "client_secret": {testSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// wantOAuthError checks that res is an OAuth error with the given status and code.
func wantOAuthError(t *testing.T, what string, res result, status int, code string) {
	t.Helper()
	if got := oauthErr(t, res); res.status != status || got != code {
		t.Errorf("%s = %d %s, want %d %s", what, res.status, res.body, status, code)
	}
}

func TestFailTokenRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		failure   dosim.TokenFailure
		failures  int // refreshes answered with the failure before one succeeds
		wantCode  int
		wantError string
	}{
		{"500 once by default", dosim.TokenFailure{Count: 1}, 1, 500, "server_error"},
		{"invalid_grant twice", dosim.TokenFailure{Grant: "refresh_token", Count: 2, Status: 400}, 2, 400, "invalid_grant"},
		{"503", dosim.TokenFailure{Count: 1, Status: 503}, 1, 503, "temporarily_unavailable"},
		{"chosen error", dosim.TokenFailure{Count: 1, Status: 401, Error: "invalid_client", Description: "Nope."}, 1, 401, "invalid_client"},
		{"another grant only", dosim.TokenFailure{Grant: "authorization_code"}, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, _ := start(t)
			tok := login(t, sim.URL, sammyAcme, "read", "write")
			sim.FailTokenRequests(tt.failure)
			for i := range tt.failures {
				wantOAuthError(t, fmt.Sprintf("refresh %d", i+1), refresh(t, sim.URL, tok.RefreshToken), tt.wantCode, tt.wantError)
			}
			if res := refresh(t, sim.URL, tok.RefreshToken); res.status != http.StatusOK {
				t.Errorf("refresh after the failures = %d %s, want 200: a failed request must not spend the token", res.status, res.body)
			}
		})
	}
}

func TestFailTokenRequestsUntilCleared(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyAcme, "read")
	sim.FailTokenRequests(dosim.TokenFailure{Status: http.StatusBadGateway})
	for range 3 {
		wantOAuthError(t, "refresh", refresh(t, sim.URL, tok.RefreshToken), http.StatusBadGateway, "server_error")
	}
	code := postForm(t, sim.URL+"/v1/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, testClientID, testSecret)
	wantOAuthError(t, "code exchange", code, http.StatusBadGateway, "server_error")
	sim.ClearFaults()
	if res := refresh(t, sim.URL, tok.RefreshToken); res.status != http.StatusOK {
		t.Errorf("refresh after ClearFaults = %d %s, want 200", res.status, res.body)
	}
	if got := sim.TokenGrants(testClientID); got.RefreshToken != 1 || got.RefreshTokenRejected != 0 {
		t.Errorf("TokenGrants = %+v, want the failed requests not counted as grants", got)
	}
}

func TestHangTokenRequestsUntilClientGivesUp(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	waiting := waits(sim)
	tok := login(t, sim.URL, sammyAcme, "read")
	sim.HangTokenRequests("refresh_token", 1, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	out := async(refreshRequest(t, ctx, sim.URL, tok.RefreshToken))
	<-waiting
	cancel()
	if o := <-out; !errors.Is(o.err, context.Canceled) {
		t.Errorf("hanging refresh = %d %v, want the client's cancellation", o.status, o.err)
	}
	if res := refresh(t, sim.URL, tok.RefreshToken); res.status != http.StatusOK {
		t.Errorf("refresh after the hang = %d %s, want 200: the hung request must not spend the token", res.status, res.body)
	}
}

func TestHangTokenRequestsReleasedByClose(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	waiting := waits(sim)
	tok := login(t, sim.URL, sammyAcme, "read")
	sim.HangTokenRequests("", 0, time.Hour)
	out := async(refreshRequest(t, context.Background(), sim.URL, tok.RefreshToken))
	<-waiting
	sim.Close()
	o := <-out
	if o.err != nil || o.status != http.StatusGatewayTimeout || !strings.Contains(o.body, "temporarily_unavailable") {
		t.Errorf("hanging refresh after Close = %d %s %v, want 504 temporarily_unavailable", o.status, o.body, o.err)
	}
	sim.Close() // twice is fine
}

func TestHangTokenRequestsIsBounded(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyAcme, "read")
	sim.HangTokenRequests("refresh_token", 1, time.Nanosecond)
	wantOAuthError(t, "refresh past the maximum hang", refresh(t, sim.URL, tok.RefreshToken), http.StatusGatewayTimeout, "temporarily_unavailable")
}

func TestLoseRefreshAnswers(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyAcme, "read", "write")
	sim.LoseRefreshAnswers(1)
	resp, err := noRedirects.Do(refreshRequest(t, context.Background(), sim.URL, tok.RefreshToken))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("refresh with a lost answer = %d, want a dropped connection", resp.StatusCode)
	}
	if got := sim.TokenGrants(testClientID); got.RefreshToken != 1 {
		t.Errorf("TokenGrants = %+v, want the lost refresh processed", got)
	}
	wantOAuthError(t, "reusing the spent refresh token", refresh(t, sim.URL, tok.RefreshToken), http.StatusBadRequest, "invalid_grant")
	if res := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil); res.status != http.StatusUnauthorized {
		t.Errorf("the replaced access token = %d, want 401", res.status)
	}
	next := login(t, sim.URL, sammyAcme, "read")
	if res := refresh(t, sim.URL, next.RefreshToken); res.status != http.StatusOK {
		t.Errorf("refresh after the lost one = %d %s, want 200", res.status, res.body)
	}
}

func TestLoseRefreshAnswersWithoutHijack(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyAcme, "read")
	sim.LoseRefreshAnswers(0)
	for range 2 { // the first refresh is processed and lost; the second is rejected and lost
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, refreshRequest(t, context.Background(), "", tok.RefreshToken))
		if rec.Code != http.StatusBadGateway || strings.Contains(rec.Body.String(), "access_token") {
			t.Errorf("refresh with a lost answer and no hijacker = %d %s, want 502 without tokens", rec.Code, rec.Body)
		}
	}
	if got := sim.TokenGrants(testClientID); got.RefreshToken != 1 || got.RefreshTokenRejected != 1 {
		t.Errorf("TokenGrants = %+v, want one refresh and one rejected", got)
	}
}

func TestCloseReleasesLatency(t *testing.T) {
	t.Parallel()
	sim, _ := start(t, func(o *dosim.Options) { o.Latency = time.Hour })
	waiting := waits(sim)
	out := async(bearerRequest(t, context.Background(), sim.URL, dosim.SeedToken, "/v2/account"))
	<-waiting
	sim.Close()
	if o := <-out; o.err != nil || o.status != http.StatusOK {
		t.Errorf("GET /v2/account held back by latency, after Close = %d %v, want 200", o.status, o.err)
	}
}

// bearerRequest is a GET of path with a bearer token.
func bearerRequest(t *testing.T, ctx context.Context, base, token, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func TestClearFaultsReleasesHang(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	waiting := waits(sim)
	tok := login(t, sim.URL, sammyAcme, "read")
	sim.HangTokenRequests("", 0, time.Hour)
	out := async(refreshRequest(t, context.Background(), sim.URL, tok.RefreshToken))
	<-waiting
	sim.ClearFaults()
	if o := <-out; o.err != nil || o.status != http.StatusGatewayTimeout {
		t.Errorf("hanging refresh after ClearFaults = %d %v, want 504", o.status, o.err)
	}
	if res := refresh(t, sim.URL, tok.RefreshToken); res.status != http.StatusOK {
		t.Errorf("refresh after ClearFaults = %d %s, want 200", res.status, res.body)
	}
}
