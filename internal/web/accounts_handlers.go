package web

import (
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

func (h *Handler) cloudAccounts(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	accounts, err := h.svc.ListAccounts(r.Context(), a)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var title, detail string
	if p := service.ProblemFor(r.URL.Query().Get("problem")); p != nil {
		title, detail = p.Title, p.Detail
	}
	h.render(w, r, http.StatusOK, cloudAccountsPage(h.chrome(r, "Cloud Accounts", "settings"), accounts, a.IsAdmin(), title, detail))
}

func (h *Handler) accountList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	accounts, err := h.svc.ListAccounts(r.Context(), a)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, accountList(accounts, a.IsAdmin()))
}

// connectToken answers the API-token form: the form again on failure, or a fresh form and
// an accounts-changed event (the list reloads, the dialog closes) on success.
func (h *Handler) connectToken(w http.ResponseWriter, r *http.Request) {
	form := TokenForm{Name: r.PostFormValue("name")}
	_, err := h.svc.ConnectToken(detached(r), actorOf(r), service.ConnectTokenParams{
		Provider: domain.ProviderDigitalOcean, Token: r.PostFormValue("token"), Name: form.Name,
	})
	var v *domain.ValidationError
	switch p, isProblem := problemOf(err); {
	case err == nil:
		w.Header().Set("HX-Trigger", "accounts-changed")
		h.render(w, r, http.StatusOK, tokenForm(TokenForm{}))
	case errors.As(err, &v):
		form.Error = v.Message
		h.render(w, r, http.StatusOK, tokenForm(form))
	case isProblem:
		form.ProblemTitle, form.ProblemDetail = p.Title, p.Detail
		h.render(w, r, http.StatusOK, tokenForm(form))
	default:
		h.failure(w, r, err)
	}
}

func (h *Handler) accountRow(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	acct, err := h.svc.GetAccount(r.Context(), a, r.PathValue("id"))
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, accountRow(acct, a.IsAdmin(), nil))
}

func (h *Handler) editAccount(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !a.IsAdmin() {
		h.failure(w, r, domain.ErrForbidden)
		return
	}
	acct, err := h.svc.GetAccount(r.Context(), a, r.PathValue("id"))
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, accountEditor(acct, ""))
}

// saveAccount saves the editor and answers with the whole list, since the default may move.
func (h *Handler) saveAccount(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	name, isDefault := r.PostFormValue("name"), r.PostFormValue("is_default") == "true"
	acct, err := h.svc.UpdateAccount(r.Context(), a, r.PathValue("id"), service.UpdateAccountParams{Name: &name, IsDefault: &isDefault})
	if v, ok := validationOf(err); ok {
		acct.Name = name
		w.Header().Set("HX-Retarget", "#account-"+acct.ID)
		w.Header().Set("HX-Reswap", "outerHTML")
		h.render(w, r, http.StatusOK, accountEditor(acct, v.Message))
		return
	}
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.accountList(w, r)
}

// validateAccount is the refresh icon: the row comes back with its new status, and the
// problem, if any, spelled out in it.
func (h *Handler) validateAccount(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	acct, err := h.svc.ValidateAccount(detached(r), a, r.PathValue("id"))
	var shown *rowProblem
	if p, ok := problemOf(err); ok {
		shown, err = &rowProblem{Title: p.Title, Detail: p.Detail}, nil
		h.log.WarnContext(r.Context(), "validate cloud account", "account_id", acct.ID, "problem", p.Code, "error", p.Err)
	}
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, accountRow(acct, a.IsAdmin(), shown))
}

// disconnectAccount answers with the list without the account and, out of band, how the
// revocation went.
func (h *Handler) disconnectAccount(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	res, err := h.svc.DisconnectAccount(detached(r), a, r.PathValue("id"))
	if err != nil {
		h.failure(w, r, err)
		return
	}
	accounts, err := h.svc.ListAccounts(r.Context(), a)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, templ.Join(accountList(accounts, a.IsAdmin()), disconnectedNotice(res.Revoked, res.Detail)))
}
