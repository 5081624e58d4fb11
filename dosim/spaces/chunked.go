package spaces

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
)

// Limits on an aws-chunked body, so a client cannot make the server buffer without bound.
const (
	maxChunkSize    = 16 << 20
	maxTrailerLines = 32
)

// chunkChain computes the chained signatures of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html): each chunk's
// signature covers the previous one, starting from the request's seed signature.
type chunkChain struct {
	key   []byte
	date  string
	scope string
	prev  string
}

func newChunkChain(sig signature, secret string) *chunkChain {
	return &chunkChain{key: signingKey(secret, sig.scope), date: sig.date.UTC().Format(amzDateFormat),
		scope: sig.scope.String(), prev: sig.value}
}

// verify checks the signature of one chunk (or, with trailer, of the trailing headers) and
// advances the chain.
func (c *chunkChain) verify(data []byte, got string, trailer bool) bool {
	sum := sha256.Sum256(data)
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + c.date + "\n" + c.scope + "\n" + c.prev + "\n" + emptySHA256 + "\n"
	if trailer {
		sts = "AWS4-HMAC-SHA256-TRAILER\n" + c.date + "\n" + c.scope + "\n" + c.prev + "\n"
	}
	want := hex.EncodeToString(hmacSHA256(c.key, sts+hex.EncodeToString(sum[:])))
	c.prev = want
	return hmac.Equal([]byte(want), []byte(got))
}

// chunkReader decodes an aws-chunked body ("size;chunk-signature=sig\r\ndata\r\n" ... "0;...")
// and its optional trailing headers, handing on each chunk only once its signature checks out.
// With a nil chain the chunks are unsigned (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
type chunkReader struct {
	src      *bufio.Reader
	chain    *chunkChain
	trailers bool
	want     int64 // x-amz-decoded-content-length
	got      int64
	chunks   int
	check    *bodyCheck
	buf      []byte
	pos      int
	done     bool
	err      error
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for c.pos == len(c.buf) {
		switch {
		case c.err != nil:
			return 0, c.err
		case c.done:
			return 0, io.EOF
		}
		if err := c.next(); err != nil {
			c.err = c.check.fail(err)
		}
	}
	n := copy(p, c.buf[c.pos:])
	c.pos += n
	return n, nil
}

// next reads, checks and buffers one chunk; the last (empty) one ends the body.
func (c *chunkReader) next() *apiError {
	size, sig, err := c.header()
	if err == errIncomplete && c.chunks == 0 && c.want == 0 {
		c.done = true // an empty object sent with no body at all
		return nil
	}
	if err != nil {
		return err
	}
	c.chunks++
	if size > maxChunkSize || c.got+size > c.want {
		return errBadChunk
	}
	if int64(cap(c.buf)) < size {
		c.buf = make([]byte, size)
	}
	c.buf, c.pos = c.buf[:size], 0
	if _, err := io.ReadFull(c.src, c.buf); err != nil {
		return errIncomplete
	}
	if c.chain != nil && !c.chain.verify(c.buf, sig, false) {
		return errSignature
	}
	if size == 0 {
		return c.finish()
	}
	c.got += size
	if line, err := c.line(); err != nil || line != "" {
		return errBadChunk
	}
	return nil
}

// header reads "hex-size[;chunk-signature=sig]".
func (c *chunkReader) header() (int64, string, *apiError) {
	line, err := c.line()
	if err != nil {
		return 0, "", err
	}
	sizeHex, ext, _ := strings.Cut(line, ";")
	size, perr := strconv.ParseInt(sizeHex, 16, 64)
	if perr != nil || size < 0 {
		return 0, "", errBadChunk
	}
	sig, ok := strings.CutPrefix(ext, "chunk-signature=")
	if c.chain != nil && !ok {
		return 0, "", errBadChunk
	}
	return size, sig, nil
}

// finish reads what follows the last chunk (trailing headers, then an empty line) and checks
// that the body had the declared length.
func (c *chunkReader) finish() *apiError {
	c.done = true
	if c.trailers {
		if err := c.readTrailers(); err != nil {
			return err
		}
	} else if line, err := c.line(); err == nil && line != "" {
		return errBadChunk
	}
	if c.got != c.want {
		return errIncomplete
	}
	return nil
}

// readTrailers reads "name:value" lines up to the blank line (unsigned) or up to
// x-amz-trailer-signature, which signs them as "name:value\n" each. Blank lines between
// them are tolerated: minio-go writes "name:value\n\r\n" where AWS writes "name:value\r\n".
func (c *chunkReader) readTrailers() *apiError {
	var signed bytes.Buffer
	for range maxTrailerLines {
		line, err := c.line()
		if err != nil {
			return err
		}
		sig, isSig := strings.CutPrefix(line, "x-amz-trailer-signature:")
		switch {
		case line == "" && c.chain == nil:
			return nil
		case line == "":
		case isSig && c.chain != nil:
			if !c.chain.verify(signed.Bytes(), sig, true) {
				return errSignature
			}
			_, _ = c.line() // the closing blank line, if the client sent one
			return nil
		case !strings.Contains(line, ":"):
			return errBadChunk
		default:
			signed.WriteString(line + "\n")
		}
	}
	return errBadChunk
}

// line reads one line without its CR LF; an over-long line is malformed, a missing one incomplete.
func (c *chunkReader) line() (string, *apiError) {
	b, err := c.src.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull:
		return "", errBadChunk
	case err != nil:
		return "", errIncomplete
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
