package dosim

import (
	"net/http"
	"strconv"
)

// Pagination bounds, as DigitalOcean applies them.
const (
	defaultPerPage = 20
	maxPerPage     = 200
)

// listEnvelope is the part every list response shares: links.pages and meta.total.
// Embed it next to the resource array.
type listEnvelope struct {
	Links pageLinks `json:"links"`
	Meta  listMeta  `json:"meta"`
}

type pageLinks struct {
	Pages *pageURLs `json:"pages,omitempty"`
}

type pageURLs struct {
	First string `json:"first,omitempty"`
	Prev  string `json:"prev,omitempty"`
	Next  string `json:"next,omitempty"`
	Last  string `json:"last,omitempty"`
}

type listMeta struct {
	Total int `json:"total"`
}

// pageParams reads page and per_page like DigitalOcean does: values that are missing or
// not positive integers fall back to the defaults, and per_page is capped at 200.
func pageParams(r *http.Request) (page, perPage int) {
	q := r.URL.Query()
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	perPage, err = strconv.Atoi(q.Get("per_page"))
	if err != nil || perPage < 1 {
		perPage = defaultPerPage
	}
	return page, min(perPage, maxPerPage)
}

// paginate returns the requested page of items and the envelope describing it. Links are
// absolute URLs of the same path and query with only page changed.
func paginate[T any](s *Server, r *http.Request, items []T) ([]T, listEnvelope) {
	page, perPage := pageParams(r)
	total := len(items)
	last := max((total+perPage-1)/perPage, 1)
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	env := listEnvelope{Meta: listMeta{Total: total}}
	var p pageURLs
	if page > 1 {
		p.First = s.pageURL(r, 1)
		p.Prev = s.pageURL(r, min(page-1, last))
	}
	if page < last {
		p.Next = s.pageURL(r, page+1)
		p.Last = s.pageURL(r, last)
	}
	if p != (pageURLs{}) {
		env.Links.Pages = &p
	}
	out := items[start:end]
	if out == nil {
		out = []T{}
	}
	return out, env
}

// pageURL is the absolute URL of the request with its page parameter set to page.
func (s *Server) pageURL(r *http.Request, page int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	return s.externalURL(r, r.URL.Path) + "?" + q.Encode()
}
