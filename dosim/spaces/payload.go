package spaces

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// bodyCheck remembers why a request body was refused while gofakes3 read it.
type bodyCheck struct{ err *apiError }

// fail records the first failure and returns it.
func (c *bodyCheck) fail(err *apiError) *apiError {
	if c.err == nil {
		c.err = err
	}
	return c.err
}

// prepareBody wraps r.Body so its payload is checked against what was signed, decodes
// aws-chunked bodies, and drops the signing headers so gofakes3 neither decodes the body
// again nor stores them as object metadata.
func prepareBody(r *http.Request, sig signature, payload, secret string, chk *bodyCheck) *apiError {
	switch payload {
	case unsignedPayload:
	case streamingSigned, streamingSignedTrailer, streamingUnsignedTrailer:
		size, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
		if err != nil || size < 0 {
			return errNoLength
		}
		cr := &chunkReader{src: bufio.NewReader(r.Body), want: size, check: chk,
			trailers: payload != streamingSigned}
		if payload != streamingUnsignedTrailer {
			cr.chain = newChunkChain(sig, secret)
		}
		r.Body = readCloser{cr, r.Body}
		r.ContentLength = size
		r.Header.Set("Content-Length", strconv.FormatInt(size, 10))
		dropAWSChunked(r.Header)
	default:
		r.Body = readCloser{&hashReader{src: r.Body, hash: sha256.New(), want: payload, check: chk}, r.Body}
	}
	for _, h := range []string{"X-Amz-Content-Sha256", "X-Amz-Date", "X-Amz-Decoded-Content-Length",
		"X-Amz-Trailer", "X-Amz-Security-Token"} {
		r.Header.Del(h)
	}
	return nil
}

// dropAWSChunked removes the aws-chunked coding from Content-Encoding, keeping any other.
func dropAWSChunked(h http.Header) {
	var keep []string
	for _, v := range h.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "aws-chunked") {
				keep = append(keep, c)
			}
		}
	}
	h.Del("Content-Encoding")
	if len(keep) > 0 {
		h.Set("Content-Encoding", strings.Join(keep, ","))
	}
}

// readCloser reads from one reader and closes the original body.
type readCloser struct {
	io.Reader
	io.Closer
}

// hashReader passes a body through and, at its end, refuses it if its SHA-256 is not the signed one.
type hashReader struct {
	src   io.Reader
	hash  hash.Hash
	want  string
	check *bodyCheck
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.src.Read(p)
	h.hash.Write(p[:n])
	if err == io.EOF && !strings.EqualFold(hex.EncodeToString(h.hash.Sum(nil)), h.want) {
		return n, h.check.fail(errPayloadHash)
	}
	return n, err
}

// guardWriter passes gofakes3's answer through unless the body check failed while gofakes3
// read the body; then it answers with that failure instead.
type guardWriter struct {
	http.ResponseWriter
	s       *Server
	r       *http.Request
	check   *bodyCheck
	wrote   bool
	swallow bool
}

func (g *guardWriter) WriteHeader(code int) {
	if g.wrote {
		return
	}
	g.wrote = true
	g.Header().Set("X-Amz-Request-Id", requestID(g.r)) // gofakes3 numbers requests its own way
	if g.check.err == nil {
		g.ResponseWriter.WriteHeader(code)
		return
	}
	g.swallow = true
	for k := range g.Header() {
		g.Header().Del(k)
	}
	g.s.writeError(g.ResponseWriter, g.r, g.check.err)
}

func (g *guardWriter) Write(b []byte) (int, error) {
	g.WriteHeader(http.StatusOK)
	if g.swallow {
		return len(b), nil
	}
	return g.ResponseWriter.Write(b)
}
