package digitalocean

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.Inventory = (*Client)(nil)

// lister lists the resources of one kind.
type lister func(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error)

// listers has one entry per domain.ResourceKind.
var listers = map[domain.ResourceKind]lister{
	domain.KindDroplet:      listDropletItems,
	domain.KindVolume:       listVolumes,
	domain.KindDatabase:     listDatabases,
	domain.KindKubernetes:   listKubernetes,
	domain.KindLoadBalancer: listLoadBalancers,
	domain.KindReservedIP:   listReservedIPs,
	domain.KindSnapshot:     listSnapshots,
	domain.KindApp:          listApps,
}

// Resources lists every resource of one kind.
func (c *Client) Resources(ctx context.Context, accessToken string, kind domain.ResourceKind) ([]domain.InventoryItem, error) {
	list, ok := listers[kind]
	if !ok {
		return nil, domain.Invalid("kind", "unknown resource kind %q", kind)
	}
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", kind, err)
	}
	return list(ctx, api)
}

// Inventory lists the resources of every kind, the kinds read concurrently (they share the
// token's pacer), and returns them in domain.AllResourceKinds order.
func (c *Client) Inventory(ctx context.Context, accessToken string) ([]domain.InventoryItem, error) {
	results := make([][]domain.InventoryItem, len(domain.AllResourceKinds))
	errs := make([]error, len(domain.AllResourceKinds))
	var wg sync.WaitGroup
	for i, kind := range domain.AllResourceKinds {
		wg.Go(func() { results[i], errs[i] = c.Resources(ctx, accessToken, kind) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("read inventory: %w", err)
		}
	}
	return slices.Concat(results...), nil
}

func listDropletItems(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error) {
	return listAll(ctx, "list droplets", func(opt *godo.ListOptions) ([]godo.Droplet, *godo.Response, error) {
		return api.Droplets.List(ctx, opt)
	}, func(d godo.Droplet) domain.InventoryItem {
		dd := dropletFrom(d)
		return domain.InventoryItem{Kind: domain.KindDroplet, ID: strconv.Itoa(dd.ID), Name: dd.Name, Region: dd.Region,
			Status: dd.Status, Size: dd.Size, Tags: dd.Tags, CreatedAt: dd.CreatedAt}
	})
}

func listVolumes(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error) {
	return listAll(ctx, "list volumes", func(opt *godo.ListOptions) ([]godo.Volume, *godo.Response, error) {
		return api.Storage.ListVolumes(ctx, &godo.ListVolumeParams{ListOptions: opt})
	}, func(v godo.Volume) domain.InventoryItem {
		status := "available"
		if len(v.DropletIDs) > 0 {
			status = "attached"
		}
		return domain.InventoryItem{Kind: domain.KindVolume, ID: v.ID, Name: v.Name, Region: regionSlug(v.Region),
			Status: status, Size: strconv.FormatInt(v.SizeGigaBytes, 10) + " GiB", Tags: slices.Clone(v.Tags), CreatedAt: v.CreatedAt}
	})
}

func listDatabases(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error) {
	return listAll(ctx, "list databases", func(opt *godo.ListOptions) ([]godo.Database, *godo.Response, error) {
		return api.Databases.List(ctx, opt)
	}, func(d godo.Database) domain.InventoryItem {
		return domain.InventoryItem{Kind: domain.KindDatabase, ID: d.ID, Name: d.Name, Region: d.RegionSlug,
			Status: d.Status, Size: d.SizeSlug, Tags: slices.Clone(d.Tags), CreatedAt: d.CreatedAt}
	})
}

func listKubernetes(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error) {
	return listAll(ctx, "list kubernetes clusters", func(opt *godo.ListOptions) ([]*godo.KubernetesCluster, *godo.Response, error) {
		return api.Kubernetes.List(ctx, opt)
	}, func(k *godo.KubernetesCluster) domain.InventoryItem {
		item := domain.InventoryItem{Kind: domain.KindKubernetes, ID: k.ID, Name: k.Name, Region: k.RegionSlug,
			Size: k.VersionSlug, Tags: slices.Clone(k.Tags), CreatedAt: k.CreatedAt}
		if k.Status != nil {
			item.Status = string(k.Status.State)
		}
		return item
	})
}

func listLoadBalancers(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error) {
	return listAll(ctx, "list load balancers", func(opt *godo.ListOptions) ([]godo.LoadBalancer, *godo.Response, error) {
		return api.LoadBalancers.List(ctx, opt)
	}, func(lb godo.LoadBalancer) domain.InventoryItem {
		return domain.InventoryItem{Kind: domain.KindLoadBalancer, ID: lb.ID, Name: lb.Name, Region: regionSlug(lb.Region),
			Status: lb.Status, Size: lb.SizeSlug, Tags: slices.Clone(lb.Tags), CreatedAt: parseTime(lb.Created)}
	})
}

func listReservedIPs(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error) {
	return listAll(ctx, "list reserved IPs", func(opt *godo.ListOptions) ([]godo.ReservedIP, *godo.Response, error) {
		return api.ReservedIPs.List(ctx, opt)
	}, func(ip godo.ReservedIP) domain.InventoryItem {
		status := "unassigned"
		if ip.Droplet != nil {
			status = "assigned"
		}
		return domain.InventoryItem{Kind: domain.KindReservedIP, ID: ip.IP, Name: ip.IP, Region: regionSlug(ip.Region), Status: status}
	})
}

func listSnapshots(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error) {
	return listAll(ctx, "list snapshots", func(opt *godo.ListOptions) ([]godo.Snapshot, *godo.Response, error) {
		return api.Snapshots.List(ctx, opt)
	}, func(s godo.Snapshot) domain.InventoryItem {
		item := domain.InventoryItem{Kind: domain.KindSnapshot, ID: s.ID, Name: s.Name, Status: s.ResourceType,
			Size: strconv.FormatFloat(s.SizeGigaBytes, 'f', -1, 64) + " GiB", Tags: slices.Clone(s.Tags), CreatedAt: parseTime(s.Created)}
		if len(s.Regions) > 0 {
			item.Region = s.Regions[0]
		}
		return item
	})
}

func listApps(ctx context.Context, api *godo.Client) ([]domain.InventoryItem, error) {
	return listAll(ctx, "list apps", func(opt *godo.ListOptions) ([]*godo.App, *godo.Response, error) {
		return api.Apps.List(ctx, opt)
	}, func(a *godo.App) domain.InventoryItem {
		item := domain.InventoryItem{Kind: domain.KindApp, ID: a.ID, Size: a.TierSlug, CreatedAt: a.CreatedAt}
		if a.Spec != nil {
			item.Name = a.Spec.Name
		}
		if a.Region != nil {
			item.Region = a.Region.Slug
		}
		if a.ActiveDeployment != nil && a.ActiveDeployment.Phase != "" {
			item.Status = string(a.ActiveDeployment.Phase)
		}
		return item
	})
}

// regionSlug is the slug of a region, or "" when there is none.
func regionSlug(r *godo.Region) string {
	if r == nil {
		return ""
	}
	return r.Slug
}
