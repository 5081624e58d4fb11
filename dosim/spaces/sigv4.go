package spaces

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SigV4 names and formats (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html).
const (
	algorithm                = "AWS4-HMAC-SHA256"
	amzDateFormat            = "20060102T150405Z"
	scopeDateFormat          = "20060102"
	unsignedPayload          = "UNSIGNED-PAYLOAD"
	streamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	emptySHA256              = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	maxPresignExpiry         = 7 * 24 * time.Hour
)

// scope is a signature's credential scope: date/region/service/aws4_request.
type scope struct{ date, region, service string }

func (sc scope) String() string {
	return sc.date + "/" + sc.region + "/" + sc.service + "/aws4_request"
}

// signature is what a request claims about itself: who signed it, when, and over which headers.
type signature struct {
	accessKey     string
	scope         scope
	signedHeaders []string
	value         string        // hex HMAC
	date          time.Time     // X-Amz-Date (or Date)
	presigned     bool          // from the query string rather than the Authorization header
	expires       time.Duration // presigned only
}

// parseCredential splits "AKID/20130524/us-east-1/s3/aws4_request".
func parseCredential(s string) (string, scope, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 5 || parts[0] == "" || parts[4] != "aws4_request" {
		return "", scope{}, false
	}
	return parts[0], scope{date: parts[1], region: parts[2], service: parts[3]}, true
}

// parseAuthorization reads an "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." header.
func parseAuthorization(h string) (signature, *apiError) {
	alg, rest, _ := strings.Cut(h, " ")
	if alg != algorithm {
		return signature{}, errUnsupported
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return signature{}, malformedAuth("expected Credential, SignedHeaders and Signature")
		}
		fields[k] = v
	}
	var sig signature
	var ok bool
	if sig.accessKey, sig.scope, ok = parseCredential(fields["Credential"]); !ok {
		return signature{}, malformedAuth("the Credential is not of the form KEY/DATE/REGION/SERVICE/aws4_request")
	}
	sig.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	sig.value = fields["Signature"]
	if fields["SignedHeaders"] == "" || sig.value == "" {
		return signature{}, malformedAuth("SignedHeaders and Signature are required")
	}
	return sig, nil
}

// parsePresigned reads the X-Amz-* query parameters of a presigned URL.
func parsePresigned(q url.Values) (signature, *apiError) {
	if q.Get("X-Amz-Algorithm") != algorithm {
		return signature{}, malformedQuery("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	var sig signature
	var ok bool
	if sig.accessKey, sig.scope, ok = parseCredential(q.Get("X-Amz-Credential")); !ok {
		return signature{}, malformedQuery("Error parsing the X-Amz-Credential parameter")
	}
	date, err := time.Parse(amzDateFormat, q.Get("X-Amz-Date"))
	if err != nil {
		return signature{}, malformedQuery("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	secs, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	if err != nil || secs < 0 {
		return signature{}, malformedQuery("X-Amz-Expires should be a number")
	}
	if time.Duration(secs)*time.Second > maxPresignExpiry {
		return signature{}, malformedQuery("X-Amz-Expires must be less than a week (in seconds) that is 604800")
	}
	sig.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	sig.value = q.Get("X-Amz-Signature")
	if q.Get("X-Amz-SignedHeaders") == "" || sig.value == "" {
		return signature{}, malformedQuery("X-Amz-SignedHeaders and X-Amz-Signature are required")
	}
	sig.date, sig.presigned, sig.expires = date, true, time.Duration(secs)*time.Second
	return sig, nil
}

// compute returns the hex signature of r under sig's scope, headers and date, with secret.
func (sig signature) compute(r *http.Request, payloadHash, secret string) string {
	canonical := canonicalRequest(r, sig.signedHeaders, payloadHash, sig.presigned)
	return hex.EncodeToString(hmacSHA256(signingKey(secret, sig.scope), stringToSign(sig.date, sig.scope, canonical)))
}

// canonicalRequest is step 1 of SigV4: method, URI, query, headers, signed header names, payload hash.
func canonicalRequest(r *http.Request, signed []string, payloadHash string, presigned bool) string {
	return strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		canonicalQuery(r.URL.Query(), presigned),
		canonicalHeaders(r, signed),
		strings.Join(signed, ";"),
		payloadHash,
	}, "\n")
}

// canonicalURI encodes the path once, as S3 does (no normalization of . and .. segments).
func canonicalURI(path string) string {
	if path == "" {
		return "/"
	}
	return uriEncode(path, true)
}

// canonicalQuery sorts the encoded parameters; a presigned URL's own signature is left out.
func canonicalQuery(q url.Values, presigned bool) string {
	var pairs []string
	for k, vs := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, false)+"="+uriEncode(v, false))
		}
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

// canonicalHeaders lists each signed header as "name:value\n", values trimmed and comma-joined.
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(r, name))
		b.WriteByte('\n')
	}
	return b.String()
}

// headerValue is the canonical value of one header, including those net/http moves out of Header.
func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		if r.ContentLength > 0 {
			return strconv.FormatInt(r.ContentLength, 10)
		}
	case "transfer-encoding":
		return strings.Join(r.TransferEncoding, ",")
	}
	var vals []string
	for _, v := range r.Header.Values(name) {
		vals = append(vals, strings.Join(strings.Fields(v), " "))
	}
	return strings.Join(vals, ",")
}

// stringToSign is step 2 of SigV4.
func stringToSign(t time.Time, sc scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return algorithm + "\n" + t.UTC().Format(amzDateFormat) + "\n" + sc.String() + "\n" + hex.EncodeToString(sum[:])
}

// signingKey derives the key for one day, region and service from a secret.
func signingKey(secret string, sc scope) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), sc.date)
	k = hmacSHA256(k, sc.region)
	k = hmacSHA256(k, sc.service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// uriEncode percent-encodes every byte but A-Z a-z 0-9 - _ . ~ (and / when keepSlash), as SigV4 asks.
func uriEncode(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/' && keepSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}
