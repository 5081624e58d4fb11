package dosim_test

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// TestMain runs the tests, then, when the whole suite ran, checks that every operation the
// simulator implements was answered with a success through the conformance harness.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && wholeSuite() {
		if msg := uncovered(dosim.Operations(), dosimtest.Coverage()); msg != "" {
			fmt.Fprintln(os.Stderr, "--- FAIL: operation coverage\n"+msg)
			fmt.Println("FAIL")
			code = 1
		}
	}
	os.Exit(code)
}

// wholeSuite reports whether no -run or -skip flag narrowed the run.
func wholeSuite() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

// uncovered lists the operations the harness never saw answered with a 2xx status.
func uncovered(ops []dosim.Operation, seen map[dosimtest.Route][]int) string {
	var missing []string
	for _, op := range ops {
		statuses := seen[dosimtest.Route{Method: op.Method, Path: op.Path}]
		if !slices.ContainsFunc(statuses, func(s int) bool { return s >= 200 && s < 300 }) {
			missing = append(missing, fmt.Sprintf("    %s %s: no successful exchange in any test (saw statuses %v)", op.Method, op.Path, statuses))
		}
	}
	return strings.Join(missing, "\n")
}

func TestUncovered(t *testing.T) {
	t.Parallel()
	ops := []dosim.Operation{
		{Method: "GET", Path: "/v2/account", Scope: "account:read"},
		{Method: "DELETE", Path: "/v2/droplets/{droplet_id}", Scope: "droplet:delete"},
		{Method: "GET", Path: "/v2/regions", Scope: "regions:read"},
	}
	seen := map[dosimtest.Route][]int{
		{Method: "GET", Path: "/v2/account"}:                  {200, 401},
		{Method: "DELETE", Path: "/v2/droplets/{droplet_id}"}: {404},
	}
	got := uncovered(ops, seen)
	for _, want := range []string{"DELETE /v2/droplets/{droplet_id}", "GET /v2/regions"} {
		if !strings.Contains(got, want) {
			t.Errorf("uncovered(...) = %q, want it to name %s", got, want)
		}
	}
	if strings.Contains(got, "/v2/account") {
		t.Errorf("uncovered(...) = %q, want /v2/account covered", got)
	}
}
