package digitalocean

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.Actions = (*Client)(nil)

// Action reads one action (GET /v2/actions/{id}).
func (c *Client) Action(ctx context.Context, accessToken string, id int) (domain.Action, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.Action{}, fmt.Errorf("get action: %w", err)
	}
	a, _, err := api.Actions.Get(ctx, id)
	if err != nil {
		return domain.Action{}, translate(ctx, "get action", err)
	}
	return actionFrom(*a), nil
}

func actionFrom(a godo.Action) domain.Action {
	out := domain.Action{ID: a.ID, Type: a.Type, Status: a.Status, ResourceID: a.ResourceID, ResourceType: a.ResourceType, Region: a.RegionSlug}
	if a.Region != nil && out.Region == "" {
		out.Region = a.Region.Slug
	}
	if a.StartedAt != nil {
		out.StartedAt = a.StartedAt.Time
	}
	if a.CompletedAt != nil && !a.CompletedAt.IsZero() {
		t := a.CompletedAt.Time
		out.CompletedAt = &t
	}
	return out
}
