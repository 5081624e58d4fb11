package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
)

func TestErrorsBecomeProviderErrorsWithRequestIDs(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{RateLimitPerMinute: 3})
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	ctx := context.Background()
	tests := []struct {
		name    string
		url     string
		call    func(c *Client) error
		kind    domain.ProviderErrorKind
		status  int
		message string // DigitalOcean's message, when the test knows it
	}{
		{"401 bad token", sim.URL, func(c *Client) error {
			_, err := c.Account(ctx, "dop_v1_"+"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
			return err
		}, domain.ProviderUnauthorized, 401, "Unable to authenticate you"},
		{"403 read-only token writes", sim.URL, func(c *Client) error {
			_, err := c.CreateDomain(ctx, readOnlyToken, "readonly.example", "")
			return err
		}, domain.ProviderForbidden, 403, "You are not authorized to perform this operation"},
		{"404 no such droplet", sim.URL, func(c *Client) error {
			_, err := c.Droplet(ctx, token, 999)
			return err
		}, domain.ProviderNotFound, 404, ""},
		{"422 region unavailable", sim.URL, func(c *Client) error {
			_, err := c.CreateDroplets(ctx, token, provider.CreateDropletsParams{RequestID: "r1", Names: []string{"x"}, Region: "nyc2", Size: "s-1vcpu-1gb", Image: "ubuntu-24-04-x64"})
			return err
		}, domain.ProviderUnprocessable, 422, "Region is not available"},
		{"429 exhausted", sim.URL, func(c *Client) error {
			var err error
			for range 4 { // the simulator allows 3 a minute, and its clock does not follow ours
				if _, err = c.Regions(ctx, token); err != nil {
					break
				}
			}
			return err
		}, domain.ProviderRateLimited, 429, "API rate limit exceeded."},
		{"network failure", dead.URL, func(c *Client) error {
			_, err := c.Sizes(ctx, token)
			return err
		}, domain.ProviderUnavailable, 0, "DigitalOcean could not be reached"},
	}
	for _, tt := range tests {
		c := newTestClient(t, tt.url, Options{})
		err := tt.call(c.Client)
		var pe *domain.ProviderError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v is not a *domain.ProviderError", tt.name, err)
			continue
		}
		if pe.Kind != tt.kind || pe.Status != tt.status || (tt.message != "" && pe.Message != tt.message) {
			t.Errorf("%s: got kind %s status %d message %q, want %s %d %q", tt.name, pe.Kind, pe.Status, pe.Message, tt.kind, tt.status, tt.message)
		}
		seen := c.count.Seen("")
		if want := seen[len(seen)-1].RequestID; pe.RequestID != want {
			t.Errorf("%s: request id %q, want %q (the last answer's)", tt.name, pe.RequestID, want)
		}
		if tt.status != 0 && pe.RequestID == "" {
			t.Errorf("%s: no request id kept", tt.name)
		}
	}
}

func TestPacerRefusalIsRateLimited(t *testing.T) {
	t.Parallel()
	err := translate(context.Background(), "list droplets", &paceError{wait: 90e9})
	if kind := domain.ProviderErrorKindOf(err); kind != domain.ProviderRateLimited {
		t.Errorf("translate(paceError) = %v, want kind %s", err, domain.ProviderRateLimited)
	}
}

func TestCallerCancellationIsNotAProviderError(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Droplets(ctx, token)
	if !errors.Is(err, context.Canceled) || domain.ProviderErrorKindOf(err) != "" {
		t.Errorf("Droplets(cancelled) = %v, want context.Canceled and no provider error", err)
	}
}
