package dosim

import (
	"encoding/json"
	"net/http"
)

// API error ids and messages, as DigitalOcean answers them.
const (
	msgUnauthorized = "Unable to authenticate you"
	msgForbidden    = "You are not authorized to perform this operation"
	msgNotFound     = "The resource you were accessing could not be found."
	msgRateLimited  = "API rate limit exceeded."
	msgBadBody      = "error parsing request body"
	msgServerError  = "Unexpected server-side error"
	msgUnavailable  = "The service is temporarily unavailable. Please try again later."
	msgLocked       = "This account is locked. Contact DigitalOcean support to restore access."
)

// apiError is the body of every API v2 error.
type apiError struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeAPIError writes an API v2 error body.
func writeAPIError(w http.ResponseWriter, r *http.Request, status int, id, message string) {
	writeJSON(w, status, apiError{ID: id, Message: message, RequestID: requestID(r)})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeAPIError(w, r, http.StatusNotFound, "not_found", msgNotFound)
}

func unprocessable(w http.ResponseWriter, r *http.Request, message string) {
	writeAPIError(w, r, http.StatusUnprocessableEntity, "unprocessable_entity", message)
}

func badRequest(w http.ResponseWriter, r *http.Request, message string) {
	writeAPIError(w, r, http.StatusBadRequest, "bad_request", message)
}

// oauthError is the body of every OAuth endpoint error (RFC 6749 section 5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// writeOAuthError writes an OAuth error body. It never includes a token.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, oauthError{Error: code, Description: description})
}
