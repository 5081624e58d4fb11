// Package web serves Berth's HTML UI: templ pages and htmx partials that call the services only.
package web

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

//go:embed static
var staticFiles embed.FS

// sessionCookie names the browser session cookie.
const sessionCookie = "berth_session"

// linkCookie binds a connect link's consent flow to the browser that started it.
const linkCookie = "berth_connect"

// Options configures the UI.
type Options struct {
	Services      *service.Services
	Logger        *slog.Logger
	Sandbox       bool   // show the Sandbox marker
	SecureCookies bool   // add Secure to cookies (Berth is served over https)
	PublicURL     string // where people reach Berth, for links they send to others
}

// Handler serves the UI.
type Handler struct {
	svc       *service.Services
	log       *slog.Logger
	sandbox   bool
	secure    bool
	publicURL string
}

// New returns the UI handler.
func New(o Options) *Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{svc: o.Services, log: o.Logger, sandbox: o.Sandbox, secure: o.SecureCookies, publicURL: o.PublicURL}
}

// Register adds the UI's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", http.FileServerFS(staticFiles))
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /signin", h.signInForm)
	mux.HandleFunc("POST /signin", h.signIn)
	mux.HandleFunc("GET /signup", h.signUpForm)
	mux.HandleFunc("POST /signup", h.signUp)
	mux.HandleFunc("POST /signout", h.signOut)
	mux.Handle("GET /settings", h.signedIn(redirectTo("/settings/cloud-accounts")))
	mux.Handle("GET /settings/cloud-accounts", h.signedIn(h.cloudAccounts))
	mux.Handle("GET /settings/cloud-accounts/list", h.signedIn(h.accountList))
	mux.Handle("POST /settings/cloud-accounts/token", h.signedIn(h.connectToken))
	mux.Handle("GET /settings/cloud-accounts/{id}/row", h.signedIn(h.accountRow))
	mux.Handle("GET /settings/cloud-accounts/{id}/edit", h.signedIn(h.editAccount))
	mux.Handle("POST /settings/cloud-accounts/{id}", h.signedIn(h.saveAccount))
	mux.Handle("POST /settings/cloud-accounts/{id}/validate", h.signedIn(h.validateAccount))
	mux.Handle("POST /settings/cloud-accounts/{id}/disconnect", h.signedIn(h.disconnectAccount))
	mux.Handle("GET /settings/members", h.signedIn(h.members))
	mux.Handle("POST /settings/members", h.signedIn(h.inviteMember))
	mux.HandleFunc("GET /join", h.invitation)
	mux.HandleFunc("POST /join", h.acceptInvitation)
	mux.Handle("GET /settings/audit", h.signedIn(h.audit))
	mux.Handle("GET /settings/webhooks", h.signedIn(h.webhooks))
	mux.Handle("POST /settings/webhooks", h.signedIn(h.createWebhook))
	mux.Handle("POST /settings/webhooks/{id}/delete", h.signedIn(h.deleteWebhook))
	mux.Handle("POST /settings/webhooks/deliveries/{id}/redeliver", h.signedIn(h.redeliver))
	mux.Handle("GET /settings/api-keys", h.signedIn(h.apiKeys))
	mux.Handle("POST /settings/api-keys", h.signedIn(h.createAPIKey))
	mux.Handle("POST /settings/api-keys/{id}/revoke", h.signedIn(h.revokeAPIKey))
	mux.Handle("GET /oauth/digitalocean/start", h.signedIn(h.oauthStart))
	mux.HandleFunc("GET /oauth/digitalocean/callback", h.oauthCallback)
	mux.Handle("POST /settings/cloud-accounts/connect-links", h.signedIn(h.createConnectLink))
	mux.HandleFunc("GET /connect", h.connectLink)
	mux.HandleFunc("POST /connect", h.startLinkedOAuth)
}

// signedIn runs next with the session's actor in the context, or sends the browser to sign in.
func (h *Handler) signedIn(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var token string
		if c, err := r.Cookie(sessionCookie); err == nil {
			token = c.Value
		}
		actor, err := h.svc.SessionActor(r.Context(), token)
		if errors.Is(err, domain.ErrUnauthenticated) {
			h.toSignIn(w, r)
			return
		}
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		next(w, r.WithContext(service.WithActor(r.Context(), actor)))
	})
}

// toSignIn redirects to the sign-in page; htmx requests get a full-page redirect.
func (h *Handler) toSignIn(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", "/signin")
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

func redirectTo(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, path, http.StatusSeeOther) }
}

func actorOf(r *http.Request) service.Actor {
	a, _ := service.ActorFrom(r.Context())
	return a
}

func (h *Handler) chrome(r *http.Request, title, section string) Chrome {
	a := actorOf(r)
	return Chrome{Title: title, Email: a.Email, OrgName: a.OrgName, Sandbox: h.sandbox, Section: section, Admin: a.IsAdmin()}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		h.log.ErrorContext(r.Context(), "render page", "path", r.URL.Path, "error", err)
	}
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "error", err)
	http.Error(w, "Something went wrong on our side. Try again; if it keeps failing, check Berth's log.", http.StatusInternalServerError)
}

// failure renders err for a person: a 404, a 403, or a server error.
func (h *Handler) failure(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, domain.ErrNotFound):
		http.Error(w, "Not found.", http.StatusNotFound)
	case errors.Is(err, domain.ErrForbidden):
		http.Error(w, "Only organization admins can do that.", http.StatusForbidden)
	default:
		h.serverError(w, r, err)
	}
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secure,
	})
}

func (h *Handler) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secure,
	})
}

// problemOf returns the person-facing problem in err, if any.
func problemOf(err error) (*service.Problem, bool) {
	var p *service.Problem
	ok := errors.As(err, &p)
	return p, ok
}

func validationOf(err error) (*domain.ValidationError, bool) {
	var v *domain.ValidationError
	ok := errors.As(err, &v)
	return v, ok
}

// detached keeps work going after the browser goes away mid-request.
func detached(r *http.Request) context.Context { return context.WithoutCancel(r.Context()) }
