package dosim

import (
	"fmt"
	"math"
	"net/http"
	"time"
)

// usage is one Droplet's run: what it cost per hour, from its creation to its deletion.
type usage struct {
	size     size
	from, to time.Time
}

// monthStart returns the first instant of t's month (UTC).
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// costIn is what u cost in the month starting at month: its hourly price times the hours
// it ran that month (each started hour counts), capped at the monthly price.
func (u usage) costIn(month, until time.Time) float64 {
	from, to := maxTime(u.from, month), minTime(u.to, minTime(month.AddDate(0, 1, 0), until))
	if !to.After(from) {
		return 0
	}
	hours := math.Ceil(to.Sub(from).Hours())
	return math.Min(hours*u.size.PriceHourly, u.size.PriceMonthly)
}

// usages lists every run of the team's Droplets, those still running up to now.
func (ts *teamState) usages(now time.Time) []usage {
	out := append([]usage(nil), ts.ended...)
	for _, d := range ts.droplets {
		out = append(out, usage{size: d.size, from: d.created, to: now})
	}
	return out
}

// costIn sums what every run cost in the month starting at month, up to now.
func (ts *teamState) costIn(month, now time.Time) float64 {
	var sum float64
	for _, u := range ts.usages(now) {
		sum += u.costIn(month, now)
	}
	return sum
}

// firstMonth returns the month of the team's earliest run, or now's month when none.
func (ts *teamState) firstMonth(now time.Time) time.Time {
	first := now
	for _, u := range ts.usages(now) {
		first = minTime(first, u.from)
	}
	return monthStart(first)
}

// money formats an amount as DigitalOcean does: a string with two decimals.
func money(v float64) string {
	return fmt.Sprintf("%.2f", math.Round(v*100)/100+0)
}

// balanceJSON is the body of GET /v2/customers/my/balance.
type balanceJSON struct {
	MonthToDateBalance string `json:"month_to_date_balance"`
	AccountBalance     string `json:"account_balance"`
	MonthToDateUsage   string `json:"month_to_date_usage"`
	GeneratedAt        string `json:"generated_at"`
}

// getBalance answers GET /v2/customers/my/balance. Earlier months are invoiced and paid,
// so the account balance is zero and the month-to-date balance is this month's usage.
func (s *Server) getBalance(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	now := s.now()
	usage := s.st.teams[c.team.UUID].costIn(monthStart(now), now)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, balanceJSON{
		MonthToDateBalance: money(usage), AccountBalance: money(0), MonthToDateUsage: money(usage),
		GeneratedAt: now.UTC().Format(time.RFC3339),
	})
}

// billingEntryJSON is one line of the billing history.
type billingEntryJSON struct {
	Description string `json:"description"`
	Amount      string `json:"amount"`
	InvoiceID   string `json:"invoice_id,omitempty"`
	InvoiceUUID string `json:"invoice_uuid,omitempty"`
	Date        string `json:"date"`
	Type        string `json:"type"`
}

// paymentDelay is how long after its invoice the simulated card payment is taken.
const paymentDelay = 2 * 24 * time.Hour

// billingHistory lists, newest first, an invoice on the first of each month for the month
// before (when it cost anything) and the card payment that settled it.
func (ts *teamState) billingHistory(now time.Time) []billingEntryJSON {
	var out []billingEntryJSON
	for m := ts.firstMonth(now); !m.AddDate(0, 1, 0).After(now); m = m.AddDate(0, 1, 0) {
		total := ts.costIn(m, now)
		if money(total) == "0.00" {
			continue
		}
		issued := m.AddDate(0, 1, 0)
		out = append(out, ts.invoice(m, issued, total))
		if paid := issued.Add(paymentDelay); !paid.After(now) {
			out = append(out, billingEntryJSON{Description: "Payment (Visa 4242)", Amount: money(-total),
				Date: paid.Format(time.RFC3339), Type: "Payment"})
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// invoice is the billing history line of the invoice for month.
func (ts *teamState) invoice(month, issued time.Time, total float64) billingEntryJSON {
	uuid := nameUUID("invoice/" + ts.UUID + "/" + month.Format("2006-01"))
	return billingEntryJSON{
		Description: "Invoice for " + month.Format("January 2006"), Amount: money(total),
		InvoiceID: fmt.Sprintf("%d", 8000000+month.Year()*12+int(month.Month())), InvoiceUUID: uuid,
		Date: issued.Format(time.RFC3339), Type: "Invoice",
	}
}

// listBillingHistory answers GET /v2/customers/my/billing_history.
func (s *Server) listBillingHistory(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	all := s.st.teams[c.team.UUID].billingHistory(s.now())
	s.mu.Unlock()
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		BillingHistory []billingEntryJSON `json:"billing_history"`
		listEnvelope
	}{items, env})
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
