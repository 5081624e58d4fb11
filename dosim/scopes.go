package dosim

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// granularScope matches scopes such as droplet:create or spaces_key:*.
var granularScope = regexp.MustCompile(`^[a-z_]+:[a-z_*]+$`)

// parseScopes splits a space-separated scope parameter. Empty means "read", as on
// DigitalOcean. It returns the first unknown scope as an error.
func parseScopes(raw string) ([]string, error) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return []string{"read"}, nil
	}
	var out []string
	for _, f := range fields {
		if f != "read" && f != "write" && !granularScope.MatchString(f) {
			return nil, fmt.Errorf("the requested scope %q is invalid, unknown, or malformed", f)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// scopeAllows reports whether a token with the granted scopes may use an operation that
// requires the scope required (resource:action, as in the API description). "write"
// allows everything, "read" allows every resource:read, and resource:* every action.
func scopeAllows(granted []string, required string) bool {
	resource, action, _ := strings.Cut(required, ":")
	for _, g := range granted {
		switch {
		case g == "write", g == required, g == resource+":*":
			return true
		case g == "read" && action == "read":
			return true
		}
	}
	return false
}

// isSubset reports whether every scope in narrower is in wider.
func isSubset(narrower, wider []string) bool {
	for _, s := range narrower {
		if !slices.Contains(wider, s) {
			return false
		}
	}
	return true
}

// describeScope says in words what a scope lets the application do.
func describeScope(scope string) string {
	switch scope {
	case "read":
		return "Read access: view every resource on the team"
	case "write":
		return "Write access: create, change and delete every resource on the team"
	}
	resource, action, _ := strings.Cut(scope, ":")
	return humanize(resource) + ": " + describeAction(action)
}

// describeAction turns the action half of a granular scope into words.
func describeAction(action string) string {
	switch action {
	case "*":
		return "full access"
	case "read":
		return "view"
	}
	return strings.ReplaceAll(action, "_", " ")
}

// humanize turns spaces_key into "Spaces key".
func humanize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
