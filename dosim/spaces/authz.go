package spaces

import (
	"net/http"
	"net/url"
	"strings"
)

// opKind says who answers a request: this package, or gofakes3.
type opKind int

const (
	opForward      opKind = iota // objects, listings, multipart, versioning: gofakes3
	opListBuckets                // GET /
	opCreateBucket               // PUT /bucket
	opDeleteBucket               // DELETE /bucket
	opLocation                   // GET /bucket?location
)

// operation is a request as authorization sees it.
type operation struct {
	kind       opKind
	bucket     string
	need       access
	copyBucket string // the source bucket of a copy, which needs read access too
}

// unsupported lists S3 subresources gofakes3 would misroute (PUT /b?acl would create a bucket,
// GET /b/k?tagging would return the object): they are refused instead.
var unsupported = []string{"acl", "policy", "policyStatus", "lifecycle", "cors", "tagging", "website",
	"encryption", "replication", "notification", "logging", "object-lock", "retention", "legal-hold",
	"requestPayment", "accelerate", "analytics", "inventory", "metrics", "intelligent-tiering",
	"ownershipControls", "publicAccessBlock", "torrent", "restore", "select", "attributes"}

// splitPath splits a path-style URL path into bucket and object key.
func splitPath(p string) (bucket, object string) {
	bucket, object, _ = strings.Cut(strings.TrimPrefix(p, "/"), "/")
	return bucket, object
}

// classify says what r asks for and which access it needs.
func classify(r *http.Request) (operation, *apiError) {
	q := r.URL.Query()
	for _, sub := range unsupported {
		if q.Has(sub) {
			return operation{}, errNotImplemented
		}
	}
	bucket, object := splitPath(r.URL.Path)
	switch {
	case bucket == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		return operation{kind: opListBuckets, need: accessAdmin}, nil
	case bucket == "":
		return operation{}, errMethod
	case object == "":
		return classifyBucket(r.Method, bucket, q)
	}
	return classifyObject(r, bucket, q)
}

// classifyBucket handles requests on /bucket.
func classifyBucket(method, bucket string, q url.Values) (operation, *apiError) {
	op := operation{bucket: bucket, need: accessRead}
	switch {
	case (method == http.MethodGet || method == http.MethodHead) && q.Has("location"):
		op.kind = opLocation
	case method == http.MethodGet || method == http.MethodHead:
	case method == http.MethodPut && q.Has("versioning"):
		op.need = accessAdmin
	case method == http.MethodPut:
		op.kind, op.need = opCreateBucket, accessAdmin
	case method == http.MethodDelete:
		op.kind, op.need = opDeleteBucket, accessAdmin
	case method == http.MethodPost && q.Has("delete"):
		op.need = accessWrite
	case method == http.MethodPost:
		return operation{}, errNotImplemented // browser (POST policy) uploads
	default:
		return operation{}, errMethod
	}
	return op, nil
}

// classifyObject handles requests on /bucket/key.
func classifyObject(r *http.Request, bucket string, q url.Values) (operation, *apiError) {
	op := operation{bucket: bucket, need: accessRead}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return op, nil
	case http.MethodPut, http.MethodPost, http.MethodDelete:
		op.need = accessWrite
	default:
		return operation{}, errMethod
	}
	src := r.Header.Get("X-Amz-Copy-Source")
	if src == "" || r.Method != http.MethodPut {
		return op, nil
	}
	if q.Has("uploadId") {
		return operation{}, errNotImplemented // UploadPartCopy: gofakes3 has none
	}
	if u, err := url.PathUnescape(src); err == nil {
		src = u
	}
	op.copyBucket, _ = splitPath("/" + strings.TrimPrefix(src, "/"))
	return op, nil
}

// authorize checks the key's grants, and that the buckets involved belong to the key's team.
func (s *Server) authorize(key Key, op operation) *apiError {
	if !key.allows(op.bucket, op.need) {
		return errAccessDenied
	}
	if op.kind != opCreateBucket && !s.buckets.usableBy(op.bucket, key.TeamUUID) {
		return errAccessDenied
	}
	if op.copyBucket != "" && (!key.allows(op.copyBucket, accessRead) || !s.buckets.usableBy(op.copyBucket, key.TeamUUID)) {
		return errAccessDenied
	}
	return nil
}
