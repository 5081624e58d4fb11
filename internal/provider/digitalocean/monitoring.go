package digitalocean

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
	"github.com/digitalocean/godo/metrics"
)

var _ provider.Metrics = (*Client)(nil)

// DropletCPU reads a Droplet's CPU time by mode between start and end
// (GET /v2/monitoring/metrics/droplet/cpu).
func (c *Client) DropletCPU(ctx context.Context, accessToken string, dropletID int, start, end time.Time) ([]domain.MetricSeries, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("get droplet cpu: %w", err)
	}
	m, _, err := api.Monitoring.GetDropletCPU(ctx, &godo.DropletMetricsRequest{HostID: strconv.Itoa(dropletID), Start: start, End: end})
	if err != nil {
		return nil, translate(ctx, "get droplet cpu", err)
	}
	return convert(m.Data.Result, seriesFrom), nil
}

func seriesFrom(s metrics.SampleStream) domain.MetricSeries {
	out := domain.MetricSeries{Labels: map[string]string{}, Points: make([]domain.MetricPoint, 0, len(s.Values))}
	for k, v := range s.Metric {
		out.Labels[string(k)] = string(v)
	}
	for _, p := range s.Values {
		out.Points = append(out.Points, domain.MetricPoint{Time: p.Timestamp.Time().UTC(), Value: float64(p.Value)})
	}
	return out
}
