package app_test

import (
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/config"
)

// TestJobsRevalidateDueAccounts runs the real job queue: with every account due at once, the
// periodic scheduler enqueues validations and the workers bring last_validated_at forward.
func TestJobsRevalidateDueAccounts(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			b := startBerth(t, berthOptions{engine: engine, configure: func(c *config.Config) {
				c.ValidateEvery, c.CheckEvery = time.Millisecond, 100*time.Millisecond
			}})
			c := b.apiClient(t, "Acme")
			_, created := c.do("POST", "/api/v1/cloud-accounts", `{"provider":"digitalocean","token":"`+dosim.SeedToken+`"}`)
			acct := created["cloud_account"].(map[string]any)
			// Twice: a completed validation must not keep the account from being queued again.
			seen := acct["last_validated_at"].(string)
			for round := range 2 {
				seen = waitRevalidated(t, c, acct["id"].(string), seen, round)
			}
		})
	}
}

// waitRevalidated waits until the account's last_validated_at moves past seen and returns it.
func waitRevalidated(t *testing.T, c *apiClient, id, seen string, round int) string {
	t.Helper()
	for range 300 {
		_, got := c.do("GET", "/api/v1/cloud-accounts/"+id, "")
		if later := got["cloud_account"].(map[string]any)["last_validated_at"].(string); later != seen {
			return later
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("round %d: no job re-validated the account within 30s (last_validated_at still %s)", round, seen)
	return ""
}
