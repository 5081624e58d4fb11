package domain

import (
	"errors"
	"fmt"
)

// ProviderErrorKind classifies a failure reported by (or while reaching) a cloud provider.
type ProviderErrorKind string

// Provider error kinds.
const (
	ProviderUnauthorized  ProviderErrorKind = "unauthorized"  // the token is expired, revoked or wrong
	ProviderForbidden     ProviderErrorKind = "forbidden"     // the token lacks a scope or team role
	ProviderNotFound      ProviderErrorKind = "not_found"     // the resource does not exist
	ProviderUnprocessable ProviderErrorKind = "unprocessable" // the provider refused the request as invalid
	ProviderRateLimited   ProviderErrorKind = "rate_limited"  // too many requests
	ProviderUnavailable   ProviderErrorKind = "unavailable"   // network failure, timeout or 5xx
	ProviderInvalidGrant  ProviderErrorKind = "invalid_grant" // an OAuth code or refresh token was refused
	ProviderAccessDenied  ProviderErrorKind = "access_denied" // the person declined consent
)

// ProviderError is a failure from a provider with its message and request id, never a token.
type ProviderError struct {
	Kind      ProviderErrorKind
	Status    int    // HTTP status, 0 when none was received
	Message   string // the provider's own message
	RequestID string
	Err       error // the underlying error, if any
}

func (e *ProviderError) Error() string {
	msg := fmt.Sprintf("provider %s", e.Kind)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.RequestID != "" {
		msg += " [request " + e.RequestID + "]"
	}
	return msg
}

func (e *ProviderError) Unwrap() error { return e.Err }

// ProviderErrorKindOf returns the kind of the ProviderError in err's chain, or "".
func ProviderErrorKindOf(err error) ProviderErrorKind {
	var pe *ProviderError
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return ""
}
