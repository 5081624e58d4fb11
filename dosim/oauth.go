package dosim

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// pkceValue matches a PKCE code_verifier or S256 code_challenge (RFC 7636 section 4.1).
var pkceValue = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)

// authRequest is a validated authorization request.
type authRequest struct {
	client      Client
	redirectURI string
	state       string
	scopes      []string
	challenge   string
	method      string
	prompt      string
}

// authError is why an authorization request failed. With redirect false the error is
// shown as a page, because the redirect URI cannot be trusted.
type authError struct {
	redirect    bool
	code        string
	description string
}

// parseAuthRequest validates the parameters of an authorization request.
func (s *Server) parseAuthRequest(v url.Values) (authRequest, *authError) {
	s.mu.Lock()
	client, ok := s.st.clients[v.Get("client_id")]
	s.mu.Unlock()
	if !ok {
		return authRequest{}, &authError{code: "invalid_client", description: "The application is not registered. Check the client_id."}
	}
	req := authRequest{client: client, redirectURI: v.Get("redirect_uri"), state: v.Get("state"),
		challenge: v.Get("code_challenge"), method: v.Get("code_challenge_method"), prompt: v.Get("prompt")}
	if req.redirectURI != client.RedirectURI {
		return req, &authError{code: "invalid_redirect_uri", description: "The redirect URI does not match the callback URL registered for this application."}
	}
	redirectErr := func(code, desc string) (authRequest, *authError) {
		return req, &authError{redirect: true, code: code, description: desc}
	}
	switch rt := v.Get("response_type"); rt {
	case "code":
	case "":
		return redirectErr("invalid_request", "The response_type parameter is missing.")
	default:
		return redirectErr("unsupported_response_type", "Only response_type=code is supported.")
	}
	scopes, err := parseScopes(v.Get("scope"))
	if err != nil {
		return redirectErr("invalid_scope", err.Error())
	}
	req.scopes = scopes
	if msg := checkChallenge(&req); msg != "" {
		return redirectErr("invalid_request", msg)
	}
	if req.prompt == "none" {
		return redirectErr("login_required", "The simulator has no signed-in session; prompt=none cannot be satisfied.")
	}
	return req, nil
}

// checkChallenge validates the PKCE parameters and defaults the method to plain.
func checkChallenge(req *authRequest) string {
	if req.challenge == "" {
		if req.method != "" {
			return "code_challenge_method was sent without a code_challenge."
		}
		return ""
	}
	if req.method == "" {
		req.method = "plain"
	}
	if req.method != "S256" && req.method != "plain" {
		return "code_challenge_method must be S256 or plain."
	}
	if !pkceValue.MatchString(req.challenge) {
		return "code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9, -, ., _ and ~."
	}
	return ""
}

// redirectWith returns the redirect URI with params added to its query.
func redirectWith(redirectURI string, params url.Values) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return redirectURI
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// fail answers an invalid authorization request: an error page or a redirect.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, req authRequest, e *authError) {
	if !e.redirect {
		s.renderError(w, http.StatusBadRequest, e.description)
		return
	}
	http.Redirect(w, r, redirectWith(req.redirectURI, url.Values{
		"error": {e.code}, "error_description": {e.description}, "state": {req.state},
	}), http.StatusFound)
}

// handleAuthorizeForm answers GET /v1/oauth/authorize with the consent page.
func (s *Server) handleAuthorizeForm(w http.ResponseWriter, r *http.Request) {
	req, e := s.parseAuthRequest(r.URL.Query())
	if e != nil {
		s.fail(w, r, req, e)
		return
	}
	s.renderConsent(w, r, req)
}

// handleAuthorizeDecision answers the consent form: a code on Authorize, access_denied on Deny.
func (s *Server) handleAuthorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	req, e := s.parseAuthRequest(r.PostForm)
	if e != nil {
		s.fail(w, r, req, e)
		return
	}
	switch r.PostForm.Get("decision") {
	case "deny":
		s.fail(w, r, req, &authError{redirect: true, code: "access_denied", description: "The user denied the authorization request."})
	case "authorize":
		s.authorize(w, r, req, r.PostForm.Get("account"))
	default:
		s.renderError(w, http.StatusBadRequest, "Choose Authorize application or Deny.")
	}
}

// authorize issues a code for the chosen account ("teamUUID:userUUID") and redirects.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, req authRequest, account string) {
	teamUUID, userUUID, _ := strings.Cut(account, ":")
	code := randomHex(32)
	s.mu.Lock()
	s.st.tokens.pruneCodes(s.now())
	ok := s.st.isMember(teamUUID, userUUID)
	if ok {
		s.st.tokens.codes[code] = &authCode{
			clientID: req.client.ID, redirectURI: req.redirectURI, challenge: req.challenge,
			method: req.method, scopes: req.scopes, userUUID: userUUID, teamUUID: teamUUID,
			expiresAt: s.now().Add(codeTTL), fam: &family{},
		}
	}
	s.mu.Unlock()
	if !ok {
		s.renderError(w, http.StatusBadRequest, "Choose an account to sign in with.")
		return
	}
	http.Redirect(w, r, redirectWith(req.redirectURI, url.Values{"code": {code}, "state": {req.state}}), http.StatusFound)
}

// tokenResponse is the body of a successful token request.
type tokenResponse struct {
	AccessToken  string        `json:"access_token"`
	TokenType    string        `json:"token_type"`
	ExpiresIn    int           `json:"expires_in"`
	RefreshToken string        `json:"refresh_token"`
	Scope        string        `json:"scope"`
	Info         tokenUserInfo `json:"info"`
}

// tokenUserInfo names who the token acts for.
type tokenUserInfo struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	UUID     string `json:"uuid"`
	TeamUUID string `json:"team_uuid"`
	TeamName string `json:"team_name"`
}

// tokenError is a failed token request.
type tokenError struct {
	status      int
	code        string
	description string
}

func invalidGrant(desc string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_grant", desc}
}

func invalidRequest(desc string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_request", desc}
}

// handleToken answers POST /v1/oauth/token for the authorization_code and refresh_token
// grants, unless a fault is armed for the grant.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be parsed as a form.")
		return
	}
	if f := s.faults.takeToken(r.PostForm.Get("grant_type")); f != nil {
		s.injectTokenFault(w, r, f)
		return
	}
	s.answerToken(w, r)
}

// answerToken authenticates the client and runs the grant of a parsed token request.
func (s *Server) answerToken(w http.ResponseWriter, r *http.Request) {
	client, basic, terr := s.authenticateClient(r)
	if terr != nil {
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="DigitalOcean"`)
		}
		writeOAuthError(w, terr.status, terr.code, terr.description)
		return
	}
	var resp tokenResponse
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "authorization_code":
		resp, terr = s.exchangeCode(client, r.PostForm)
	case "refresh_token":
		resp, terr = s.exchangeRefresh(client, r.PostForm)
	case "":
		terr = invalidRequest("The grant_type parameter is missing.")
	default:
		terr = &tokenError{http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("The grant type %q is not supported.", gt)}
	}
	if terr != nil {
		writeOAuthError(w, terr.status, terr.code, terr.description)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// authenticateClient checks the client credentials, sent with HTTP Basic (RFC 6749
// section 2.3.1, form-encoded) or as client_id and client_secret form fields.
func (s *Server) authenticateClient(r *http.Request) (Client, bool, *tokenError) {
	id, secret, basic := r.BasicAuth()
	formID, formSecret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		if formSecret != "" {
			return Client{}, basic, invalidRequest("Use only one client authentication method.")
		}
		if formID != "" && formID != id {
			return Client{}, basic, invalidRequest("client_id does not match the HTTP Basic credentials.")
		}
	} else {
		id, secret = formID, formSecret
	}
	s.mu.Lock()
	c, ok := s.st.clients[id]
	s.mu.Unlock()
	if !ok || c.Secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return Client{}, basic, &tokenError{http.StatusUnauthorized, "invalid_client",
			"Client authentication failed: unknown client, wrong secret, or no client authentication included."}
	}
	return c, basic, nil
}

// exchangeCode runs the authorization_code grant.
func (s *Server) exchangeCode(client Client, form url.Values) (tokenResponse, *tokenError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := s.st.tokens.counts(client.ID)
	resp, terr := s.redeemCode(client, form)
	if terr != nil {
		counts.AuthorizationCodeRejected++
		return resp, terr
	}
	counts.AuthorizationCode++
	return resp, nil
}

// redeemCode checks and consumes a code. Called with s.mu held.
func (s *Server) redeemCode(client Client, form url.Values) (tokenResponse, *tokenError) {
	code := form.Get("code")
	if code == "" {
		return tokenResponse{}, invalidRequest("The code parameter is missing.")
	}
	ac, ok := s.st.tokens.codes[code]
	switch {
	case !ok || ac.clientID != client.ID:
		return tokenResponse{}, invalidGrant("The authorization code is invalid or was issued to another client.")
	case ac.used:
		ac.fam.revoked = true // a replayed code revokes every token issued from it
		return tokenResponse{}, invalidGrant("The authorization code has already been used; the tokens issued from it are revoked.")
	case !s.now().Before(ac.expiresAt):
		return tokenResponse{}, invalidGrant("The authorization code has expired.")
	case form.Get("redirect_uri") != ac.redirectURI:
		return tokenResponse{}, invalidGrant("The redirect_uri does not match the one used in the authorization request.")
	}
	if terr := verifyPKCE(ac, form.Get("code_verifier")); terr != nil {
		return tokenResponse{}, terr
	}
	ac.used = true
	return s.issue(client.ID, ac.userUUID, ac.teamUUID, ac.scopes, ac.fam)
}

// verifyPKCE checks the code_verifier against the code's challenge (RFC 7636 section 4.6).
func verifyPKCE(ac *authCode, verifier string) *tokenError {
	if ac.challenge == "" {
		if verifier != "" {
			return invalidRequest("code_verifier was sent, but the authorization request had no code_challenge.")
		}
		return nil
	}
	if verifier == "" {
		return invalidGrant("The code_verifier parameter is required for this authorization code.")
	}
	want := verifier
	if ac.method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if !pkceValue.MatchString(verifier) || subtle.ConstantTimeCompare([]byte(want), []byte(ac.challenge)) != 1 {
		return invalidGrant("The code_verifier does not match the code_challenge.")
	}
	return nil
}

// exchangeRefresh runs the refresh_token grant: each refresh token works once, and using
// it revokes the access token it was issued with.
func (s *Server) exchangeRefresh(client Client, form url.Values) (tokenResponse, *tokenError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := s.st.tokens.counts(client.ID)
	resp, terr := s.redeemRefresh(client, form)
	if terr != nil {
		counts.RefreshTokenRejected++
		return resp, terr
	}
	counts.RefreshToken++
	return resp, nil
}

// redeemRefresh checks and consumes a refresh token. Called with s.mu held.
func (s *Server) redeemRefresh(client Client, form url.Values) (tokenResponse, *tokenError) {
	token := form.Get("refresh_token")
	if token == "" {
		return tokenResponse{}, invalidRequest("The refresh_token parameter is missing.")
	}
	rt, ok := s.st.tokens.refresh[token]
	if !ok || rt.clientID != client.ID || !rt.usable() {
		return tokenResponse{}, invalidGrant("The refresh token is invalid, expired, revoked, already used, or was issued to another client.")
	}
	old := s.st.tokens.access[rt.access]
	scopes := old.scopes
	if raw := form.Get("scope"); raw != "" {
		narrowed, err := parseScopes(raw)
		if err != nil || !isSubset(narrowed, old.scopes) {
			return tokenResponse{}, &tokenError{http.StatusBadRequest, "invalid_scope", "The requested scope exceeds the scope originally granted."}
		}
		scopes = narrowed
	}
	rt.used = true
	old.revoked = true
	return s.issue(client.ID, old.userUUID, old.teamUUID, scopes, rt.fam)
}

// issue creates a token pair and the response announcing it. Called with s.mu held.
func (s *Server) issue(clientID, userUUID, teamUUID string, scopes []string, fam *family) (tokenResponse, *tokenError) {
	u, uok := s.st.users[userUUID]
	t, tok := s.st.teams[teamUUID]
	if !uok || !tok || !s.st.isMember(teamUUID, userUUID) {
		return tokenResponse{}, invalidGrant("The user is no longer a member of the team this grant was issued for.")
	}
	p := s.st.tokens.issuePair(clientID, userUUID, teamUUID, scopes, fam, s.now(), s.tokenTTL)
	return tokenResponse{
		AccessToken: p.access, TokenType: "bearer", ExpiresIn: int(s.tokenTTL.Seconds()),
		RefreshToken: p.refresh, Scope: strings.Join(scopes, " "),
		Info: tokenUserInfo{Name: u.Name, Email: u.Email, UUID: u.UUID, TeamUUID: t.UUID, TeamName: t.Name},
	}, nil
}

// handleRevoke answers POST /v1/oauth/revoke (RFC 7009): {} whether or not the token was
// known. A caller holding the token may revoke it (sending it as the bearer token, even if
// it has expired); this includes personal access tokens. Otherwise the caller
// authenticates with a bearer token or the credentials of the application the token was
// issued to.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("token") == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The token parameter is missing.")
		return
	}
	token := r.PostForm.Get("token")
	if bearerToken(r) == token {
		s.mu.Lock()
		s.st.tokens.revoke(token, "", true)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, struct{}{})
		return
	}
	clientID, ok := s.revokingClient(r)
	if !ok {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Send the token itself or an OAuth token of its application as the bearer token, or authenticate the client.")
		return
	}
	s.mu.Lock()
	s.st.tokens.revoke(token, clientID, false)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct{}{})
}

// revokingClient identifies the application asking to revoke a token it does not present.
func (s *Server) revokingClient(r *http.Request) (string, bool) {
	if bearer := bearerToken(r); bearer != "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		if at, ok := s.st.tokens.access[bearer]; ok && !at.personal {
			return at.clientID, true
		}
		return "", false
	}
	if _, _, basic := r.BasicAuth(); basic || r.PostForm.Get("client_secret") != "" {
		c, _, terr := s.authenticateClient(r)
		return c.ID, terr == nil
	}
	return "", false
}

// tokenInfoResponse is the body of GET /v1/oauth/token/info.
type tokenInfoResponse struct {
	ResourceOwnerID  int             `json:"resource_owner_id"`
	Scopes           []string        `json:"scopes"`
	ExpiresInSeconds *int            `json:"expires_in_seconds"`
	Application      applicationInfo `json:"application"`
	CreatedAt        int64           `json:"created_at"`
}

type applicationInfo struct {
	UID string `json:"uid"`
}

// handleTokenInfo answers GET /v1/oauth/token/info for the bearer token. A personal access
// token has no expiry (null) and no application.
func (s *Server) handleTokenInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := s.now()
	at, ok := s.st.tokens.access[bearerToken(r)]
	valid := ok && at.valid(now)
	var resp tokenInfoResponse
	if valid {
		resp = tokenInfoResponse{Scopes: at.scopes, Application: applicationInfo{UID: at.clientID}, CreatedAt: at.createdAt.Unix()}
		if u, uok := s.st.users[at.userUUID]; uok {
			resp.ResourceOwnerID = u.ID
		}
		if !at.expiresAt.IsZero() {
			secs := int(at.expiresAt.Sub(now).Seconds())
			resp.ExpiresInSeconds = &secs
		}
	}
	s.mu.Unlock()
	if !valid {
		w.Header().Set("WWW-Authenticate", `Bearer realm="DigitalOcean", error="invalid_token", error_description="The access token is invalid"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "The access token is invalid")
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
