package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

// DomainRecords lists a zone's records (GET /v2/domains/{zone}/records), filtered by type and
// fully qualified name when f says so.
func (c *Client) DomainRecords(ctx context.Context, accessToken, zone string, f provider.RecordFilter) ([]domain.DomainRecord, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list domain records: %w", err)
	}
	return listAll(ctx, "list domain records", func(opt *godo.ListOptions) ([]godo.DomainRecord, *godo.Response, error) {
		switch {
		case f.Type != "" && f.Name != "":
			return api.Domains.RecordsByTypeAndName(ctx, zone, f.Type, f.Name, opt)
		case f.Type != "":
			return api.Domains.RecordsByType(ctx, zone, f.Type, opt)
		case f.Name != "":
			return api.Domains.RecordsByName(ctx, zone, f.Name, opt)
		}
		return api.Domains.Records(ctx, zone, opt)
	}, recordFrom)
}

// CreateDomainRecord adds a record to a zone (POST /v2/domains/{zone}/records). A create whose
// outcome is unknown is retried only after looking for a record of the same type, name and data.
func (c *Client) CreateDomainRecord(ctx context.Context, accessToken, zone string, r domain.DomainRecord) (domain.DomainRecord, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.DomainRecord{}, fmt.Errorf("create domain record: %w", err)
	}
	create := func() (domain.DomainRecord, error) {
		return sendRecord(ctx, api, http.MethodPost, recordsPath(zone), r)
	}
	find := func() (domain.DomainRecord, bool, error) { return c.findRecord(ctx, accessToken, zone, r) }
	rec, err := createOrRecover(ctx, c.policy(), create, find)
	return rec, translate(ctx, "create domain record", err)
}

// findRecord looks for a record with r's type, name and data.
func (c *Client) findRecord(ctx context.Context, accessToken, zone string, r domain.DomainRecord) (domain.DomainRecord, bool, error) {
	recs, err := c.DomainRecords(ctx, accessToken, zone, provider.RecordFilter{Type: r.Type, Name: fqdn(r.Name, zone)})
	if err != nil {
		return domain.DomainRecord{}, false, err
	}
	for _, rec := range recs {
		if rec.Data == r.Data {
			return rec, true, nil
		}
	}
	return domain.DomainRecord{}, false, nil
}

// fqdn turns a record name relative to zone ("@", "www") into the name filters expect.
func fqdn(name, zone string) string {
	if name == "@" || name == "" {
		return zone
	}
	return name + "." + zone
}

// UpdateDomainRecord replaces record r.ID (PUT /v2/domains/{zone}/records/{id}).
func (c *Client) UpdateDomainRecord(ctx context.Context, accessToken, zone string, r domain.DomainRecord) (domain.DomainRecord, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.DomainRecord{}, fmt.Errorf("update domain record: %w", err)
	}
	rec, err := sendRecord(ctx, api, http.MethodPut, fmt.Sprintf("%s/%d", recordsPath(zone), r.ID), r)
	return rec, translate(ctx, "update domain record", err)
}

// DeleteDomainRecord deletes a record (DELETE /v2/domains/{zone}/records/{id}); finding it gone
// on a retry means the unanswered attempt deleted it.
func (c *Client) DeleteDomainRecord(ctx context.Context, accessToken, zone string, id int) error {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return fmt.Errorf("delete domain record: %w", err)
	}
	actx, attempts := withAttempts(ctx)
	_, err = api.Domains.DeleteRecord(actx, zone, id)
	err = translate(ctx, "delete domain record", err)
	if domain.ProviderErrorKindOf(err) == domain.ProviderNotFound && attempts.Load() > 1 {
		return nil
	}
	return err
}

// recordBody is a record as DigitalOcean's description wants it sent: every field a type
// does not use is null (godo sends 0 for them and omits tag, which CAA and TXT require).
type recordBody struct {
	Type     string  `json:"type"`
	Name     string  `json:"name"`
	Data     string  `json:"data"`
	TTL      int     `json:"ttl,omitempty"`
	Priority *int    `json:"priority"`
	Port     *int    `json:"port"`
	Weight   *int    `json:"weight"`
	Flags    *int    `json:"flags"`
	Tag      *string `json:"tag"`
}

func recordBodyOf(r domain.DomainRecord) recordBody {
	b := recordBody{Type: r.Type, Name: r.Name, Data: r.Data, TTL: r.TTL}
	switch r.Type {
	case "MX":
		b.Priority = &r.Priority
	case "SRV":
		b.Priority, b.Port, b.Weight = &r.Priority, &r.Port, &r.Weight
	case "CAA":
		b.Flags, b.Tag = &r.Flags, &r.Tag
	}
	return b
}

func recordsPath(zone string) string { return "v2/domains/" + url.PathEscape(zone) + "/records" }

// sendRecord creates (POST) or replaces (PUT) a record and returns it as DigitalOcean answers.
func sendRecord(ctx context.Context, api *godo.Client, method, path string, r domain.DomainRecord) (domain.DomainRecord, error) {
	req, err := api.NewRequest(ctx, method, path, recordBodyOf(r))
	if err != nil {
		return domain.DomainRecord{}, err
	}
	var root struct {
		DomainRecord godo.DomainRecord `json:"domain_record"`
	}
	if _, err := api.Do(ctx, req, &root); err != nil {
		return domain.DomainRecord{}, err
	}
	return recordFrom(root.DomainRecord), nil
}

func recordFrom(r godo.DomainRecord) domain.DomainRecord {
	return domain.DomainRecord{ID: r.ID, Type: r.Type, Name: r.Name, Data: r.Data, TTL: r.TTL,
		Priority: r.Priority, Port: r.Port, Weight: r.Weight, Flags: r.Flags, Tag: r.Tag}
}
