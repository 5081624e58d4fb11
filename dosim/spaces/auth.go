package spaces

import (
	"crypto/hmac"
	"encoding/hex"
	"net/http"
	"slices"
	"time"
)

// maxSkew is how far a request's X-Amz-Date may be from the server's clock.
const maxSkew = 15 * time.Minute

// authenticate checks r's SigV4 signature (Authorization header or presigned query) and returns
// the key that made it. The body is then wrapped so its payload hash or chunk signatures are
// checked as it is read; a failure found there is recorded in chk.
func (s *Server) authenticate(r *http.Request, chk *bodyCheck) (Key, *apiError) {
	sig, err := readSignature(r)
	if err != nil {
		return Key{}, err
	}
	key, ok := s.keys.SpacesKey(sig.accessKey)
	if !ok || key.SecretKey == "" {
		return Key{}, errInvalidKey
	}
	if err := s.checkScope(sig); err != nil {
		return Key{}, err
	}
	if err := s.checkTime(sig); err != nil {
		return Key{}, err
	}
	payload, err := payloadHash(r, sig)
	if err != nil {
		return Key{}, err
	}
	if !hmac.Equal([]byte(sig.compute(r, payload, key.SecretKey)), []byte(sig.value)) {
		return Key{}, errSignature
	}
	if err := prepareBody(r, sig, payload, key.SecretKey, chk); err != nil {
		return Key{}, err
	}
	return key, nil
}

// readSignature finds the request's signature in its Authorization header or its query.
func readSignature(r *http.Request) (signature, *apiError) {
	header := r.Header.Get("Authorization")
	q := r.URL.Query()
	_, presigned := q["X-Amz-Algorithm"]
	switch {
	case header != "" && presigned:
		return signature{}, errTwoAuths
	case presigned:
		return parsePresigned(q)
	case header != "":
		sig, err := parseAuthorization(header)
		if err != nil {
			return signature{}, err
		}
		sig.date, err = requestDate(r)
		return sig, err
	case q.Has("AWSAccessKeyId") || q.Has("Signature"):
		return signature{}, errUnsupported // a SigV2 presigned URL
	default:
		return signature{}, errAccessDenied // anonymous: Spaces keeps no public buckets here
	}
}

// requestDate is the signing time of a header-signed request: X-Amz-Date, else Date.
func requestDate(r *http.Request) (time.Time, *apiError) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		if t, err := time.Parse(amzDateFormat, v); err == nil {
			return t, nil
		}
	} else if t, err := http.ParseTime(r.Header.Get("Date")); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, newError(http.StatusForbidden, "AccessDenied",
		"AWS authentication requires a valid Date or x-amz-date header")
}

// checkScope accepts the server's region (and us-east-1, which many S3 SDKs insist on), service s3,
// a credential date equal to the signing date, and a signed host header.
func (s *Server) checkScope(sig signature) *apiError {
	bad := malformedAuth
	if sig.presigned {
		bad = malformedQuery
	}
	switch sc := sig.scope; {
	case sc.service != "s3":
		return bad("incorrect service '" + sc.service + "'; this endpoint belongs to 's3'")
	case sc.region != s.region && sc.region != "us-east-1":
		return bad("the region '" + sc.region + "' is wrong; expecting '" + s.region + "'")
	case sc.date != sig.date.UTC().Format(scopeDateFormat):
		return bad("invalid credential date; it is not the date of X-Amz-Date")
	case !slices.Contains(sig.signedHeaders, "host"):
		return bad("the host header must be signed")
	}
	return nil
}

// checkTime refuses a header-signed request more than maxSkew from now, and a presigned
// URL that has expired or is dated in the future.
func (s *Server) checkTime(sig signature) *apiError {
	now := s.now()
	if sig.presigned {
		switch {
		case sig.date.Sub(now) > maxSkew:
			return errNotYetValid
		case now.After(sig.date.Add(sig.expires)):
			return errExpired
		}
		return nil
	}
	if d := now.Sub(sig.date); d > maxSkew || d < -maxSkew {
		return errSkewed
	}
	return nil
}

// payloadHash is the hash the signature covers: x-amz-content-sha256, which header-signed
// requests must send and presigned URLs may (UNSIGNED-PAYLOAD otherwise).
func payloadHash(r *http.Request, sig signature) (string, *apiError) {
	v := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case v == "" && sig.presigned:
		return unsignedPayload, nil
	case v == "":
		return "", newError(http.StatusBadRequest, "InvalidRequest",
			"Missing required header for this request: x-amz-content-sha256")
	case v == unsignedPayload, v == streamingSigned, v == streamingSignedTrailer, v == streamingUnsignedTrailer:
		return v, nil
	}
	if b, err := hex.DecodeString(v); err != nil || len(b) != 32 {
		return "", errBadHashValue
	}
	return v, nil
}
