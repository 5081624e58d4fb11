package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/digitalocean/godo"
	"github.com/minio/minio-go/v7"
	"golang.org/x/oauth2"
)

// translate turns a godo, minio, oauth2, pacer or transport error into a *domain.ProviderError wrapped with op.
func translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if isContextError(ctx, err) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w", op, providerError(err))
}

func providerError(err error) *domain.ProviderError {
	var translated *domain.ProviderError
	if errors.As(err, &translated) {
		return translated
	}
	var apiErr *godo.ErrorResponse
	if errors.As(err, &apiErr) && apiErr.Response != nil {
		return &domain.ProviderError{
			Kind:      kindForStatus(apiErr.Response.StatusCode),
			Status:    apiErr.Response.StatusCode,
			Message:   apiErr.Message,
			RequestID: apiErr.RequestID,
		}
	}
	var tokenErr *oauth2.RetrieveError
	if errors.As(err, &tokenErr) {
		return oauthError(tokenErr)
	}
	var s3Err minio.ErrorResponse
	if errors.As(err, &s3Err) && s3Err.StatusCode != 0 {
		return spacesError(s3Err)
	}
	var paced *paceError
	if errors.As(err, &paced) {
		return &domain.ProviderError{Kind: domain.ProviderRateLimited, Message: paced.Error(), Err: err}
	}
	var statusErr *httpStatusError
	if errors.As(err, &statusErr) {
		return &domain.ProviderError{Kind: kindForStatus(statusErr.status), Status: statusErr.status, Message: statusErr.message}
	}
	// Anything else never reached DigitalOcean or got no answer: DNS, refused, timeout, TLS.
	return &domain.ProviderError{Kind: domain.ProviderUnavailable, Message: "DigitalOcean could not be reached", Err: err}
}

// spacesError classifies an S3 error answer from Spaces by its code, then its status.
func spacesError(e minio.ErrorResponse) *domain.ProviderError {
	pe := &domain.ProviderError{Kind: kindForStatus(e.StatusCode), Status: e.StatusCode, Message: e.Message, RequestID: e.RequestID}
	switch e.Code {
	case "InvalidAccessKeyId", "SignatureDoesNotMatch":
		pe.Kind = domain.ProviderUnauthorized
	case "AccessDenied":
		pe.Kind = domain.ProviderForbidden
	case "NoSuchBucket", "NoSuchKey", "NoSuchUpload":
		pe.Kind = domain.ProviderNotFound
	case "SlowDown":
		pe.Kind = domain.ProviderRateLimited
	}
	if pe.Message == "" {
		pe.Message = e.Code
	}
	return pe
}

func oauthError(e *oauth2.RetrieveError) *domain.ProviderError {
	status := 0
	if e.Response != nil {
		status = e.Response.StatusCode
	}
	pe := &domain.ProviderError{Status: status, Message: e.ErrorDescription}
	switch {
	case status >= 500 || e.ErrorCode == "server_error" || e.ErrorCode == "temporarily_unavailable":
		pe.Kind = domain.ProviderUnavailable // DigitalOcean's trouble, not the grant's: try again later
	case status == http.StatusTooManyRequests:
		pe.Kind = domain.ProviderRateLimited
	case e.ErrorCode == "invalid_grant":
		pe.Kind = domain.ProviderInvalidGrant
	case e.ErrorCode == "invalid_client" || e.ErrorCode == "unauthorized_client":
		pe.Kind = domain.ProviderUnauthorized
	case e.ErrorCode != "":
		pe.Kind = domain.ProviderUnprocessable
	default:
		pe.Kind = kindForStatus(status)
	}
	if pe.Message == "" {
		pe.Message = e.ErrorCode
	}
	return pe
}

func kindForStatus(status int) domain.ProviderErrorKind {
	switch {
	case status == http.StatusUnauthorized:
		return domain.ProviderUnauthorized
	case status == http.StatusForbidden:
		return domain.ProviderForbidden
	case status == http.StatusNotFound:
		return domain.ProviderNotFound
	case status == http.StatusTooManyRequests:
		return domain.ProviderRateLimited
	case status >= 500 || status == 0:
		return domain.ProviderUnavailable
	default:
		return domain.ProviderUnprocessable
	}
}

// httpStatusError is a non-2xx answer from an endpoint godo does not cover.
type httpStatusError struct {
	status  int
	message string
}

func (e *httpStatusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.message) }
