package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
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
