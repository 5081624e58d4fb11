package dosim_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

type balanceBody struct {
	MonthToDateBalance string `json:"month_to_date_balance"`
	AccountBalance     string `json:"account_balance"`
	MonthToDateUsage   string `json:"month_to_date_usage"`
	GeneratedAt        string `json:"generated_at"`
}

type billingEntry struct {
	Description string `json:"description"`
	Amount      string `json:"amount"`
	InvoiceID   string `json:"invoice_id"`
	InvoiceUUID string `json:"invoice_uuid"`
	Date        string `json:"date"`
	Type        string `json:"type"`
}

func TestBillingArithmetic(t *testing.T) {
	t.Parallel()
	sim, clk, token := emptyTeam(t) // the clock starts at 2026-01-02T03:04:05Z
	create := func(name, size string) int {
		var got createResponse
		res := call(t, sim.URL, token, http.MethodPost, "/v2/droplets", createBody(map[string]any{"name": name, "size": size}))
		res.decode(t, &got)
		if res.status != http.StatusAccepted {
			t.Fatalf("create %s = %d %s", name, res.status, res.body)
		}
		return got.Droplet.ID
	}
	var big int
	steps := []struct {
		what      string
		advance   time.Duration
		do        func()
		wantUsage string
	}{
		// s-2vcpu-4gb costs $0.03571 an hour, s-1vcpu-1gb $0.00893; each started hour counts.
		{"nothing yet", 0, nil, "0.00"},
		{"big created", 0, func() { big = create("big", "s-2vcpu-4gb") }, "0.00"},
		{"10 hours", 10 * time.Hour, nil, "0.36"},            // 10 x 0.03571
		{"half an hour more", 30 * time.Minute, nil, "0.39"}, // 11 started hours
		{"small created", 0, func() { create("small", "s-1vcpu-1gb") }, "0.39"},
		{"an hour more", time.Hour, nil, "0.44"}, // 12 x 0.03571 + 1 x 0.00893
		{"big deleted", 0, func() {
			call(t, sim.URL, token, http.MethodDelete, "/v2/droplets/"+strconv.Itoa(big), nil)
		}, "0.44"},
		{"100 hours later", 100 * time.Hour, nil, "1.33"}, // big stays at 12 hours; 101 x 0.00893
	}
	for _, st := range steps {
		clk.Advance(st.advance)
		if st.do != nil {
			st.do()
		}
		var got balanceBody
		res := call(t, sim.URL, token, http.MethodGet, "/v2/customers/my/balance", nil)
		res.decode(t, &got)
		if res.status != http.StatusOK || got.MonthToDateUsage != st.wantUsage || got.MonthToDateBalance != st.wantUsage ||
			got.AccountBalance != "0.00" || got.GeneratedAt != clk.Now().Format(time.RFC3339) {
			t.Errorf("%s: balance = %d %+v, want usage and balance %s", st.what, res.status, got, st.wantUsage)
		}
	}
}

func TestBillingMonthlyCapAndHistory(t *testing.T) {
	t.Parallel()
	sim, clk, token := emptyTeam(t)
	call(t, sim.URL, token, http.MethodPost, "/v2/droplets", createBody(map[string]any{"name": "a", "size": "s-2vcpu-4gb"}))
	clk.Advance(10*time.Hour + 30*time.Minute) // 2026-01-02T13:34:05Z
	call(t, sim.URL, token, http.MethodPost, "/v2/droplets", createBody(map[string]any{"name": "b", "size": "s-1vcpu-1gb"}))
	february := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		at          time.Time
		wantUsage   string
		wantHistory []billingEntry
	}{
		// January: a ran 710 hours (capped at $24), b 707 hours (capped at $6).
		{february.Add(-time.Minute), "30.00", nil},
		{february.Add(time.Minute), "0.04", []billingEntry{ // 1 hour of each in February: 0.04464
			{Description: "Invoice for January 2026", Amount: "30.00", Date: "2026-02-01T00:00:00Z", Type: "Invoice"},
		}},
		{february.Add(2*24*time.Hour + time.Minute), "2.19", []billingEntry{ // 49 hours of each
			{Description: "Payment (Visa 4242)", Amount: "-30.00", Date: "2026-02-03T00:00:00Z", Type: "Payment"},
			{Description: "Invoice for January 2026", Amount: "30.00", Date: "2026-02-01T00:00:00Z", Type: "Invoice"},
		}},
	}
	for _, tt := range tests {
		clk.Advance(tt.at.Sub(clk.Now()))
		var bal balanceBody
		call(t, sim.URL, token, http.MethodGet, "/v2/customers/my/balance", nil).decode(t, &bal)
		if bal.MonthToDateUsage != tt.wantUsage {
			t.Errorf("at %s: month_to_date_usage %s, want %s", tt.at.Format(time.RFC3339), bal.MonthToDateUsage, tt.wantUsage)
		}
		var hist struct {
			BillingHistory []billingEntry `json:"billing_history"`
			Meta           struct{ Total int }
		}
		res := call(t, sim.URL, token, http.MethodGet, "/v2/customers/my/billing_history", nil)
		res.decode(t, &hist)
		if res.status != http.StatusOK || len(hist.BillingHistory) != len(tt.wantHistory) || hist.Meta.Total != len(tt.wantHistory) {
			t.Errorf("at %s: billing history = %d %s, want %d entries", tt.at.Format(time.RFC3339), res.status, res.body, len(tt.wantHistory))
			continue
		}
		for i, want := range tt.wantHistory {
			got := hist.BillingHistory[i]
			if got.Description != want.Description || got.Amount != want.Amount || got.Date != want.Date || got.Type != want.Type ||
				(want.Type == "Invoice" && (got.InvoiceID == "" || got.InvoiceUUID == "")) {
				t.Errorf("at %s: entry %d = %+v, want %+v", tt.at.Format(time.RFC3339), i, got, want)
			}
		}
	}
}

func TestSeedBillingHistory(t *testing.T) {
	t.Parallel()
	sim, _ := start(t) // seed droplets have run since 2025-03-14; the clock is at 2026-01-02
	var hist struct {
		BillingHistory []billingEntry `json:"billing_history"`
		Meta           struct{ Total int }
	}
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/customers/my/billing_history?per_page=50", nil).decode(t, &hist)
	// Ten invoices (March to December 2025), newest first; December's is not paid yet.
	if hist.Meta.Total != 19 || hist.BillingHistory[0].Description != "Invoice for December 2025" ||
		hist.BillingHistory[0].Amount != "30.00" || hist.BillingHistory[1].Type != "Payment" || hist.BillingHistory[1].Amount != "-30.00" {
		t.Errorf("seed billing history = %+v, want 10 invoices, newest first, December at $30.00 and unpaid", hist)
	}
	if last := hist.BillingHistory[len(hist.BillingHistory)-1]; last.Description != "Invoice for March 2025" || last.Amount != "18.88" {
		t.Errorf("oldest entry = %+v, want March 2025 at 18.88 (423 hours of the $6 and $24 plans)", last)
	}
	wantError(t, "GET balance without billing:read", call(t, sim.URL, acmeToken(t, sim, "billing", "droplet:read"), http.MethodGet, "/v2/customers/my/balance", nil),
		http.StatusForbidden, "forbidden", "")
}
