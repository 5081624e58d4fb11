package dosim_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

type metricsBody struct {
	Status string `json:"status"`
	Data   struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// cpuQuery is the path of a CPU metrics query.
func cpuQuery(id int, start, end time.Time) string {
	return fmt.Sprintf("/v2/monitoring/metrics/droplet/cpu?host_id=%d&start=%d&end=%d", id, start.Unix(), end.Unix())
}

func TestDropletCPU(t *testing.T) {
	t.Parallel()
	sim, clk := start(t)
	var list dropletList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets?per_page=2", nil).decode(t, &list)
	now := clk.Now()
	q := cpuQuery(list.Droplets[0].ID, now.Add(-time.Hour), now)
	var first, again metricsBody
	res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, q, nil)
	res.decode(t, &first)
	if res.status != http.StatusOK || first.Status != "success" || first.Data.ResultType != "matrix" || len(first.Data.Result) != 8 {
		t.Fatalf("GET %s = %d %s, want a matrix of 8 modes", q, res.status, res.body)
	}
	clk.Advance(time.Hour) // the window is in the past, so its numbers do not change
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, q, nil).decode(t, &again)
	if !reflect.DeepEqual(first, again) {
		t.Errorf("the same query answered differently:\n%v\n%v", first, again)
	}
	for _, series := range first.Data.Result {
		if series.Metric["host_id"] != strconv.Itoa(list.Droplets[0].ID) || series.Metric["mode"] == "" {
			t.Errorf("metric labels %v, want host_id and mode", series.Metric)
		}
		if len(series.Values) != 60 {
			t.Errorf("mode %s: %d samples in an hour, want 60 (one a minute)", series.Metric["mode"], len(series.Values))
		}
		checkCounter(t, series.Metric["mode"], series.Values)
	}
	var other metricsBody
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, cpuQuery(list.Droplets[1].ID, now.Add(-time.Hour), now), nil).decode(t, &other)
	if reflect.DeepEqual(first.Data.Result[7].Values, other.Data.Result[7].Values) {
		t.Errorf("two droplets have the same user CPU")
	}
}

// checkCounter checks that samples are a step apart and never decrease.
func checkCounter(t *testing.T, mode string, values [][2]any) {
	t.Helper()
	prevTS, prevV := 0.0, -1.0
	for _, v := range values {
		ts, _ := v[0].(float64)
		s, _ := v[1].(string)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < prevV || (prevTS != 0 && ts-prevTS != 60) {
			t.Errorf("mode %s: sample %v after (%v, %v): want a counter sampled every 60s", mode, v, prevTS, prevV)
			return
		}
		prevTS, prevV = ts, f
	}
}

func TestDropletCPUWindows(t *testing.T) {
	t.Parallel()
	sim, clk := startLenient(t)
	var got createResponse
	call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(nil)).decode(t, &got)
	created := clk.Now()
	clk.Advance(10 * time.Minute)
	now := clk.Now()
	tests := []struct {
		name        string
		query       string
		wantStatus  int
		wantSamples int
	}{
		{"before creation", cpuQuery(got.Droplet.ID, created.Add(-time.Hour), created.Add(-time.Minute)), 200, 0},
		{"since creation", cpuQuery(got.Droplet.ID, created.Add(-time.Hour), now), 200, 10},
		{"into the future", cpuQuery(got.Droplet.ID, now.Add(-5*time.Minute), now.Add(time.Hour)), 200, 5},
		{"a week", cpuQuery(got.Droplet.ID, now.Add(-7*24*time.Hour), now), 200, 1}, // a 34-minute step
		{"unknown droplet", cpuQuery(1, now.Add(-time.Hour), now), 404, 0},
		{"end before start", cpuQuery(got.Droplet.ID, now, now.Add(-time.Hour)), 422, 0},
		{"start not a number", fmt.Sprintf("/v2/monitoring/metrics/droplet/cpu?host_id=%d&start=yesterday&end=1", got.Droplet.ID), 422, 0},
		{"no host_id", "/v2/monitoring/metrics/droplet/cpu?start=1&end=2", 422, 0},
	}
	for _, tt := range tests {
		var m metricsBody
		res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, tt.query, nil)
		if res.status != tt.wantStatus {
			t.Errorf("%s: GET %s = %d %s, want %d", tt.name, tt.query, res.status, res.body, tt.wantStatus)
			continue
		}
		if tt.wantStatus != 200 {
			continue
		}
		res.decode(t, &m)
		if n := len(m.Data.Result[0].Values); n != tt.wantSamples {
			t.Errorf("%s: %d samples, want %d", tt.name, n, tt.wantSamples)
		}
	}
	wantError(t, "another team's droplet", call(t, sim.URL, acmeToken(t, sim, "cpu", "read"), http.MethodGet,
		cpuQuery(got.Droplet.ID, now.Add(-time.Hour), now), nil), http.StatusNotFound, "not_found", "")
	wantError(t, "without monitoring:read", call(t, sim.URL, acmeToken(t, sim, "cpu2", "droplet:read"), http.MethodGet,
		cpuQuery(got.Droplet.ID, now.Add(-time.Hour), now), nil), http.StatusForbidden, "forbidden", "")
}
