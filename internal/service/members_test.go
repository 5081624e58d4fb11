package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

func TestInviteAndAcceptANewMember(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inv, err := e.svc.InviteMember(e.ctx, e.admin, " Grace@Example.com ", domain.RoleMember)
	if err != nil {
		t.Fatalf("InviteMember() = %v", err)
	}
	view, err := e.svc.Invitation(e.ctx, inv.Token)
	if err != nil || view.OrgName != "Analytical Engines" || view.Email != "grace@example.com" || view.ExistingUser {
		t.Errorf("Invitation() = %+v, %v; want the organization, the email, a new user", view, err)
	}
	var v *domain.ValidationError
	if _, err := e.svc.AcceptInvitation(e.ctx, inv.Token, "short"); !errors.As(err, &v) || v.Field != "password" {
		t.Errorf("AcceptInvitation(short password) = %v, want a password error", err)
	}
	grant, err := e.svc.AcceptInvitation(e.ctx, inv.Token, "grace's long password")
	if err != nil || grant.Actor.OrgID != e.admin.OrgID || grant.Actor.Role != domain.RoleMember {
		t.Fatalf("AcceptInvitation() = %+v, %v; want a member session in the organization", grant.Actor, err)
	}
	if _, err := e.svc.AcceptInvitation(e.ctx, inv.Token, "grace's long password"); problemCode(err) != service.CodeInvitationInvalid {
		t.Errorf("second AcceptInvitation() = %v, want %s", err, service.CodeInvitationInvalid)
	}
	people, err := e.svc.ListPeople(e.ctx, e.admin)
	if err != nil || len(people.Members) != 2 || people.Members[1].Email != "grace@example.com" || len(people.Invitations) != 0 {
		t.Errorf("ListPeople() = %+v, %v; want ada and grace, no pending invitations", people, err)
	}
	if _, err := e.svc.ListPeople(e.ctx, grant.Actor); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("ListPeople(member) = %v, want ErrForbidden", err)
	}
	if _, err := e.svc.InviteMember(e.ctx, grant.Actor, "x@example.com", domain.RoleAdmin); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("InviteMember(member) = %v, want ErrForbidden", err)
	}
}

func TestInviteAnExistingUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.svc.Bootstrap(e.ctx, service.BootstrapParams{Email: "eve@example.com", Password: "eve's long password", OrganizationName: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := e.svc.InviteMember(e.ctx, e.admin, "eve@example.com", domain.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if view, _ := e.svc.Invitation(e.ctx, inv.Token); !view.ExistingUser {
		t.Errorf("Invitation() for an existing user = %+v, want ExistingUser", view)
	}
	if _, err := e.svc.AcceptInvitation(e.ctx, inv.Token, "not eve's password"); problemCode(err) != service.CodeInvalidCredentials {
		t.Errorf("AcceptInvitation(wrong password) = %v, want %s", err, service.CodeInvalidCredentials)
	}
	grant, err := e.svc.AcceptInvitation(e.ctx, inv.Token, "eve's long password")
	if err != nil || grant.Actor.OrgID != e.admin.OrgID || !grant.Actor.IsAdmin() {
		t.Errorf("AcceptInvitation() = %+v, %v; want an admin session in the inviting organization", grant.Actor, err)
	}
	if _, err := e.svc.InviteMember(e.ctx, e.admin, "eve@example.com", domain.RoleMember); err == nil {
		t.Errorf("InviteMember(existing member) = nil, want a validation error")
	}
}

func TestInvitationValidationAndExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tt := range []struct {
		email string
		role  domain.Role
		field string
	}{{"nope", domain.RoleMember, "email"}, {"x@example.com", "owner", "role"}, {"ada@example.com", domain.RoleMember, "email"}} {
		var v *domain.ValidationError
		if _, err := e.svc.InviteMember(e.ctx, e.admin, tt.email, tt.role); !errors.As(err, &v) || v.Field != tt.field {
			t.Errorf("InviteMember(%q, %q) = %v, want a validation error on %s", tt.email, tt.role, err, tt.field)
		}
	}
	inv, err := e.svc.InviteMember(e.ctx, e.admin, "late@example.com", domain.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(7 * 24 * time.Hour)
	if _, err := e.svc.Invitation(e.ctx, inv.Token); problemCode(err) != service.CodeInvitationInvalid {
		t.Errorf("Invitation(after 7 days) = %v, want %s", err, service.CodeInvitationInvalid)
	}
	if _, err := e.svc.Invitation(e.ctx, "made-up"); problemCode(err) != service.CodeInvitationInvalid {
		t.Errorf("Invitation(unknown) = %v, want %s", err, service.CodeInvitationInvalid)
	}
}
