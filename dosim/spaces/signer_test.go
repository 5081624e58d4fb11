package spaces_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// docSigner signs requests following the steps of AWS's SigV4 documentation. It shares no code
// with the package (it escapes with net/url and fixes up the differences, as many SDKs do), so the
// verifier is checked against a second, independent reading of the spec, not only minio-go's.
type docSigner struct {
	accessKey, secretKey, region string
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// awsEscape is RFC 3986 escaping: net/url's query escaping with space as %20, * escaped and ~ kept.
func awsEscape(s string) string {
	e := url.QueryEscape(s)
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(e)
}

func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = awsEscape(s)
	}
	return strings.Join(segs, "/")
}

func canonicalQueryString(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			out = append(out, awsEscape(k)+"="+awsEscape(v))
		}
	}
	return strings.Join(out, "&")
}

func (d docSigner) scope(at time.Time) string {
	return at.UTC().Format("20060102") + "/" + d.region + "/s3/aws4_request"
}

func (d docSigner) signatureOf(canonical string, at time.Time) string {
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	toSign := "AWS4-HMAC-SHA256\n" + at.UTC().Format("20060102T150405Z") + "\n" + d.scope(at) + "\n" +
		sha256Hex([]byte(canonical))
	key := mac(mac(mac(mac([]byte("AWS4"+d.secretKey), at.UTC().Format("20060102")), d.region), "s3"), "aws4_request")
	return hex.EncodeToString(mac(key, toSign))
}

// sign sets X-Amz-Date, X-Amz-Content-Sha256 and Authorization, signing host, content-type and
// every x-amz-* header.
func (d docSigner) sign(req *http.Request, payloadSHA string, at time.Time) {
	req.Header.Set("X-Amz-Date", at.UTC().Format("20060102T150405Z"))
	req.Header.Set("X-Amz-Content-Sha256", payloadSHA)
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	values := map[string]string{"host": host}
	for name := range req.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-amz-") || lower == "content-type" {
			values[lower] = strings.TrimSpace(req.Header.Get(name))
		}
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	var headers strings.Builder
	for _, n := range names {
		fmt.Fprintf(&headers, "%s:%s\n", n, values[n])
	}
	signed := strings.Join(names, ";")
	canonical := strings.Join([]string{req.Method, escapePath(req.URL.Path),
		canonicalQueryString(req.URL.Query()), headers.String(), signed, payloadSHA}, "\n")
	req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		d.accessKey, d.scope(at), signed, d.signatureOf(canonical, at)))
}

// presign returns rawURL with the query parameters of a presigned request signing only host.
func (d docSigner) presign(method, rawURL string, at time.Time, expires time.Duration) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", d.accessKey+"/"+d.scope(at))
	q.Set("X-Amz-Date", at.UTC().Format("20060102T150405Z"))
	q.Set("X-Amz-Expires", fmt.Sprint(int(expires.Seconds())))
	q.Set("X-Amz-SignedHeaders", "host")
	canonical := strings.Join([]string{method, escapePath(u.Path), canonicalQueryString(q),
		"host:" + u.Host + "\n", "host", "UNSIGNED-PAYLOAD"}, "\n")
	q.Set("X-Amz-Signature", d.signatureOf(canonical, at))
	u.RawQuery = q.Encode()
	return u.String()
}
