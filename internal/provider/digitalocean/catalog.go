package digitalocean

import (
	"context"
	"fmt"
	"slices"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.Catalog = (*Client)(nil)

// Regions lists every region (GET /v2/regions).
func (c *Client) Regions(ctx context.Context, accessToken string) ([]domain.Region, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	return listAll(ctx, "list regions", func(opt *godo.ListOptions) ([]godo.Region, *godo.Response, error) {
		return api.Regions.List(ctx, opt)
	}, regionFrom)
}

func regionFrom(r godo.Region) domain.Region {
	return domain.Region{Slug: r.Slug, Name: r.Name, Features: slices.Clone(r.Features), Available: r.Available, Sizes: slices.Clone(r.Sizes)}
}

// Sizes lists every Droplet size (GET /v2/sizes).
func (c *Client) Sizes(ctx context.Context, accessToken string) ([]domain.Size, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list sizes: %w", err)
	}
	return listAll(ctx, "list sizes", func(opt *godo.ListOptions) ([]godo.Size, *godo.Response, error) {
		return api.Sizes.List(ctx, opt)
	}, sizeFrom)
}

func sizeFrom(s godo.Size) domain.Size {
	return domain.Size{
		Slug: s.Slug, Description: s.Description, MemoryMB: s.Memory, VCPUs: s.Vcpus, DiskGB: s.Disk,
		TransferTB: s.Transfer, PriceMonthly: s.PriceMonthly, PriceHourly: s.PriceHourly,
		Regions: slices.Clone(s.Regions), Available: s.Available,
	}
}

// DistributionImages lists the public operating system images (GET /v2/images?type=distribution).
func (c *Client) DistributionImages(ctx context.Context, accessToken string) ([]domain.Image, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	return listAll(ctx, "list images", func(opt *godo.ListOptions) ([]godo.Image, *godo.Response, error) {
		return api.Images.ListDistribution(ctx, opt)
	}, imageFrom)
}

func imageFrom(im godo.Image) domain.Image {
	return domain.Image{ID: im.ID, Slug: im.Slug, Name: im.Name, Distribution: im.Distribution, MinDiskGB: im.MinDiskSize, Regions: slices.Clone(im.Regions)}
}
