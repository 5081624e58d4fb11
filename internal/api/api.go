// Package api serves Berth's JSON REST API under /api/v1; it calls the services only.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

// maxBody bounds request bodies.
const maxBody = 1 << 20

// Handler serves the API.
type Handler struct {
	svc       *service.Services
	log       *slog.Logger
	publicURL string
}

// New returns the API handler; publicURL is where people reach Berth, for links it hands out.
func New(svc *service.Services, log *slog.Logger, publicURL string) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{svc: svc, log: log, publicURL: publicURL}
}

// Register adds the API's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/cloud-accounts", h.authed(h.listAccounts))
	mux.Handle("POST /api/v1/cloud-accounts", h.authed(h.createAccount))
	mux.Handle("GET /api/v1/cloud-accounts/{id}", h.authed(h.getAccount))
	mux.Handle("PATCH /api/v1/cloud-accounts/{id}", h.authed(h.updateAccount))
	mux.Handle("POST /api/v1/cloud-accounts/{id}/validate", h.authed(h.validateAccount))
	mux.Handle("POST /api/v1/cloud-accounts/{id}/refresh", h.authed(h.refreshAccount))
	mux.Handle("DELETE /api/v1/cloud-accounts/{id}", h.authed(h.disconnectAccount))
	mux.Handle("GET /api/v1/audit-events", h.authed(h.auditEvents))
	mux.Handle("POST /api/v1/cloud-accounts/connect-links", h.authed(h.createConnectLink))
	mux.Handle("POST /api/v1/cloud-accounts/{id}/reconnect", h.authed(h.reconnectLink))
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.writeError(w, r, apiError{http.StatusNotFound, "not_found", "No such API endpoint: " + r.Method + " " + r.URL.Path})
	}))
}

// authed runs next with the API key's actor in the context, or answers 401.
func (h *Handler) authed(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			h.writeErr(w, r, domain.ErrUnauthenticated)
			return
		}
		actor, err := h.svc.APIKeyActor(r.Context(), strings.TrimSpace(key))
		if err != nil {
			h.writeErr(w, r, err)
			return
		}
		next(w, r.WithContext(service.WithActor(r.Context(), actor)))
	})
}

func actorOf(r *http.Request) service.Actor {
	a, _ := service.ActorFrom(r.Context())
	return a
}

// decode reads a JSON body into v, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apiError{http.StatusBadRequest, "bad_request", fmt.Sprintf("The request body is not valid JSON for this endpoint: %v", err)}
	}
	if dec.More() {
		return apiError{http.StatusBadRequest, "bad_request", "The request body has data after the JSON object."}
	}
	return nil
}

func (h *Handler) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is an error with its HTTP status and stable code.
type apiError struct {
	status  int
	code    string
	message string
}

func (e apiError) Error() string { return e.message }

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

func (h *Handler) writeError(w http.ResponseWriter, _ *http.Request, e apiError) {
	var body errorBody
	body.Error.Code, body.Error.Message = e.code, e.message
	h.writeJSON(w, e.status, body)
}

// problemStatus maps service problem codes to HTTP statuses; unknown codes are 422.
var problemStatus = map[string]int{
	service.CodeProviderUnreachable: http.StatusBadGateway,
	service.CodeProviderRateLimited: http.StatusServiceUnavailable,
	service.CodeProviderRefused:     http.StatusBadGateway,
}

// writeErr is the one mapping from errors to statuses and bodies.
func (h *Handler) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var (
		ae      apiError
		v       *domain.ValidationError
		problem *service.Problem
	)
	switch {
	case errors.As(err, &ae):
		h.writeError(w, r, ae)
	case errors.As(err, &v):
		var body errorBody
		body.Error.Code, body.Error.Message, body.Error.Field = "validation_failed", v.Error(), v.Field
		h.writeJSON(w, http.StatusUnprocessableEntity, body)
	case errors.As(err, &problem):
		status, ok := problemStatus[problem.Code]
		if !ok {
			status = http.StatusUnprocessableEntity
		}
		h.log.WarnContext(r.Context(), "API request refused", "path", r.URL.Path, "problem", problem.Code, "error", problem.Err)
		h.writeError(w, r, apiError{status, problem.Code, problem.Title + ": " + problem.Detail})
	case errors.Is(err, domain.ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", `Bearer realm="berth"`)
		h.writeError(w, r, apiError{http.StatusUnauthorized, "unauthorized", "Send a valid Berth API key as a bearer token: Authorization: Bearer berth_..."})
	case errors.Is(err, domain.ErrForbidden):
		h.writeError(w, r, apiError{http.StatusForbidden, "forbidden", "Only organization admins can do that."})
	case errors.Is(err, domain.ErrNotFound):
		h.writeError(w, r, apiError{http.StatusNotFound, "not_found", "No such resource in your organization."})
	case errors.Is(err, domain.ErrConflict):
		h.writeError(w, r, apiError{http.StatusConflict, "conflict", "That conflicts with the current state; reload and try again."})
	default:
		h.log.ErrorContext(r.Context(), "API request failed", "path", r.URL.Path, "error", err)
		h.writeError(w, r, apiError{http.StatusInternalServerError, "internal", "Something went wrong on our side; the server log has the details."})
	}
}
