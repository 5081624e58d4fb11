package web

import (
	"errors"
	"net/http"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

// home sends a person where they can start: their settings, sign-up on a new install, or sign-in.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, err := h.svc.SessionActor(r.Context(), c.Value); err == nil {
			http.Redirect(w, r, "/settings/cloud-accounts", http.StatusSeeOther)
			return
		}
	}
	open, err := h.svc.SignUpOpen(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if open {
		http.Redirect(w, r, "/signup", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request) {
	open, err := h.svc.SignUpOpen(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, signInPage(AuthForm{}, open, h.sandbox))
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	email := r.PostFormValue("email")
	grant, err := h.svc.SignIn(r.Context(), email, r.PostFormValue("password"))
	if p, ok := problemOf(err); ok {
		open, _ := h.svc.SignUpOpen(r.Context())
		h.render(w, r, http.StatusUnauthorized, signInPage(AuthForm{Email: email, ProblemTitle: p.Title, ProblemDetail: p.Detail}, open, h.sandbox))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setSessionCookie(w, grant.Token, grant.ExpiresAt)
	http.Redirect(w, r, "/settings/cloud-accounts", http.StatusSeeOther)
}

func (h *Handler) signUpForm(w http.ResponseWriter, r *http.Request) {
	open, err := h.svc.SignUpOpen(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !open {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, signUpPage(AuthForm{}, h.sandbox))
}

func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) {
	p := service.SignUpParams{
		Email: r.PostFormValue("email"), Password: r.PostFormValue("password"),
		OrganizationName: r.PostFormValue("organization_name"),
	}
	grant, err := h.svc.SignUp(r.Context(), p)
	if err != nil {
		h.signUpFailed(w, r, p, err)
		return
	}
	h.setSessionCookie(w, grant.Token, grant.ExpiresAt)
	http.Redirect(w, r, "/settings/cloud-accounts", http.StatusSeeOther)
}

func (h *Handler) signUpFailed(w http.ResponseWriter, r *http.Request, p service.SignUpParams, err error) {
	form := AuthForm{Email: p.Email, OrganizationName: p.OrganizationName, Errors: map[string]string{}}
	var v *domain.ValidationError
	switch prob, isProblem := problemOf(err); {
	case errors.As(err, &v):
		form.Errors[v.Field] = v.Message
	case isProblem:
		form.ProblemTitle, form.ProblemDetail = prob.Title, prob.Detail
	default:
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, signUpPage(form, h.sandbox))
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := h.svc.SignOut(r.Context(), c.Value); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	h.clearSessionCookie(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
