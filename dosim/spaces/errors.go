package spaces

import (
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/johannesboyne/gofakes3"
)

// apiError is an S3 error answer: an HTTP status, an S3 error code and a message.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(status int, code, message string) *apiError {
	return &apiError{status: status, code: code, message: message}
}

// The errors S3 (and Spaces) answer with, in S3's words.
var (
	errAccessDenied = newError(http.StatusForbidden, "AccessDenied", "Access Denied")
	errInvalidKey   = newError(http.StatusForbidden, "InvalidAccessKeyId",
		"The AWS Access Key Id you provided does not exist in our records.")
	errSignature = newError(http.StatusForbidden, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.")
	errSkewed = newError(http.StatusForbidden, "RequestTimeTooSkewed",
		"The difference between the request time and the server's time is too large.")
	errExpired      = newError(http.StatusForbidden, "AccessDenied", "Request has expired")
	errNotYetValid  = newError(http.StatusForbidden, "AccessDenied", "Request is not valid yet")
	errUnsupported  = newError(http.StatusBadRequest, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
	errTwoAuths     = newError(http.StatusBadRequest, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified")
	errPayloadHash  = newError(http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
	errBadHashValue = newError(http.StatusBadRequest, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-* value or a valid sha256 value.")
	errIncomplete   = newError(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	errBadChunk     = newError(http.StatusBadRequest, "InvalidRequest", "The aws-chunked request body is malformed.")
	errNoLength     = newError(http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	errBucketName   = newError(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.")
	errBucketTaken  = newError(http.StatusConflict, "BucketAlreadyExists",
		"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
	errBucketOwned = newError(http.StatusConflict, "BucketAlreadyOwnedByYou",
		"Your previous request to create the named bucket succeeded and you already own it.")
	errTooManyBuckets = newError(http.StatusBadRequest, "TooManyBuckets", "You have attempted to create more buckets than allowed.")
	errNoSuchBucket   = newError(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist.")
	errMalformedXML   = newError(http.StatusBadRequest, "MalformedXML",
		"The XML you provided was not well-formed or did not validate against our published schema.")
	errLocation = newError(http.StatusBadRequest, "IllegalLocationConstraintException",
		"The location constraint is incompatible with the region specific endpoint this request was sent to.")
	errNotImplemented = newError(http.StatusNotImplemented, "NotImplemented",
		"A header or query you provided implies functionality that is not implemented.")
	errMethod = newError(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
)

// malformedAuth is the answer to an Authorization header that cannot be understood.
func malformedAuth(message string) *apiError {
	return newError(http.StatusBadRequest, "AuthorizationHeaderMalformed", "The authorization header is malformed; "+message)
}

// malformedQuery is the answer to presigned query parameters that cannot be understood.
func malformedQuery(message string) *apiError {
	return newError(http.StatusBadRequest, "AuthorizationQueryParametersError", message)
}

// asAPIError turns an error from the backend (or from a request body reader) into an S3 answer.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var ge gofakes3.Error
	if errors.As(err, &ge) {
		code := ge.ErrorCode()
		msg := code.Message()
		if code == gofakes3.ErrBucketNotEmpty {
			msg = "The bucket you tried to delete is not empty."
		}
		return newError(code.Status(), string(code), msg)
	}
	return newError(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
}

// errorBody is the XML body of an S3 error.
type errorBody struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string   `xml:"Code"`
	Message    string   `xml:"Message"`
	BucketName string   `xml:"BucketName,omitempty"`
	Resource   string   `xml:"Resource"`
	RequestID  string   `xml:"RequestId"`
	HostID     string   `xml:"HostId"`
}

// writeError answers with e as S3 does: the status, and an XML body except for HEAD.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	bucket, _ := splitPath(r.URL.Path)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("X-Amz-Request-Id", requestID(r))
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return
	}
	writeXML(w, errorBody{Code: e.code, Message: e.message, BucketName: bucket,
		Resource: r.URL.Path, RequestID: requestID(r), HostID: "dosim-" + s.region})
}

// writeXML writes v after the XML declaration; the status is already sent, so errors are dropped.
func writeXML(w http.ResponseWriter, v any) {
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}
