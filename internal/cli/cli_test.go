package cli

import (
	"bytes"
	"context"
	"github.com/berth-dev/berth/internal/testkit"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func runBerth(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := Root(&out, &errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestBootstrapPrintsAnAPIKeyLast(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"bootstrap", "--data-dir", dir, "--email", "ops@example.com", "--password", "a long enough password", "--org", "Ops"}
	out, err := runBerth(t, args...)
	if err != nil {
		t.Fatalf("berth bootstrap: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "berth_") || len(last) < 40 {
		t.Errorf("last line = %q, want a new API key", last)
	}
	again, err := runBerth(t, args...)
	if err != nil || again == out {
		t.Errorf("second bootstrap = %v, want a new key for the same admin", err)
	}
	if _, err := runBerth(t, "bootstrap", "--data-dir", dir, "--email", "ops@example.com", "--password", "wrong password!", "--org", "Ops"); err == nil {
		t.Errorf("bootstrap with a wrong password succeeded")
	}
}

func TestBadFlagsAreExplained(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bootstrap", "--data-dir", t.TempDir(), "--email", "x@example.com"}, `required flag(s) "org", "password" not set`},
		{[]string{"bootstrap", "--data-dir", t.TempDir(), "--email", "nope", "--password", "a long enough password", "--org", "O"}, "email"},
		{[]string{"sim", "--oauth-client", "only-an-id"}, "--oauth-client"},
		{[]string{"serve", "--addr", "nonsense"}, "BERTH_ADDR"},
	}
	for _, tt := range tests {
		if _, err := runBerth(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("berth %v = %v, want an error mentioning %q", tt.args, err, tt.want)
		}
	}
}

func TestSimServesAPIAndSpaces(t *testing.T) {
	t.Parallel()
	const token = "dop_v1_2222222222222222222222222222222222222222222222222222222222222222"
	var out bytes.Buffer
	logs := &testkit.LockedBuffer{}
	root := Root(&out, logs)
	root.SetArgs([]string{"sim", "--addr", "127.0.0.1:0", "--spaces-addr", "127.0.0.1:0", "--token", token})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	addrs := regexp.MustCompile(`api=(http://[0-9.:]+)/v2 .*spaces=(http://[0-9.:]+)`)
	var m []string
	for range 100 {
		if m = addrs.FindStringSubmatch(logs.String()); m != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if m == nil {
		cancel()
		t.Fatalf("berth sim did not log its addresses:\n%s", logs.String())
	}
	req, _ := http.NewRequest("GET", m[1]+"/v2/account", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("GET /v2/account with --token = %v, %v; want 200", resp, err)
	}
	if resp, err := http.Get(m[2] + "/"); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("anonymous S3 list = %v, %v; want 403", resp, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("berth sim after cancel = %v, want nil", err)
	}
}
