package api

import (
	"context"
	"net/http"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

// cloudAccount is the API's view of a cloud account: never a token, sealed or not.
type cloudAccount struct {
	ID              string     `json:"id"`
	Provider        string     `json:"provider"`
	Name            string     `json:"name"`
	Status          string     `json:"status"`
	StatusMessage   string     `json:"status_message"`
	Capabilities    []string   `json:"capabilities"`
	AccountEmail    string     `json:"account_email"`
	TeamName        string     `json:"team_name"`
	TeamUUID        string     `json:"team_uuid"`
	AuthType        string     `json:"auth_type"`
	Scopes          []string   `json:"scopes"`
	IsDefault       bool       `json:"is_default"`
	ExpiresAt       *time.Time `json:"expires_at"`
	LastValidatedAt *time.Time `json:"last_validated_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

func toCloudAccount(a domain.CloudAccount) cloudAccount {
	caps := make([]string, 0, len(a.Capabilities))
	for _, c := range a.Capabilities {
		caps = append(caps, string(c))
	}
	scopes := append([]string{}, a.Scopes...)
	return cloudAccount{
		ID: a.ID, Provider: string(a.Provider), Name: a.Name, Status: string(a.Status), StatusMessage: a.StatusMessage,
		Capabilities: caps, AccountEmail: a.AccountEmail, TeamName: a.TeamName, TeamUUID: a.TeamUUID,
		AuthType: string(a.AuthType), Scopes: scopes, IsDefault: a.IsDefault, ExpiresAt: a.ExpiresAt,
		LastValidatedAt: a.LastValidatedAt, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
}

type accountEnvelope struct {
	CloudAccount cloudAccount `json:"cloud_account"`
}

func (h *Handler) listAccounts(w http.ResponseWriter, r *http.Request) {
	accounts, err := h.svc.ListAccounts(r.Context(), actorOf(r))
	if err != nil {
		h.writeErr(w, r, err)
		return
	}
	out := make([]cloudAccount, 0, len(accounts))
	for _, a := range accounts {
		out = append(out, toCloudAccount(a))
	}
	h.writeJSON(w, http.StatusOK, map[string]any{"cloud_accounts": out})
}

func (h *Handler) getAccount(w http.ResponseWriter, r *http.Request) {
	acct, err := h.svc.GetAccount(r.Context(), actorOf(r), r.PathValue("id"))
	h.writeAccount(w, r, http.StatusOK, acct, err)
}

type createAccountRequest struct {
	Provider string `json:"provider"`
	Token    string `json:"token"`
	Name     string `json:"name"`
}

// createAccount connects an account with an API token, validated against DigitalOcean first.
func (h *Handler) createAccount(w http.ResponseWriter, r *http.Request) {
	var req createAccountRequest
	if err := decode(r, &req); err != nil {
		h.writeErr(w, r, err)
		return
	}
	acct, err := h.svc.ConnectToken(detached(r), actorOf(r), service.ConnectTokenParams{
		Provider: domain.Provider(req.Provider), Token: req.Token, Name: req.Name,
	})
	h.writeAccount(w, r, http.StatusCreated, acct, err)
}

type updateAccountRequest struct {
	Name      *string `json:"name"`
	IsDefault *bool   `json:"is_default"`
}

func (h *Handler) updateAccount(w http.ResponseWriter, r *http.Request) {
	var req updateAccountRequest
	if err := decode(r, &req); err != nil {
		h.writeErr(w, r, err)
		return
	}
	acct, err := h.svc.UpdateAccount(r.Context(), actorOf(r), r.PathValue("id"), service.UpdateAccountParams(req))
	h.writeAccount(w, r, http.StatusOK, acct, err)
}

func (h *Handler) validateAccount(w http.ResponseWriter, r *http.Request) {
	acct, err := h.svc.ValidateAccount(detached(r), actorOf(r), r.PathValue("id"))
	h.writeAccount(w, r, http.StatusOK, acct, err)
}

// refreshAccount refreshes an OAuth account's tokens now and returns the re-validated account.
func (h *Handler) refreshAccount(w http.ResponseWriter, r *http.Request) {
	acct, err := h.svc.RefreshAccount(detached(r), actorOf(r), r.PathValue("id"))
	h.writeAccount(w, r, http.StatusOK, acct, err)
}

// disconnection is how a disconnect ended: the account is gone either way.
type disconnection struct {
	Disconnected bool   `json:"disconnected"`
	Revoked      bool   `json:"revoked"`
	Message      string `json:"message"`
}

func (h *Handler) disconnectAccount(w http.ResponseWriter, r *http.Request) {
	res, err := h.svc.DisconnectAccount(detached(r), actorOf(r), r.PathValue("id"))
	if err != nil {
		h.writeErr(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, disconnection{Disconnected: true, Revoked: res.Revoked, Message: res.Detail})
}

func (h *Handler) writeAccount(w http.ResponseWriter, r *http.Request, status int, acct domain.CloudAccount, err error) {
	if err != nil {
		h.writeErr(w, r, err)
		return
	}
	h.writeJSON(w, status, accountEnvelope{toCloudAccount(acct)})
}

// detached keeps a DigitalOcean round trip and its bookkeeping going if the client hangs up.
func detached(r *http.Request) context.Context { return context.WithoutCancel(r.Context()) }
