package dosim

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

//go:embed consent.html
var consentHTML string

// pages holds the consent page and the error page.
var pages = template.Must(template.New("pages").Parse(consentHTML))

// consentPage is what the consent template shows.
type consentPage struct {
	Title               string
	AppName             string
	ClientID            string
	RedirectURI         string
	RedirectHost        string
	Scope               string
	Scopes              []scopeLine
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
	Accounts            []accountOption
}

type scopeLine struct{ Scope, Words string }

// accountOption is one (team, user) pair the person may sign in as.
type accountOption struct{ Value, Label string }

// renderConsent shows the consent page for a validated request.
func (s *Server) renderConsent(w http.ResponseWriter, r *http.Request, req authRequest) {
	p := consentPage{
		Title: "Authorize application", AppName: req.client.displayName(), ClientID: req.client.ID,
		RedirectURI: req.redirectURI, Scope: strings.Join(req.scopes, " "), State: req.state,
		CodeChallenge: req.challenge, CodeChallengeMethod: req.method,
	}
	if u, err := url.Parse(req.redirectURI); err == nil {
		p.RedirectHost = u.Host
	}
	for _, sc := range req.scopes {
		p.Scopes = append(p.Scopes, scopeLine{Scope: sc, Words: describeScope(sc)})
	}
	s.mu.Lock()
	for _, m := range s.st.memberships() {
		p.Accounts = append(p.Accounts, accountOption{
			Value: m.team.UUID + ":" + m.user.UUID,
			Label: m.team.Name + " — " + m.user.Email,
		})
	}
	s.mu.Unlock()
	renderPage(w, http.StatusOK, "consent", p)
}

// renderError shows an error page; used when redirecting back would be unsafe.
func (s *Server) renderError(w http.ResponseWriter, status int, message string) {
	renderPage(w, status, "error", struct{ Title, Message string }{"Authorization failed", message})
}

// renderPage executes a template into a buffer and writes it with safe headers.
func renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "render page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
