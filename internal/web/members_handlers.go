package web

import (
	"net/http"
	"net/url"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

func (h *Handler) members(w http.ResponseWriter, r *http.Request) {
	h.renderMembers(w, r, http.StatusOK, InviteForm{})
}

func (h *Handler) renderMembers(w http.ResponseWriter, r *http.Request, status int, f InviteForm) {
	people, err := h.svc.ListPeople(r.Context(), actorOf(r))
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.render(w, r, status, membersPage(h.chrome(r, "Members", "settings"), people, f))
}

// inviteMember makes an invitation and shows its link once. The token rides in the query of
// /join, which request logs leave out.
func (h *Handler) inviteMember(w http.ResponseWriter, r *http.Request) {
	f := InviteForm{Email: r.PostFormValue("email"), Role: r.PostFormValue("role")}
	inv, err := h.svc.InviteMember(r.Context(), actorOf(r), f.Email, domain.Role(f.Role))
	if v, ok := validationOf(err); ok {
		f.Error = v.Message
		h.renderMembers(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.failure(w, r, err)
		return
	}
	f.Email, f.NewLink = inv.Invitation.Email, h.publicURL+"/join?token="+url.QueryEscape(inv.Token)
	h.renderMembers(w, r, http.StatusOK, f)
}

// invitation shows what a link offers: the organization, the role, and a password field.
func (h *Handler) invitation(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	view, err := h.svc.Invitation(r.Context(), token)
	h.renderInvitation(w, r, token, view, err)
}

func (h *Handler) renderInvitation(w http.ResponseWriter, r *http.Request, token string, view service.InvitationView, err error) {
	var title, detail string
	status := http.StatusOK
	if err != nil {
		p, ok := problemOf(err)
		v, isValidation := validationOf(err)
		switch {
		case ok:
			title, detail = p.Title, p.Detail
		case isValidation:
			title, detail = "Check the password", v.Message
		default:
			h.serverError(w, r, err)
			return
		}
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, invitationPage(token, view, title, detail, h.sandbox))
}

// acceptInvitation joins the organization and signs the person in.
func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	grant, err := h.svc.AcceptInvitation(r.Context(), token, r.PostFormValue("password"))
	if err != nil {
		view, viewErr := h.svc.Invitation(r.Context(), token)
		if viewErr != nil {
			err = viewErr
		}
		h.renderInvitation(w, r, token, view, err)
		return
	}
	h.setSessionCookie(w, grant.Token, grant.ExpiresAt)
	http.Redirect(w, r, "/settings/cloud-accounts", http.StatusSeeOther)
}
