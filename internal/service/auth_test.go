package service_test

import (
	"errors"
	"testing"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

func TestSignUpValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		p    service.SignUpParams
		want string
	}{
		{service.SignUpParams{Email: "nope", Password: "long enough pw", OrganizationName: "O"}, "email"},
		{service.SignUpParams{Email: "a@b.example", Password: "short", OrganizationName: "O"}, "password"},
		{service.SignUpParams{Email: "a@b.example", Password: "long enough pw", OrganizationName: " "}, "organization_name"},
	}
	for _, tt := range tests {
		_, err := e.svc.SignUp(e.ctx, tt.p)
		var v *domain.ValidationError
		if !errors.As(err, &v) || v.Field != tt.want {
			t.Errorf("SignUp(%+v) = %v, want a validation error on %s", tt.p, err, tt.want)
		}
	}
	// The first visitor signed up in newEnv; sign-up is now closed.
	_, err := e.svc.SignUp(e.ctx, service.SignUpParams{Email: "b@b.example", Password: "long enough pw", OrganizationName: "Other"})
	if problemCode(err) != service.CodeSignupClosed {
		t.Errorf("second SignUp() = %v, want %s", err, service.CodeSignupClosed)
	}
}

func TestSignInAndSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.svc.SignIn(e.ctx, "ada@example.com", "wrong password!"); problemCode(err) != service.CodeInvalidCredentials {
		t.Errorf("SignIn(wrong password) = %v, want %s", err, service.CodeInvalidCredentials)
	}
	if _, err := e.svc.SignIn(e.ctx, "nobody@example.com", "whatever pw"); problemCode(err) != service.CodeInvalidCredentials {
		t.Errorf("SignIn(unknown) = %v, want %s", err, service.CodeInvalidCredentials)
	}
	grant, err := e.svc.SignIn(e.ctx, " ADA@example.com ", "correct horse battery")
	if err != nil {
		t.Fatalf("SignIn() = %v", err)
	}
	actor, err := e.svc.SessionActor(e.ctx, grant.Token)
	if err != nil || actor.OrgName != "Analytical Engines" || !actor.IsAdmin() || actor.SessionID == "" {
		t.Errorf("SessionActor() = %+v, %v; want the admin of Analytical Engines", actor, err)
	}
	if err := e.svc.SignOut(e.ctx, grant.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SessionActor(e.ctx, grant.Token); !errors.Is(err, domain.ErrUnauthenticated) {
		t.Errorf("SessionActor(after sign-out) = %v, want ErrUnauthenticated", err)
	}
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key, err := e.svc.CreateAPIKey(e.ctx, e.admin, "deploy")
	if err != nil {
		t.Fatal(err)
	}
	actor, err := e.svc.APIKeyActor(e.ctx, key.Secret)
	if err != nil || actor.OrgID != e.admin.OrgID || actor.APIKeyID != key.Key.ID {
		t.Errorf("APIKeyActor() = %+v, %v", actor, err)
	}
	if err := e.svc.RevokeAPIKey(e.ctx, e.admin, key.Key.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.APIKeyActor(e.ctx, key.Secret); !errors.Is(err, domain.ErrUnauthenticated) {
		t.Errorf("APIKeyActor(revoked) = %v, want ErrUnauthenticated", err)
	}
	keys, _ := e.svc.ListAPIKeys(e.ctx, e.admin)
	if len(keys) != 1 || keys[0].RevokedAt == nil || keys[0].Hash == key.Secret {
		t.Errorf("ListAPIKeys() = %+v, want one revoked key stored by hash", keys)
	}
	var v *domain.ValidationError
	if _, err := e.svc.CreateAPIKey(e.ctx, e.admin, ""); !errors.As(err, &v) {
		t.Errorf("CreateAPIKey(no name) = %v, want a validation error", err)
	}
}

func TestBootstrap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := service.BootstrapParams{Email: "ops@example.com", Password: "bootstrap password", OrganizationName: "Ops"}
	first, err := e.svc.Bootstrap(e.ctx, p)
	if err != nil {
		t.Fatalf("Bootstrap() = %v", err)
	}
	again, err := e.svc.Bootstrap(e.ctx, p)
	if err != nil || again.Secret == first.Secret {
		t.Errorf("second Bootstrap() = %v, want a new key for the same admin", err)
	}
	p.Password = "not the password"
	if _, err := e.svc.Bootstrap(e.ctx, p); err == nil {
		t.Errorf("Bootstrap(wrong password) = nil, want an error")
	}
	p = service.BootstrapParams{Email: "ada@example.com", Password: "correct horse battery", OrganizationName: "Ops"}
	if _, err := e.svc.Bootstrap(e.ctx, p); err == nil {
		t.Errorf("Bootstrap(non-member of existing org) = nil, want an error")
	}
}
