package digitalocean

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.Droplets = (*Client)(nil)

// maxDropletsPerCreate is how many names one create request may carry.
const maxDropletsPerCreate = 10

// requestIDPattern keeps RequestTag within DigitalOcean's tag pattern and length.
var requestIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,200}$`)

// CreateDroplets creates one Droplet, or up to ten with names (POST /v2/droplets). Every
// Droplet carries RequestTag(p.RequestID); when an attempt gets no usable answer, the retry
// first lists that tag and returns what the attempt made instead of creating more.
func (c *Client) CreateDroplets(ctx context.Context, accessToken string, p provider.CreateDropletsParams) (provider.CreatedDroplets, error) {
	if err := checkCreateDroplets(p); err != nil {
		return provider.CreatedDroplets{}, fmt.Errorf("create droplets: %w", err)
	}
	api, err := c.godoClient(accessToken)
	if err != nil {
		return provider.CreatedDroplets{}, fmt.Errorf("create droplets: %w", err)
	}
	tag := provider.RequestTag(p.RequestID)
	create := func() (provider.CreatedDroplets, error) { return createDroplets(ctx, api, p, tag) }
	find := func() (provider.CreatedDroplets, bool, error) {
		found, err := c.DropletsByTag(ctx, accessToken, tag)
		return provider.CreatedDroplets{Droplets: found}, len(found) > 0, err
	}
	out, err := createOrRecover(ctx, c.policy(), create, find)
	return out, translate(ctx, "create droplets", err)
}

// checkCreateDroplets validates what DigitalOcean would refuse, and the request id.
func checkCreateDroplets(p provider.CreateDropletsParams) error {
	switch {
	case !requestIDPattern.MatchString(p.RequestID):
		return domain.Invalid("request_id", "must be 1 to 200 letters, digits, '-' or '_'")
	case len(p.Names) == 0 || len(p.Names) > maxDropletsPerCreate:
		return domain.Invalid("names", "must name 1 to %d droplets", maxDropletsPerCreate)
	case p.Region == "":
		return domain.Invalid("region", "is required")
	case p.Size == "":
		return domain.Invalid("size", "is required")
	case p.Image == "":
		return domain.Invalid("image", "is required")
	}
	return nil
}

// createDroplets sends one create request: with name for one Droplet, names for more.
func createDroplets(ctx context.Context, api *godo.Client, p provider.CreateDropletsParams, tag string) (provider.CreatedDroplets, error) {
	tags := append(slices.Clone(p.Tags), tag)
	slices.Sort(tags)
	tags = slices.Compact(tags)
	keys := sshKeyRefs(p.SSHKeys)
	image := godo.DropletCreateImage{Slug: p.Image}
	var created []godo.Droplet
	var resp *godo.Response
	var err error
	if len(p.Names) == 1 {
		var d *godo.Droplet
		d, resp, err = api.Droplets.Create(ctx, &godo.DropletCreateRequest{
			Name: p.Names[0], Region: p.Region, Size: p.Size, Image: image, SSHKeys: keys, Tags: tags,
			UserData: p.UserData, IPv6: p.IPv6, Monitoring: p.Monitoring,
		})
		if d != nil {
			created = []godo.Droplet{*d}
		}
	} else {
		created, resp, err = api.Droplets.CreateMultiple(ctx, &godo.DropletMultiCreateRequest{
			Names: p.Names, Region: p.Region, Size: p.Size, Image: image, SSHKeys: keys, Tags: tags,
			UserData: p.UserData, IPv6: p.IPv6, Monitoring: p.Monitoring,
		})
	}
	if err != nil {
		return provider.CreatedDroplets{}, err
	}
	return provider.CreatedDroplets{Droplets: convert(created, dropletFrom), ActionIDs: createActions(resp)}, nil
}

// sshKeyRefs turns ids and fingerprints into godo's references; never nil, since DigitalOcean's
// description does not allow "ssh_keys": null.
func sshKeyRefs(refs []string) []godo.DropletCreateSSHKey {
	keys := []godo.DropletCreateSSHKey{}
	for _, ref := range refs {
		if id, err := strconv.Atoi(ref); err == nil {
			keys = append(keys, godo.DropletCreateSSHKey{ID: id})
		} else {
			keys = append(keys, godo.DropletCreateSSHKey{Fingerprint: ref})
		}
	}
	return keys
}

// createActions returns the ids of the create actions a create answer links to.
func createActions(resp *godo.Response) []int {
	ids := []int{}
	if resp == nil || resp.Links == nil {
		return ids
	}
	for _, a := range resp.Links.Actions {
		if a.Rel == "create" || a.Rel == "multiple_create" {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// Droplet reads one Droplet (GET /v2/droplets/{id}).
func (c *Client) Droplet(ctx context.Context, accessToken string, id int) (domain.Droplet, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.Droplet{}, fmt.Errorf("get droplet: %w", err)
	}
	d, _, err := api.Droplets.Get(ctx, id)
	if err != nil {
		return domain.Droplet{}, translate(ctx, "get droplet", err)
	}
	return dropletFrom(*d), nil
}

// Droplets lists every Droplet (GET /v2/droplets).
func (c *Client) Droplets(ctx context.Context, accessToken string) ([]domain.Droplet, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list droplets: %w", err)
	}
	return listAll(ctx, "list droplets", func(opt *godo.ListOptions) ([]godo.Droplet, *godo.Response, error) {
		return api.Droplets.List(ctx, opt)
	}, dropletFrom)
}

// DropletsByTag lists the Droplets carrying tag (GET /v2/droplets?tag_name=).
func (c *Client) DropletsByTag(ctx context.Context, accessToken, tag string) ([]domain.Droplet, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list droplets by tag: %w", err)
	}
	return listAll(ctx, "list droplets by tag", func(opt *godo.ListOptions) ([]godo.Droplet, *godo.Response, error) {
		return api.Droplets.ListByTag(ctx, tag, opt)
	}, dropletFrom)
}

// DeleteDroplet deletes a Droplet (DELETE /v2/droplets/{id}). When an attempt got no answer
// and the retry finds the Droplet gone, the first attempt deleted it: that is success.
func (c *Client) DeleteDroplet(ctx context.Context, accessToken string, id int) error {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return fmt.Errorf("delete droplet: %w", err)
	}
	actx, attempts := withAttempts(ctx)
	_, err = api.Droplets.Delete(actx, id)
	err = translate(ctx, "delete droplet", err)
	if domain.ProviderErrorKindOf(err) == domain.ProviderNotFound && attempts.Load() > 1 {
		return nil
	}
	return err
}

// DeleteDropletsByTag deletes every Droplet carrying tag (DELETE /v2/droplets?tag_name=).
func (c *Client) DeleteDropletsByTag(ctx context.Context, accessToken, tag string) error {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return fmt.Errorf("delete droplets by tag: %w", err)
	}
	_, err = api.Droplets.DeleteByTag(ctx, tag)
	return translate(ctx, "delete droplets by tag", err)
}

func dropletFrom(d godo.Droplet) domain.Droplet {
	out := domain.Droplet{
		ID: d.ID, Name: d.Name, Status: d.Status, Size: d.SizeSlug, VCPUs: d.Vcpus,
		MemoryMB: d.Memory, DiskGB: d.Disk, Tags: slices.Clone(d.Tags), CreatedAt: parseTime(d.Created),
	}
	out.PublicIPv4, _ = d.PublicIPv4()
	out.PrivateIPv4, _ = d.PrivateIPv4()
	if d.Region != nil {
		out.Region = d.Region.Slug
	}
	if d.Image != nil {
		out.Image = d.Image.Slug
	}
	return out
}

// convert maps f over items.
func convert[T, U any](items []T, f func(T) U) []U {
	out := make([]U, 0, len(items))
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}

// parseTime reads an RFC 3339 time; the zero time when it is empty or malformed.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
