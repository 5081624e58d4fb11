package spaces_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim/spaces"
)

// The examples of AWS's SigV4 documentation for S3 are all signed on this day.
var awsDocDay = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

const awsDocScope = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"

// docServer is a Spaces endpoint whose clock stands on AWS's example day.
func docServer() *spaces.Server {
	return spaces.New(keyStore(awsExample), spaces.Options{Now: func() time.Time { return awsDocDay }})
}

// serve sends one request straight to h and returns the recorded answer.
func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestAWSDocumentedSignatures replays the signed requests of AWS's SigV4 documentation
// (sig-v4-header-based-auth and sigv4-query-string-auth): each must pass authentication, and
// fail it once its signature loses a digit. The examples are virtual-host style, so past
// authentication this path-style endpoint answers for a bucket named after the first segment.
func TestAWSDocumentedSignatures(t *testing.T) {
	t.Parallel()
	const host = "examplebucket.s3.amazonaws.com"
	emptyHash := sha256Hex(nil)
	for _, tc := range []struct {
		name, method, target, body, signed, signature string
		headers                                       map[string]string
		presigned                                     bool
		wantCode                                      string // after authentication
	}{
		{name: "GET object with Range", method: "GET", target: "/test.txt",
			headers: map[string]string{"Range": "bytes=0-9", "X-Amz-Content-Sha256": emptyHash},
			signed:  "host;range;x-amz-content-sha256;x-amz-date", signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
			wantCode: "NoSuchBucket"},
		{name: "PUT object", method: "PUT", target: "/test$file.text", body: "Welcome to Amazon S3.",
			headers: map[string]string{"Date": "Fri, 24 May 2013 00:00:00 GMT", "X-Amz-Storage-Class": "REDUCED_REDUNDANCY",
				"X-Amz-Content-Sha256": sha256Hex([]byte("Welcome to Amazon S3."))},
			signed: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
			wantCode: "InvalidBucketName"},
		{name: "GET bucket lifecycle", method: "GET", target: "/?lifecycle",
			headers: map[string]string{"X-Amz-Content-Sha256": emptyHash},
			signed:  "host;x-amz-content-sha256;x-amz-date", signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
			wantCode: "NotImplemented"},
		{name: "GET bucket (list objects)", method: "GET", target: "/?max-keys=2&prefix=J",
			headers: map[string]string{"X-Amz-Content-Sha256": emptyHash},
			signed:  "host;x-amz-content-sha256;x-amz-date", signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
			wantCode: ""}, // GET / is list-buckets here
		{name: "presigned GET object", method: "GET", presigned: true,
			target:    "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=",
			signature: "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			wantCode:  "NoSuchBucket"},
	} {
		for _, tamper := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s tampered=%v", tc.name, tamper), func(t *testing.T) {
				t.Parallel()
				sig := tc.signature
				if tamper {
					sig = sig[:63] + "0"
				}
				target := tc.target
				if tc.presigned {
					target += sig
				}
				req := httptest.NewRequest(tc.method, "http://"+host+target, strings.NewReader(tc.body))
				for k, v := range tc.headers {
					req.Header.Set(k, v)
				}
				if !tc.presigned {
					req.Header.Set("X-Amz-Date", "20130524T000000Z")
					req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+awsDocScope+",SignedHeaders="+tc.signed+",Signature="+sig)
				}
				rec := serve(docServer(), req)
				want := tc.wantCode
				if tamper {
					want = "SignatureDoesNotMatch"
				}
				if got := readError(t, rec.Body).Code; got != want {
					t.Errorf("%s %s = %d %s, want %q", tc.method, tc.target, rec.Code, got, want)
				}
			})
		}
	}
}

// awsChunkedBody is the body of AWS's chunked-upload example: 65,536 and 1,024 bytes of 'a', then
// the empty chunk, each carrying the documented chunk signature.
func awsChunkedBody(tamper bool) []byte {
	var b bytes.Buffer
	for _, c := range []struct {
		size int
		sig  string
	}{
		{65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"},
		{1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"},
		{0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"},
	} {
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n%s\r\n", c.size, c.sig, strings.Repeat("a", c.size))
	}
	if tamper {
		b.Bytes()[70000-5000] = 'b' // inside the first chunk's data
	}
	return b.Bytes()
}

// awsChunkedPut is the documented request of sigv4-streaming's "Example: PUT Object", path-style.
func awsChunkedPut(tamper bool) *http.Request {
	body := awsChunkedBody(tamper)
	req := httptest.NewRequest("PUT", "http://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body))
	for k, v := range map[string]string{
		"X-Amz-Date":                   "20130524T000000Z",
		"X-Amz-Storage-Class":          "REDUCED_REDUNDANCY",
		"X-Amz-Content-Sha256":         "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
		"Content-Encoding":             "aws-chunked",
		"X-Amz-Decoded-Content-Length": "66560",
		"Content-Length":               fmt.Sprint(len(body)),
		"Authorization": "AWS4-HMAC-SHA256 Credential=" + awsDocScope + ",SignedHeaders=content-encoding;content-length;host;" +
			"x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class," +
			"Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
	} {
		req.Header.Set(k, v)
	}
	return req
}

// TestAWSDocumentedChunkedUpload replays AWS's chunk-signed upload example through the endpoint:
// with one byte changed it is refused and stores nothing; as documented it stores the 66,560 bytes.
func TestAWSDocumentedChunkedUpload(t *testing.T) {
	t.Parallel()
	srv := docServer()
	signer := docSigner{accessKey: awsExample.AccessKey, secretKey: awsExample.SecretKey, region: "us-east-1"}
	signed := func(method, target string) *http.Request {
		req := httptest.NewRequest(method, "http://s3.amazonaws.com"+target, nil)
		signer.sign(req, sha256Hex(nil), awsDocDay)
		return req
	}
	if rec := serve(srv, signed("PUT", "/examplebucket")); rec.Code != http.StatusOK {
		t.Fatalf("create examplebucket = %d %s", rec.Code, rec.Body)
	}
	if len(awsChunkedBody(false)) != 66824 {
		t.Fatalf("chunked body is %d bytes, the documentation says 66824", len(awsChunkedBody(false)))
	}

	rec := serve(srv, awsChunkedPut(true))
	if e := readError(t, rec.Body); rec.Code != http.StatusForbidden || e.Code != "SignatureDoesNotMatch" {
		t.Errorf("PUT with a tampered chunk = %d %s, want 403 SignatureDoesNotMatch", rec.Code, e.Code)
	}
	if rec := serve(srv, signed("GET", "/examplebucket/chunkObject.txt")); rec.Code != http.StatusNotFound {
		t.Errorf("GET after the refused PUT = %d, want 404", rec.Code)
	}

	if rec := serve(srv, awsChunkedPut(false)); rec.Code != http.StatusOK {
		t.Fatalf("PUT as documented = %d %s, want 200", rec.Code, rec.Body)
	}
	rec = serve(srv, signed("GET", "/examplebucket/chunkObject.txt"))
	if body, _ := io.ReadAll(rec.Body); rec.Code != http.StatusOK || string(body) != strings.Repeat("a", 66560) {
		t.Errorf("GET = %d with %d bytes, want 200 with 66560 bytes of 'a'", rec.Code, len(body))
	}
	if ce := rec.Header().Get("Content-Encoding"); ce != "" {
		t.Errorf("GET Content-Encoding = %q, want none (aws-chunked is a transfer detail)", ce)
	}
}

// TestDocSignerMatchesAWS checks the test's own signer against AWS's presigned example, so the
// tests that rely on it rely on a signer that is right.
func TestDocSignerMatchesAWS(t *testing.T) {
	t.Parallel()
	d := docSigner{accessKey: awsExample.AccessKey, secretKey: awsExample.SecretKey, region: "us-east-1"}
	u := d.presign("GET", "https://examplebucket.s3.amazonaws.com/test.txt", awsDocDay, 24*time.Hour)
	const want = "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	if !strings.Contains(u, want) {
		t.Errorf("presign(AWS example) = %s, want it to contain %s", u, want)
	}
}
