package digitalocean

import (
	"context"
	"slices"
	"sync"

	"github.com/digitalocean/godo"
)

const (
	// perPage is the page size of every list: DigitalOcean's maximum.
	perPage = 200
	// pagesInFlight bounds the pages of one list read at once, once the first page has told
	// how many there are.
	pagesInFlight = 4
)

// pageFunc reads one page of a list.
type pageFunc[T any] func(*godo.ListOptions) ([]T, *godo.Response, error)

// listAll reads every page of a list, 200 items at a time, and converts each item with conv.
// When the first page reports meta.total, the other pages are read a few at a time; the
// token's pacer keeps the whole within the limits.
func listAll[T, U any](ctx context.Context, op string, page pageFunc[T], conv func(T) U) ([]U, error) {
	items, resp, err := page(&godo.ListOptions{Page: 1, PerPage: perPage})
	if err != nil {
		return nil, translate(ctx, op, err)
	}
	pages := [][]T{items}
	next := 2
	if !lastPage(resp, len(items)) && resp.Meta != nil && resp.Meta.Total > perPage {
		last := (resp.Meta.Total + perPage - 1) / perPage
		rest, resp2, err := readPages(page, 2, last)
		if err != nil {
			return nil, translate(ctx, op, err)
		}
		pages, resp, next = append(pages, rest...), resp2, last+1
		items = rest[len(rest)-1]
	}
	for !lastPage(resp, len(items)) { // the list grew while we read it, or has no meta.total
		if items, resp, err = page(&godo.ListOptions{Page: next, PerPage: perPage}); err != nil {
			return nil, translate(ctx, op, err)
		}
		pages, next = append(pages, items), next+1
	}
	return convert(slices.Concat(pages...), conv), nil
}

// readPages reads pages first..last, pagesInFlight at a time, and returns them in order with
// the response of the last.
func readPages[T any](page pageFunc[T], first, last int) ([][]T, *godo.Response, error) {
	out := make([][]T, last-first+1)
	resps := make([]*godo.Response, len(out))
	errs := make([]error, len(out))
	sem := make(chan struct{}, pagesInFlight)
	var wg sync.WaitGroup
	for i := range out {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i], resps[i], errs[i] = page(&godo.ListOptions{Page: first + i, PerPage: perPage})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return out, resps[len(resps)-1], nil
}

// lastPage reports whether a page of n items was the last one: it was empty, or its links
// name no next page.
func lastPage(resp *godo.Response, n int) bool {
	return n == 0 || resp == nil || resp.Links == nil || resp.Links.IsLastPage()
}
