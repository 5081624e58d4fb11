package digitalocean

import (
	"context"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

func TestBilling(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(time.Date(2025, 5, 10, 12, 0, 0, 0, time.UTC)) // seeded droplets run since March
	sim := startSim(t, dosim.Options{Now: clock.Now})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()

	b, err := c.Balance(ctx, token)
	if err != nil {
		t.Fatalf("Balance() = %v", err)
	}
	if b.MonthToDateUsage == "" || b.MonthToDateUsage == "0.00" || b.AccountBalance == "" || b.GeneratedAt.IsZero() {
		t.Errorf("Balance() = %+v, want this month's usage of the running droplets", b)
	}
	history, err := c.BillingHistory(ctx, token)
	if err != nil {
		t.Fatalf("BillingHistory() = %v", err)
	}
	if len(history) == 0 {
		t.Fatal("BillingHistory() is empty, want the invoices of March and April")
	}
	for _, e := range history {
		if e.Date.IsZero() || e.Type == "" || e.Amount == "" {
			t.Errorf("billing entry %+v lacks a date, type or amount", e)
		}
	}
	if _, err := c.Balance(ctx, readOnlyToken); err != nil {
		t.Errorf("Balance(read token) = %v, want allowed: read covers billing:read", err)
	}
}
