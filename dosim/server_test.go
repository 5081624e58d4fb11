package dosim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

func TestLatency(t *testing.T) {
	t.Parallel()
	slow, _ := start(t, func(o *dosim.Options) { o.Latency = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, slow.URL+"/v2/account", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+dosim.SeedToken)
	if resp, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		if resp != nil {
			resp.Body.Close()
		}
		t.Errorf("GET with an hour of latency and a short deadline = %v, want the deadline to pass first", err)
	}
	quick, _ := start(t, func(o *dosim.Options) { o.Latency = time.Millisecond })
	if res := call(t, quick.URL, dosim.SeedToken, http.MethodGet, "/v2/account", nil); res.status != http.StatusOK {
		t.Errorf("GET with a millisecond of latency = %d, want 200", res.status)
	}
	if res := call(t, quick.URL, "", http.MethodGet, "/v1/oauth/token/info", nil); res.status == http.StatusOK {
		t.Errorf("token info without a token = 200, want an error")
	}
}

// TestSeedAccount checks that the sandbox account has something on every page.
func TestSeedAccount(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	paths := map[string]string{
		"/v2/droplets": "droplets", "/v2/account/keys": "ssh_keys", "/v2/domains": "domains",
		"/v2/domains/sammyshark.example/records": "domain_records", "/v2/regions": "regions",
		"/v2/sizes": "sizes", "/v2/images?type=distribution": "images", "/v2/volumes": "volumes",
		"/v2/snapshots": "snapshots", "/v2/reserved_ips": "reserved_ips", "/v2/apps": "apps",
		"/v2/customers/my/billing_history": "billing_history",
	}
	for path, key := range paths {
		res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, path, nil)
		var raw map[string]any
		res.decode(t, &raw)
		items, _ := raw[key].([]any)
		if res.status != http.StatusOK || len(items) == 0 {
			t.Errorf("GET %s = %d with %d %s, want some", path, res.status, len(items), key)
		}
	}
}
