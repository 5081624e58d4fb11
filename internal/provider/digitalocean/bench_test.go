package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

// The benchmarks measure the client against the simulator served plainly (the tests run
// it behind the OpenAPI validation, which would dominate the timings here). The simulator's
// and the pacer's allowances are lifted so that b.N iterations measure listing, not waiting
// for DigitalOcean's 250 requests a minute.

const benchTeam = "b3c4000000000000000000000000000000000000"

// benchSim serves an empty simulator with one team and token, adding latency to each request.
func benchSim(b *testing.B, latency time.Duration) (*dosim.Server, string) {
	b.Helper()
	srv := dosim.New(dosim.Options{Latency: latency, RateLimitPerMinute: 1 << 30, RateLimitPerHour: 1 << 30})
	srv.AddUser(dosim.User{UUID: dosim.SeedUserSammy, Name: "Bench", Email: "bench@example.com"})
	srv.AddTeam(dosim.Team{UUID: benchTeam, Name: "Bench"})
	if err := srv.AddMember(benchTeam, dosim.SeedUserSammy); err != nil {
		b.Fatal(err)
	}
	if err := srv.AddPersonalToken(token, benchTeam, dosim.SeedUserSammy, nil); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	return srv, ts.URL
}

// benchClient is a real-clock client whose pacer allows far more than DigitalOcean does.
func benchClient(apiURL string) (*Client, *counter) {
	count := &counter{next: http.DefaultTransport, clock: realClock{}}
	c := New(Options{APIURL: apiURL, HTTPClient: &http.Client{Timeout: time.Minute, Transport: count},
		Limits: Limits{PerMinute: 1 << 30, PerHour: 1 << 30}})
	return c, count
}

// BenchmarkListDroplets lists 10,000 droplets: exactly 50 requests of 200.
func BenchmarkListDroplets(b *testing.B) {
	for _, latency := range []time.Duration{0, 50 * time.Millisecond} {
		b.Run(fmt.Sprintf("droplets=10000/latency=%s", latency), func(b *testing.B) {
			srv, apiURL := benchSim(b, latency)
			addDropletsTo(b, srv, benchTeam, "bench", 10000)
			c, count := benchClient(apiURL)
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				before := len(count.Seen(""))
				droplets, err := c.Droplets(ctx, token)
				if err != nil || len(droplets) != 10000 {
					b.Fatalf("Droplets() = %d, %v; want 10000", len(droplets), err)
				}
				if n := len(count.Seen("")) - before; n != 50 {
					b.Fatalf("listing 10,000 droplets took %d requests, want 50", n)
				}
			}
			b.ReportMetric(50, "requests/op")
		})
	}
}

// BenchmarkInventory reads the inventory of an account with 5,500 resources (2,000 droplets
// and 500 of each other kind) with the simulator adding 50 ms to every request.
func BenchmarkInventory(b *testing.B) {
	srv, apiURL := benchSim(b, 50*time.Millisecond)
	addDropletsTo(b, srv, benchTeam, "inv", 2000)
	kinds := []string{dosim.KindVolumes, dosim.KindDatabases, dosim.KindKubernetesClusters, dosim.KindLoadBalancers,
		dosim.KindReservedIPs, dosim.KindSnapshots, dosim.KindApps}
	for _, kind := range kinds {
		if err := srv.AddInventory(benchTeam, kind, 500); err != nil {
			b.Fatal(err)
		}
	}
	c, count := benchClient(apiURL)
	ctx := context.Background()
	requests := 0
	b.ResetTimer()
	for b.Loop() {
		before := len(count.Seen(""))
		items, err := c.Inventory(ctx, token)
		if err != nil || len(items) != 5500 {
			b.Fatalf("Inventory() = %d items, %v; want 5500", len(items), err)
		}
		requests = len(count.Seen("")) - before
	}
	b.ReportMetric(float64(requests), "requests/op")
	b.ReportMetric(5500, "resources/op")
}
