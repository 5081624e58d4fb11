package spaces

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// awsTrailerChain is the signature chain of AWS's trailing-header example
// (sigv4-streaming-trailers): same key, day and data as the chunked example, its own seed.
func awsTrailerChain() *chunkChain {
	sig := signature{scope: scope{date: "20130524", region: "us-east-1", service: "s3"},
		date:  time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC),
		value: "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"}
	return newChunkChain(sig, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
}

// trailerBody frames 65,536 + 1,024 bytes of 'a' with the example's chunk signatures, then tail.
func trailerBody(tail string) string {
	return fmt.Sprintf("10000;chunk-signature=%s\r\n%s\r\n400;chunk-signature=%s\r\n%s\r\n0;chunk-signature=%s\r\n%s",
		"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2", strings.Repeat("a", 65536),
		"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7", strings.Repeat("a", 1024),
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992", tail)
}

// unsignedBody frames data in unsigned chunks of 1,000 bytes, as STREAMING-UNSIGNED-PAYLOAD-TRAILER does.
func unsignedBody(data, tail string) string {
	var b strings.Builder
	for len(data) > 0 {
		n := min(len(data), 1000)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, data[:n])
		data = data[n:]
	}
	return b.String() + "0\r\n" + tail
}

func TestChunkReader(t *testing.T) {
	t.Parallel()
	const trailerSig = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
	data := strings.Repeat("a", 66560)
	for _, tc := range []struct {
		name     string
		body     string
		chain    *chunkChain
		trailers bool
		want     int64
		wantErr  string
	}{
		{name: "AWS trailer example", chain: awsTrailerChain(), trailers: true, want: 66560,
			body: trailerBody("x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" + trailerSig + "\r\n\r\n")},
		{name: "AWS trailer example framed as minio-go does", chain: awsTrailerChain(), trailers: true, want: 66560,
			body: trailerBody("x-amz-checksum-crc32c:sOO8/Q==\n\r\nx-amz-trailer-signature:" + trailerSig + "\r\n\r\n")},
		{name: "forged trailer", chain: awsTrailerChain(), trailers: true, want: 66560, wantErr: "SignatureDoesNotMatch",
			body: trailerBody("x-amz-checksum-crc32c:AAAAAA==\r\nx-amz-trailer-signature:" + trailerSig + "\r\n\r\n")},
		{name: "forged chunk", chain: awsTrailerChain(), trailers: true, want: 66560, wantErr: "SignatureDoesNotMatch",
			body: strings.Replace(trailerBody(""), "aaaa", "aaba", 1)},
		{name: "unsigned with trailer", trailers: true, want: 66560,
			body: unsignedBody(data, "x-amz-checksum-crc32c:sOO8/Q==\n\r\n\r\n")},
		{name: "unsigned, shorter than declared", trailers: true, want: 70000, wantErr: "IncompleteBody",
			body: unsignedBody(data, "\r\n")},
		{name: "unsigned, longer than declared", trailers: true, want: 1000, wantErr: "InvalidRequest",
			body: unsignedBody(data, "\r\n")},
		{name: "cut short", trailers: true, want: 66560, wantErr: "IncompleteBody",
			body: unsignedBody(data, "")[:5000]},
		{name: "empty object without a body", trailers: true, want: 0, body: ""},
		{name: "bad size", trailers: true, want: 66560, wantErr: "InvalidRequest", body: "zz\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chk := &bodyCheck{}
			cr := &chunkReader{src: bufio.NewReader(strings.NewReader(tc.body)), chain: tc.chain,
				trailers: tc.trailers, want: tc.want, check: chk}
			got, err := io.ReadAll(cr)
			if tc.wantErr != "" {
				if chk.err == nil || chk.err.code != tc.wantErr || err == nil {
					t.Errorf("read = %v (check %v), want %s", err, chk.err, tc.wantErr)
				}
				return
			}
			if want := data[:tc.want]; err != nil || string(got) != want {
				t.Errorf("read = %d bytes, %v; want the %d bytes of data", len(got), err, len(data))
			}
		})
	}
}
