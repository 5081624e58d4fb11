package web

import (
	"strconv"
	"time"

	"github.com/berth-dev/berth/internal/domain"
)

// rowProblem is a failure shown inside an account's row.
type rowProblem struct{ Title, Detail string }

func statusLabel(s domain.AccountStatus) string {
	switch s {
	case domain.StatusActive:
		return "Active"
	case domain.StatusExpired:
		return "Expired"
	case domain.StatusError:
		return "Error"
	}
	return string(s)
}

func capabilityLabel(c domain.Capability) string {
	switch c {
	case domain.CapCompute:
		return "Compute"
	case domain.CapStorage:
		return "Storage"
	case domain.CapDNS:
		return "DNS"
	}
	return string(c)
}

// accountIdentity is the DigitalOcean side of an account: its email and team.
func accountIdentity(a domain.CloudAccount) string {
	switch {
	case a.AccountEmail != "" && a.TeamName != "":
		return a.AccountEmail + " · " + a.TeamName
	case a.AccountEmail != "":
		return a.AccountEmail
	}
	return a.TeamName
}

func formatTime(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func boolString(b bool) string { return strconv.FormatBool(b) }

func roleLabel(r domain.Role) string {
	if r == domain.RoleAdmin {
		return "Admin"
	}
	return "Member"
}

// doneID marks the end of a popup flow, which app.js reports to the opener and closes.
func doneID(popup bool) string {
	if popup {
		return "oauth-done"
	}
	return "oauth-end"
}
